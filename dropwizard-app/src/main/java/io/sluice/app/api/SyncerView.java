package io.sluice.app.api;

import io.sluice.ingest.SyncerStatus;

import java.time.Instant;
import java.util.Map;

/**
 * Body of {@code GET /api/v1/syncer}. Holds no password.
 *
 * @param lagSeconds      seconds between the source's commit of the newest transaction not yet in Kafka and now, 0
 *                        when Kafka holds everything the source has executed; {@code null} when unknown (not
 *                        streaming, or the source could not be asked)
 * @param lagBytes        bytes of the source's binary logs not yet in Kafka; {@code null} when unknown (the account
 *                        lacks REPLICATION CLIENT, or the syncer does not stream)
 * @param lagTransactions transactions the source has executed that Kafka does not hold; {@code null} when unknown
 * @param throughput      what the syncer commits to Kafka, per second, over the last minute
 * @param progress        while catching up: what is left and when it should be done; {@code null} otherwise
 * @param lastGtid        the GTID of the last transaction committed to Kafka, {@code null} before the first since
 *                        the syncer started
 * @param lastTransactionAt the source's timestamp of that transaction's commit (seconds precision)
 */
public record SyncerView(String state, SourceView source, Long serverId, String sourceUuid, String sourceVersion,
                         String executedGtidSet, String file, long position, long transactions, long bytes,
                         ErrorView lastError, Instant lastEventAt, SourceView currentSource, long failovers,
                         Map<String, String> refusedSources, Long lagSeconds, Long lagBytes, Long lagTransactions,
                         Throughput throughput, Progress progress, String lastGtid, Instant lastTransactionAt) {
    /**
     * The source, without its password.
     *
     * @param tls the TLS mode the syncer connects with (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY)
     */
    public record SourceView(String host, int port, String user, String tls) {
    }

    /** The last failure. */
    public record ErrorView(String message, int code, Instant at) {
    }

    /** Rates over the last minute (exponentially weighted, like {@code uptime}'s load). */
    public record Throughput(double eventsPerSecond, double transactionsPerSecond, double bytesPerSecond) {
        public static final Throughput ZERO = new Throughput(0, 0, 0);
    }

    /**
     * Catching up: what the source holds that Kafka does not, and the time it should take at the current rate.
     *
     * @param behindTransactions transactions still to copy
     * @param behindBytes        bytes still to copy, or {@code null} when unknown
     * @param etaSeconds         seconds to catch up at the last minute's rate, or {@code null} when it cannot be told
     *                           (no rate yet, or bytes unknown and no transaction rate)
     */
    public record Progress(long behindTransactions, Long behindBytes, Long etaSeconds) {
    }

    /** A stopped, never-configured syncer. */
    public static SyncerView unconfigured(String executedGtidSet) {
        return new SyncerView("STOPPED", null, null, null, null, executedGtidSet, null, 0, 0, 0, null, null, null, 0,
                Map.of(), null, null, null, Throughput.ZERO, null, null, null);
    }
}
