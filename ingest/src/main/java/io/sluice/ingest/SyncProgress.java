package io.sluice.ingest;

import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.GtidSet;

import java.time.Instant;

/** The syncer's progress, written by its thread and read by status requests. */
final class SyncProgress {
    private volatile GtidSet executed = GtidSet.EMPTY;
    private volatile String file;
    private volatile long position;
    private volatile long transactions;
    private volatile long bytes;
    private volatile String sourceUuid;
    private volatile String sourceVersion;
    private volatile String lastError;
    private volatile int lastErrorCode;
    private volatile Instant lastErrorAt;
    private volatile Instant lastEventAt;

    void recovered(TopicTail tail) {
        executed = tail.executed();
        file = tail.file();
        position = tail.position();
    }

    void connected(String uuid, String version) {
        sourceUuid = uuid;
        sourceVersion = version;
    }

    void committed(GtidSet set, String currentFile, long currentPosition, long addedTransactions, long addedBytes) {
        executed = set;
        file = currentFile;
        position = currentPosition;
        transactions += addedTransactions;
        bytes += addedBytes;
    }

    void eventSeen() {
        lastEventAt = Instant.now();
    }

    void failed(Throwable t) {
        lastError = t.getMessage() == null ? t.toString() : t.getMessage();
        lastErrorCode = Failures.mysqlCode(t);
        lastErrorAt = Instant.now();
    }

    long transactions() {
        return transactions;
    }

    SyncerStatus status(SyncerState state, SyncerConfig config) {
        return new SyncerStatus(state, config.host(), config.port(), config.user(), config.serverId(), sourceUuid,
                sourceVersion, executed.toString(), file, position, transactions, bytes, lastError, lastErrorCode,
                lastErrorAt, lastEventAt);
    }
}
