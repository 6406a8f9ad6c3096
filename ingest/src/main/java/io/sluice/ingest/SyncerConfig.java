package io.sluice.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the syncer needs: the source, its own replica identity, the topic and Kafka client settings.
 *
 * @param host              source host
 * @param port              source port
 * @param user              replication account (REPLICATION SLAVE, REPLICATION CLIENT)
 * @param password          its password; never logged, never returned by {@link #toString}
 * @param serverId          the server_id Sluice uses as a replica of the source; must be unique in the topology
 * @param topic             the binlog topic
 * @param maxRecordBytes    largest record value; bigger transactions are split into parts of this size
 * @param groupCommitBytes  a Kafka transaction is committed once it holds this many bytes
 * @param groupCommitDelay  … or once it has been open this long, or as soon as the source has nothing more buffered
 * @param heartbeatPeriod   the heartbeat period asked of the source; a read waits 3 periods before giving up
 * @param producerConfig    Kafka producer properties (bootstrap, security, transactional id, …)
 * @param consumerConfig    Kafka consumer properties, to recover the position from the topic
 */
public record SyncerConfig(String host, int port, String user, String password, long serverId, String topic,
                           int maxRecordBytes, long groupCommitBytes, Duration groupCommitDelay,
                           Duration heartbeatPeriod, Map<String, Object> producerConfig,
                           Map<String, Object> consumerConfig) {
    public SyncerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(topic, "topic");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
        if (serverId < 1 || serverId > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("serverId must be between 1 and 4294967295");
        }
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("maxRecordBytes must be at least 1024");
        }
        producerConfig = Map.copyOf(producerConfig);
        consumerConfig = Map.copyOf(consumerConfig);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "SyncerConfig[" + user + "@" + host + ":" + port + ", serverId=" + serverId + ", topic=" + topic + "]";
    }
}
