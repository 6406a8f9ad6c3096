package io.sluice.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the syncer for status endpoints. Holds no password.
 *
 * @param state              where the syncer is
 * @param host               configured source host ({@code null} when not configured)
 * @param port               configured source port
 * @param user               replication account
 * @param serverId           Sluice's server_id towards the source
 * @param sourceUuid         the current source's server_uuid, once connected
 * @param sourceVersion      the current source's version, once connected
 * @param executedGtidSet    every GTID durable in the topic
 * @param file               the source file of the last event written
 * @param position           the end position of that event
 * @param transactions       source transactions committed to Kafka since start
 * @param bytes              bytes committed to Kafka since start
 * @param lastError          the last failure, or {@code null}: a refusal names the missing or errant GTIDs, a pause
 *                           says why Kafka cannot take writes
 * @param lastErrorCode      its MySQL error code, or 0
 * @param lastErrorAt        when it happened
 * @param lastEventAt        when the last event (or heartbeat) arrived from the source
 * @param currentHost        host of the source the syncer streams (or last streamed) from; differs from {@code host}
 *                           after a failover; {@code null} before the first connection
 * @param currentPort        its port, or 0
 * @param failovers          how many times the syncer switched to another source since start
 * @param connectionAttempts how many times since start the syncer recovered its position and connected (or tried to);
 *                           it does not grow while {@link SyncerState#PAUSED}
 * @param refusedSources     {@code host:port} of each source the syncer did not take when it last tried it, with why
 *                           (missing or errant GTIDs, unreachable, …); an entry goes away once that source is taken
 * @param lagSeconds         the source's clock minus the timestamp of the newest event the syncer received, 0 once
 *                           Kafka holds every GTID the source executed; {@code null} when not measured (not
 *                           streaming, or the source could not be asked for two intervals)
 * @param lagBytes           bytes of the source's binary logs after the last position committed to Kafka;
 *                           {@code null} when not measured (the account lacks REPLICATION CLIENT, among others)
 * @param lagTransactions    GTIDs the source executed that Kafka does not hold; {@code null} when not measured
 * @param eventsPerSecond    events received per second, over the last minute
 * @param transactionsPerSecond transactions committed to Kafka per second, over the last minute
 * @param bytesPerSecond     bytes committed to Kafka per second, over the last minute
 * @param lastGtid           the GTID of the last transaction committed to Kafka since start, or {@code null}
 * @param lastTransactionAt  the source's timestamp of that transaction's last event (its commit), or {@code null}
 */
public record SyncerStatus(SyncerState state, String host, int port, String user, long serverId, String sourceUuid,
                           String sourceVersion, String executedGtidSet, String file, long position,
                           long transactions, long bytes, String lastError, int lastErrorCode, Instant lastErrorAt,
                           Instant lastEventAt, String currentHost, int currentPort, long failovers,
                           long connectionAttempts, Map<String, String> refusedSources, Long lagSeconds,
                           Long lagBytes, Long lagTransactions, double eventsPerSecond, double transactionsPerSecond,
                           double bytesPerSecond, String lastGtid, Instant lastTransactionAt) {
    public SyncerStatus {
        refusedSources = Map.copyOf(refusedSources);
    }

    /** {@code currentHost:currentPort}, or {@code null} before the first connection. */
    public String currentSource() {
        return currentHost == null ? null : currentHost + ":" + currentPort;
    }
}
