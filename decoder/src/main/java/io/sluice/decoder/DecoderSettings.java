package io.sluice.decoder;

import io.sluice.model.client.tls.ClientTls;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the decoder needs: where the binlog topic is, where the row changes go, and how to name the columns.
 *
 * @param client            Kafka client properties: {@code bootstrap.servers} and any pass-through property (SASL,
 *                          TLS); the decoder sets its own serializers, isolation level and processing guarantee
 * @param binlogTopic       the binlog topic Sluice's syncer writes
 * @param applicationId     Kafka Streams' {@code application.id}: the consumer group, the prefix of the internal
 *                          topics and the transactional ids. Two decoders with the same id share the work (only one
 *                          runs at a time, the topic has one partition); another id decodes again from the start
 * @param mode              one topic with the table in the key, or one topic per table
 * @param outputTopic       in {@link OutputMode#ONE_TOPIC}, the topic's name; in {@link OutputMode#TOPIC_PER_TABLE},
 *                          the prefix of every table's topic (then {@code <prefix><database>.<table>})
 * @param outputPartitions  partitions of the topics the decoder creates; a row's changes keep their order in any case
 *                          (the key holds the table and the primary key)
 * @param replicationFactor replication factor of the topics the decoder creates (its own internal topics too)
 * @param minInsyncReplicas {@code min.insync.replicas} of those topics
 * @param stateDir          Kafka Streams' {@code state.dir}: its local copy of the decoder's small state
 * @param columnNames       where column names come from when the binlog has none ({@code binlog_row_metadata} is not
 *                          {@code FULL}): a MySQL server with the schema, typically the facade's metadata backend;
 *                          {@code null} = such columns are named {@code @1}, {@code @2}, … as mysqlbinlog does
 */
public record DecoderSettings(Map<String, Object> client, String binlogTopic, String applicationId, OutputMode mode,
                              String outputTopic, int outputPartitions, short replicationFactor,
                              int minInsyncReplicas, Path stateDir, SchemaSource columnNames) {
    /** The default {@link #applicationId}. */
    public static final String DEFAULT_APPLICATION_ID = "sluice-decoder";
    /** The default {@link #outputTopic} in {@link OutputMode#ONE_TOPIC}. */
    public static final String DEFAULT_OUTPUT_TOPIC = "sluice.rows";
    /** The default prefix in {@link OutputMode#TOPIC_PER_TABLE}. */
    public static final String DEFAULT_TOPIC_PREFIX = "sluice.rows.";

    private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");

    public DecoderSettings {
        client = Map.copyOf(client);
        Objects.requireNonNull(binlogTopic, "binlogTopic");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(stateDir, "stateDir");
        if (!client.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("the decoder's Kafka client properties need bootstrap.servers");
        }
        if (applicationId == null || !TOPIC_CHARS.matcher(applicationId).matches()) {
            throw new IllegalArgumentException("decoder applicationId must be 1 or more of [a-zA-Z0-9._-], not "
                    + applicationId);
        }
        if (outputTopic == null || !TOPIC_CHARS.matcher(outputTopic).matches() || outputTopic.length() > 200) {
            throw new IllegalArgumentException("decoder outputTopic must be 1 to 200 of [a-zA-Z0-9._-], not "
                    + outputTopic);
        }
        if (outputTopic.equals(binlogTopic)) {
            throw new IllegalArgumentException("decoder outputTopic must not be the binlog topic " + binlogTopic);
        }
        if (outputPartitions < 1) {
            throw new IllegalArgumentException("decoder outputPartitions must be at least 1, not " + outputPartitions);
        }
        if (replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("decoder topics need 1 <= minInsyncReplicas (" + minInsyncReplicas
                    + ") <= replicationFactor (" + replicationFactor + ")");
        }
    }

    /** A MySQL server to ask for column names; the password is never shown by {@link #toString()}. */
    public record SchemaSource(String host, int port, String user, String password, ClientTls tls) {
        public SchemaSource {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            password = password == null ? "" : password;
            tls = tls == null ? ClientTls.PREFERRED : tls;
        }

        /** With TLS if the server offers it (MySQL's client default). */
        public SchemaSource(String host, int port, String user, String password) {
            this(host, port, user, password, ClientTls.PREFERRED);
        }

        /** host:port, for messages. */
        public String endpoint() {
            return host + ":" + port;
        }

        @Override
        public String toString() {
            return "SchemaSource[" + user + "@" + endpoint() + "]";
        }
    }
}
