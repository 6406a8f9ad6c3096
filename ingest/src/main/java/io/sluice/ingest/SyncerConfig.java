package io.sluice.ingest;

import io.sluice.model.client.tls.ClientTls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the syncer needs: the source (and the sources it may fail over to), its own replica identity, the topic and
 * Kafka client settings.
 *
 * <p><b>Source failover.</b> The syncer streams from {@link #primary()} until it fails with a retriable connection
 * error (refused, reset, timed out, closed) {@link #failoverAttempts()} times in a row, or keeps failing for
 * {@link #failoverAfter()} — whichever comes first. Then it tries, in this order, the primary of the MySQL Group
 * Replication group (when {@link #discoverGroupPrimary()}), the {@link #candidates()} in their order, the original
 * source, and the source that just failed last; it takes the first that passes the GTID checks of
 * {@link SourceVetting}, and keeps trying rounds with backoff while none does. The defaults, 3 attempts or 10 s,
 * ride out a reconnect or two (a reset connection, a source busy for a moment) but not a dead source: with the
 * syncer's backoff of 0.2 s doubling, 3 refused connections take well under a second, so a killed source is left
 * within a second or two, while a hung one (connect or read timeouts) is left after 10 s.
 *
 * @param host                 source host
 * @param port                 source port
 * @param user                 replication account (REPLICATION SLAVE, REPLICATION CLIENT), the same on every source
 * @param password             its password; never logged, never returned by {@link #toString}
 * @param serverId             the server_id Sluice uses as a replica of the source; must be unique in the topology
 * @param topic                the binlog topic
 * @param maxRecordBytes       largest record value; bigger transactions are split into parts of this size
 * @param groupCommitBytes     a Kafka transaction is committed once it holds this many bytes
 * @param groupCommitDelay     … or once it has been open this long, or as soon as the source has nothing more buffered
 * @param heartbeatPeriod      the heartbeat period asked of the source; a read waits 3 periods before giving up
 * @param producerConfig       Kafka producer properties (bootstrap, security, transactional id, …)
 * @param consumerConfig       Kafka consumer properties, to recover the position from the topic
 * @param candidates           other servers the syncer may fail over to, in order of preference (replicas of the
 *                             source with {@code log_replica_updates=ON}, or members of its group); may be empty
 * @param discoverGroupPrimary whether, when failing over, to ask the source and the candidates for the ONLINE PRIMARY
 *                             of their Group Replication group ({@code performance_schema.replication_group_members};
 *                             needs SELECT on that table) and try it first
 * @param failoverAttempts     retriable failures in a row of the current source after which the syncer fails over
 * @param failoverAfter        … or how long the current source may keep failing before the syncer fails over
 * @param tls                  TLS to the source, its lag probe and the failover candidates alike (VERIFY_IDENTITY
 *                             checks each server's certificate against the host it is reached at); default
 *                             {@link ClientTls#PREFERRED}, MySQL's client default
 */
public record SyncerConfig(String host, int port, String user, String password, long serverId, String topic,
                           int maxRecordBytes, long groupCommitBytes, Duration groupCommitDelay,
                           Duration heartbeatPeriod, Map<String, Object> producerConfig,
                           Map<String, Object> consumerConfig, List<SourceEndpoint> candidates,
                           boolean discoverGroupPrimary, int failoverAttempts, Duration failoverAfter,
                           ClientTls tls) {
    /** Default of {@link #failoverAttempts()}. */
    public static final int DEFAULT_FAILOVER_ATTEMPTS = 3;
    /** Default of {@link #failoverAfter()}. */
    public static final Duration DEFAULT_FAILOVER_AFTER = Duration.ofSeconds(10);

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
        if (failoverAttempts < 1) {
            throw new IllegalArgumentException("failoverAttempts must be at least 1");
        }
        Objects.requireNonNull(failoverAfter, "failoverAfter");
        if (failoverAfter.isNegative() || failoverAfter.isZero()) {
            throw new IllegalArgumentException("failoverAfter must be positive");
        }
        producerConfig = Map.copyOf(producerConfig);
        consumerConfig = Map.copyOf(consumerConfig);
        candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates (pass List.of() for none)"));
        tls = tls == null ? ClientTls.PREFERRED : tls;
    }

    /** A configuration with MySQL's default TLS ({@link ClientTls#PREFERRED}). */
    public SyncerConfig(String host, int port, String user, String password, long serverId, String topic,
                        int maxRecordBytes, long groupCommitBytes, Duration groupCommitDelay,
                        Duration heartbeatPeriod, Map<String, Object> producerConfig,
                        Map<String, Object> consumerConfig, List<SourceEndpoint> candidates,
                        boolean discoverGroupPrimary, int failoverAttempts, Duration failoverAfter) {
        this(host, port, user, password, serverId, topic, maxRecordBytes, groupCommitBytes, groupCommitDelay,
                heartbeatPeriod, producerConfig, consumerConfig, candidates, discoverGroupPrimary, failoverAttempts,
                failoverAfter, ClientTls.PREFERRED);
    }

    /** A configuration without failover: no candidates, no group discovery, default thresholds. */
    public SyncerConfig(String host, int port, String user, String password, long serverId, String topic,
                        int maxRecordBytes, long groupCommitBytes, Duration groupCommitDelay,
                        Duration heartbeatPeriod, Map<String, Object> producerConfig,
                        Map<String, Object> consumerConfig) {
        this(host, port, user, password, serverId, topic, maxRecordBytes, groupCommitBytes, groupCommitDelay,
                heartbeatPeriod, producerConfig, consumerConfig, List.of(), false, DEFAULT_FAILOVER_ATTEMPTS,
                DEFAULT_FAILOVER_AFTER, ClientTls.PREFERRED);
    }

    /** A copy with these failover candidates and group discovery, keeping the thresholds. */
    public SyncerConfig withFailover(List<SourceEndpoint> newCandidates, boolean discover) {
        return new SyncerConfig(host, port, user, password, serverId, topic, maxRecordBytes, groupCommitBytes,
                groupCommitDelay, heartbeatPeriod, producerConfig, consumerConfig, newCandidates, discover,
                failoverAttempts, failoverAfter, tls);
    }

    /** A copy with these TLS settings. */
    public SyncerConfig withTls(ClientTls newTls) {
        return new SyncerConfig(host, port, user, password, serverId, topic, maxRecordBytes, groupCommitBytes,
                groupCommitDelay, heartbeatPeriod, producerConfig, consumerConfig, candidates, discoverGroupPrimary,
                failoverAttempts, failoverAfter, newTls);
    }

    /** The configured source. */
    public SourceEndpoint primary() {
        return new SourceEndpoint(host, port);
    }

    /** The primary then the candidates, without repeats. */
    public List<SourceEndpoint> allSources() {
        List<SourceEndpoint> all = new ArrayList<>();
        all.add(primary());
        for (SourceEndpoint candidate : candidates) {
            if (!all.contains(candidate)) {
                all.add(candidate);
            }
        }
        return all;
    }

    /** Whether the syncer has anywhere to go when its source fails. */
    public boolean canFailOver() {
        return discoverGroupPrimary || allSources().size() > 1;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "SyncerConfig[" + user + "@" + host + ":" + port + ", serverId=" + serverId + ", topic=" + topic
                + (candidates.isEmpty() ? "" : ", candidates=" + candidates)
                + (discoverGroupPrimary ? ", discoverGroupPrimary" : "") + ", tls=" + tls + "]";
    }
}
