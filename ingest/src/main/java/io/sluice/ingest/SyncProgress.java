package io.sluice.ingest;

import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The syncer's progress, written by its thread and read by status requests. */
final class SyncProgress {
    private volatile GtidSet executed = GtidSet.EMPTY;
    private volatile String file;
    private volatile long position;
    private volatile long transactions;
    private volatile long bytes;
    private volatile String sourceUuid;
    private volatile String sourceVersion;
    private volatile SourceEndpoint current;
    private volatile long failovers;
    private volatile long connectionAttempts;
    private volatile String lastError;
    private volatile int lastErrorCode;
    private volatile Instant lastErrorAt;
    private volatile Instant lastEventAt;
    private volatile long newestEventTimestamp;
    private volatile String lastGtid;
    private volatile Instant lastTransactionAt;
    private final Map<String, String> refused = new TreeMap<>();
    private final SyncerMetrics metrics;

    SyncProgress(SyncerMetrics metrics) {
        this.metrics = metrics;
    }

    SyncerMetrics metrics() {
        return metrics;
    }

    /** What the source probe compares with the source. */
    SourceProbe.Position position() {
        return new SourceProbe.Position(executed, file, position, newestEventTimestamp);
    }

    /** The server the syncer streams from, or {@code null} before the first connection. */
    SourceEndpoint current() {
        return current;
    }

    void recovered(TopicTail tail) {
        executed = tail.executed();
        file = tail.file();
        position = tail.position();
    }

    void attempt() {
        connectionAttempts++;
    }

    void connected(String uuid, String version) {
        sourceUuid = uuid;
        sourceVersion = version;
    }

    /** The syncer streams from {@code endpoint} now; {@code switched} when it is another server than before. */
    void streamingFrom(SourceEndpoint endpoint, boolean switched) {
        current = endpoint;
        if (switched) {
            failovers++;
        }
        synchronized (refused) {
            refused.remove(endpoint.toString());
        }
    }

    void refused(SourceEndpoint endpoint, String why) {
        synchronized (refused) {
            refused.put(endpoint.toString(), why);
        }
    }

    void committed(GtidSet set, String currentFile, long currentPosition, long addedTransactions, long addedBytes,
                   Gtid newestGtid, long newestTimestamp) {
        if (newestGtid != null) {
            lastGtid = newestGtid.toString();
        }
        if (newestTimestamp > 0) {
            lastTransactionAt = Instant.ofEpochSecond(newestTimestamp);
        }
        executed = set;
        file = currentFile;
        position = currentPosition;
        transactions += addedTransactions;
        bytes += addedBytes;
        metrics.transactions.mark(addedTransactions);
        metrics.bytes.mark(addedBytes);
    }

    void eventSeen() {
        lastEventAt = Instant.now();
    }

    /** An event (not a heartbeat) came with this header timestamp (seconds, the source's clock). */
    void eventTimestamp(long timestamp) {
        metrics.events.mark();
        if (timestamp > newestEventTimestamp) {
            newestEventTimestamp = timestamp;
        }
    }

    void failed(Throwable t) {
        failed(t.getMessage() == null ? t.toString() : t.getMessage(), Failures.mysqlCode(t));
    }

    void failed(String message, int code) {
        metrics.error(code);
        lastError = message;
        lastErrorCode = code;
        lastErrorAt = Instant.now();
    }

    long transactions() {
        return transactions;
    }

    SyncerStatus status(SyncerState state, SyncerConfig config, SourceProbe.Lag lag) {
        SourceEndpoint c = current;
        Map<String, String> refusedNow;
        synchronized (refused) {
            refusedNow = Map.copyOf(refused);
        }
        return new SyncerStatus(state, config.host(), config.port(), config.user(), config.serverId(), sourceUuid,
                sourceVersion, executed.toString(), file, position, transactions, bytes, lastError, lastErrorCode,
                lastErrorAt, lastEventAt, c == null ? null : c.host(), c == null ? 0 : c.port(), failovers,
                connectionAttempts, refusedNow, lag == null ? null : lag.seconds(), lag == null ? null : lag.bytes(),
                lag == null ? null : lag.transactions(), metrics.events.getOneMinuteRate(),
                metrics.transactions.getOneMinuteRate(), metrics.bytes.getOneMinuteRate(), lastGtid,
                lastTransactionAt);
    }
}
