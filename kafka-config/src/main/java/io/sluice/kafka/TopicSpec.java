package io.sluice.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Sluice needs of one of its topics: the settings it creates the topic with, and the bar an existing topic must
 * clear (see {@link TopicManager} for the rules).
 *
 * <p>A spec is valid only if a topic created from it would itself pass {@link TopicManager}'s checks, so an unsafe
 * topic cannot be created through Sluice either:
 * <ul>
 *   <li>{@code partitions} is always 1: the order of the topic is the order of the source's binlog, and Kafka orders
 *       records only within one partition;</li>
 *   <li>in embedded mode ({@code allowSingleReplica}) any replication factor from 1 is accepted, with
 *       {@code 1 <= minInsyncReplicas <= replicationFactor};</li>
 *   <li>otherwise {@code replicationFactor >= 3} and {@code 2 <= minInsyncReplicas < replicationFactor}.</li>
 * </ul>
 *
 * @param name               the topic name (Kafka's rules: 1 to 249 characters from {@code [a-zA-Z0-9._-]},
 *                           neither {@code .} nor {@code ..})
 * @param partitions         always 1
 * @param replicationFactor  copies of every record, on as many brokers
 * @param minInsyncReplicas  copies that must hold a record before the write is acknowledged ({@code acks=all})
 * @param maxMessageBytes    the topic's {@code max.message.bytes}: the largest record batch the broker accepts. The
 *                           producer's {@code max.request.size} is set to the same value (see
 *                           {@link KafkaClientDefaults}); a writer must keep each record's payload below it minus the
 *                           batch overhead ({@link #RECORD_BATCH_OVERHEAD_BYTES})
 * @param allowSingleReplica true only for the embedded single-node broker, where one copy is all there can be
 * @param retentionMs        {@code retention.ms} set at creation; empty leaves the broker default
 *                           ({@code log.retention.hours}, 168 h unless changed). Not verified on existing topics
 * @param retentionBytes     {@code retention.bytes} set at creation; empty leaves the broker default (unlimited unless
 *                           changed). Not verified on existing topics
 * @param compressionType    the topic's {@code compression.type} set at creation: {@code producer} (the default) keeps
 *                           the batches as the syncer compressed them (lz4, {@link KafkaClientDefaults#COMPRESSION});
 *                           another codec makes every broker recompress every batch it receives, which costs broker CPU
 *                           but loses nothing: consumers get the same bytes back. Shown, not judged, on existing topics
 */
public record TopicSpec(
        String name,
        int partitions,
        short replicationFactor,
        int minInsyncReplicas,
        int maxMessageBytes,
        boolean allowSingleReplica,
        OptionalLong retentionMs,
        OptionalLong retentionBytes,
        String compressionType) {

    /** The replication factor of {@link #defaults(String)}: survives the loss of one broker with writes going on. */
    public static final short DEFAULT_REPLICATION_FACTOR = 3;

    /** The {@code min.insync.replicas} of {@link #defaults(String)}: every acknowledged write is on two brokers. */
    public static final int DEFAULT_MIN_INSYNC_REPLICAS = 2;

    /**
     * The default {@code max.message.bytes}: 16 MiB, the same as the embedded broker's {@code message.max.bytes}.
     * Source transactions larger than a record are split into chunks by the writer, so this bounds memory per record,
     * not the size of a transaction.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * A conservative allowance for the framing Kafka adds around records in a batch (batch header 61 bytes, per-record
     * varints and headers): a writer whose record key, value and headers together stay below
     * {@code maxMessageBytes - RECORD_BATCH_OVERHEAD_BYTES} never gets a {@code RecordTooLargeException}.
     */
    public static final int RECORD_BATCH_OVERHEAD_BYTES = 4096;

    /** The default {@code compression.type}: keep the producer's batches as they are. */
    public static final String DEFAULT_COMPRESSION_TYPE = "producer";

    /** The values Kafka accepts for a topic's {@code compression.type}, as a sentence lists them. */
    public static final String COMPRESSION_TYPES_TEXT = "producer, uncompressed, lz4, zstd, snappy, gzip";

    /** The values Kafka accepts for a topic's {@code compression.type}. */
    public static final Set<String> COMPRESSION_TYPES = Set.of(COMPRESSION_TYPES_TEXT.split(", "));

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * Creates a spec, checking it against the rules of the class comment.
     *
     * @param name               the topic name
     * @param partitions         must be 1
     * @param replicationFactor  copies of every record
     * @param minInsyncReplicas  copies needed to acknowledge a write
     * @param maxMessageBytes    the topic's {@code max.message.bytes}
     * @param allowSingleReplica true only in embedded mode
     * @param retentionMs        {@code retention.ms} at creation, or empty
     * @param retentionBytes     {@code retention.bytes} at creation, or empty
     * @param compressionType    {@code compression.type} at creation, one of {@link #COMPRESSION_TYPES}
     * @throws IllegalArgumentException if a rule is broken
     */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(retentionMs, "retentionMs");
        Objects.requireNonNull(retentionBytes, "retentionBytes");
        Objects.requireNonNull(compressionType, "compressionType");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal topic name '" + name
                    + "': use 1 to 249 characters from [a-zA-Z0-9._-], not '.' or '..'");
        }
        if (partitions != 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be 1 (the order of the topic is "
                    + "the order of the binlog), not " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication factor must be at least 1, not "
                    + replicationFactor);
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("topic " + name + ": min.insync.replicas must be between 1 and the "
                    + "replication factor " + replicationFactor + ", not " + minInsyncReplicas);
        }
        if (!allowSingleReplica) {
            if (replicationFactor < 3) {
                throw new IllegalArgumentException("topic " + name + ": replication factor " + replicationFactor
                        + " outside embedded mode; Sluice needs at least 3 (with min.insync.replicas 2)");
            }
            if (minInsyncReplicas < 2 || minInsyncReplicas >= replicationFactor) {
                throw new IllegalArgumentException("topic " + name + ": min.insync.replicas " + minInsyncReplicas
                        + " with replication factor " + replicationFactor + "; it must be at least 2 and at most "
                        + (replicationFactor - 1));
            }
        }
        if (maxMessageBytes <= RECORD_BATCH_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("topic " + name + ": max.message.bytes must exceed "
                    + RECORD_BATCH_OVERHEAD_BYTES + ", not " + maxMessageBytes);
        }
        if (retentionMs.isPresent() && (retentionMs.getAsLong() < -1 || retentionMs.getAsLong() == 0)) {
            throw new IllegalArgumentException("topic " + name + ": retention.ms must be -1 (forever) or positive");
        }
        if (retentionBytes.isPresent() && (retentionBytes.getAsLong() < -1 || retentionBytes.getAsLong() == 0)) {
            throw new IllegalArgumentException("topic " + name + ": retention.bytes must be -1 (unlimited) or positive");
        }
        if (!COMPRESSION_TYPES.contains(compressionType)) {
            throw new IllegalArgumentException("topic " + name + ": compression.type must be one of "
                    + COMPRESSION_TYPES_TEXT + ", not '" + compressionType + "'");
        }
    }

    /**
     * Every topic config a topic made from this spec is created with: the spec's own values, and the two settings
     * that are never negotiable ({@code unclean.leader.election.enable=false}, {@code cleanup.policy=delete}; see
     * {@link TopicManager}).
     *
     * @return the configs, in a stable order
     */
    public Map<String, String> topicConfigs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("min.insync.replicas", Integer.toString(minInsyncReplicas));
        configs.put("unclean.leader.election.enable", "false");
        configs.put("cleanup.policy", "delete");
        configs.put("max.message.bytes", Integer.toString(maxMessageBytes));
        configs.put("compression.type", compressionType);
        retentionMs.ifPresent(ms -> configs.put("retention.ms", Long.toString(ms)));
        retentionBytes.ifPresent(b -> configs.put("retention.bytes", Long.toString(b)));
        return configs;
    }

    /**
     * The production spec: 1 partition, replication factor 3, {@code min.insync.replicas=2}, 16 MiB records, broker
     * default retention.
     *
     * @param name the topic name
     * @return the spec
     */
    public static TopicSpec defaults(String name) {
        return new TopicSpec(name, 1, DEFAULT_REPLICATION_FACTOR, DEFAULT_MIN_INSYNC_REPLICAS,
                DEFAULT_MAX_MESSAGE_BYTES, false, OptionalLong.empty(), OptionalLong.empty(), DEFAULT_COMPRESSION_TYPE);
    }

    /**
     * The spec for the embedded single-node broker: 1 partition, replication factor 1, {@code min.insync.replicas=1},
     * 16 MiB records. Not highly available: the only copy of the data is on this machine's disk.
     *
     * @param name the topic name
     * @return the spec
     */
    public static TopicSpec embedded(String name) {
        return new TopicSpec(name, 1, (short) 1, 1, DEFAULT_MAX_MESSAGE_BYTES, true,
                OptionalLong.empty(), OptionalLong.empty(), DEFAULT_COMPRESSION_TYPE);
    }

    /**
     * A copy with another replication factor and {@code min.insync.replicas}.
     *
     * @param newReplicationFactor  the replication factor
     * @param newMinInsyncReplicas  the {@code min.insync.replicas}
     * @return the new spec (validated)
     */
    public TopicSpec withReplication(int newReplicationFactor, int newMinInsyncReplicas) {
        if (newReplicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor too large: " + newReplicationFactor);
        }
        return new TopicSpec(name, partitions, (short) newReplicationFactor, newMinInsyncReplicas, maxMessageBytes,
                allowSingleReplica, retentionMs, retentionBytes, compressionType);
    }

    /**
     * A copy with another {@code max.message.bytes}.
     *
     * @param newMaxMessageBytes the largest record batch, in bytes
     * @return the new spec (validated)
     */
    public TopicSpec withMaxMessageBytes(int newMaxMessageBytes) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, newMaxMessageBytes,
                allowSingleReplica, retentionMs, retentionBytes, compressionType);
    }

    /**
     * A copy that sets {@code retention.ms} when the topic is created.
     *
     * @param ms the retention in milliseconds, or -1 for forever
     * @return the new spec (validated)
     */
    public TopicSpec withRetentionMs(long ms) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes,
                allowSingleReplica, OptionalLong.of(ms), retentionBytes, compressionType);
    }

    /**
     * A copy that sets {@code retention.bytes} when the topic is created.
     *
     * @param bytes the retention in bytes, or -1 for unlimited
     * @return the new spec (validated)
     */
    public TopicSpec withRetentionBytes(long bytes) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes,
                allowSingleReplica, retentionMs, OptionalLong.of(bytes), compressionType);
    }

    /**
     * A copy that sets {@code compression.type} when the topic is created.
     *
     * @param type one of {@link #COMPRESSION_TYPES}
     * @return the new spec (validated)
     */
    public TopicSpec withCompressionType(String type) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes,
                allowSingleReplica, retentionMs, retentionBytes, type);
    }
}
