package io.sluice.app.api;

import io.sluice.ingest.SyncerStatus;

import java.time.Instant;
import java.util.Map;

/** Body of {@code GET /api/v1/syncer}. Holds no password. */
public record SyncerView(String state, SourceView source, Long serverId, String sourceUuid, String sourceVersion,
                         String executedGtidSet, String file, long position, long transactions, long bytes,
                         ErrorView lastError, Instant lastEventAt, SourceView currentSource, long failovers,
                         Map<String, String> refusedSources) {
    /** The source, without its password. */
    public record SourceView(String host, int port, String user) {
    }

    /** The last failure. */
    public record ErrorView(String message, int code, Instant at) {
    }

    /** A stopped, never-configured syncer. */
    public static SyncerView unconfigured(String executedGtidSet) {
        return new SyncerView("STOPPED", null, null, null, null, executedGtidSet, null, 0, 0, 0, null, null, null, 0,
                Map.of());
    }

    public static SyncerView of(SyncerStatus s) {
        return new SyncerView(s.state().name(), new SourceView(s.host(), s.port(), s.user()), s.serverId(),
                s.sourceUuid(), s.sourceVersion(), s.executedGtidSet(), s.file(), s.position(), s.transactions(),
                s.bytes(), s.lastError() == null ? null : new ErrorView(s.lastError(), s.lastErrorCode(),
                s.lastErrorAt()), s.lastEventAt(),
                s.currentHost() == null ? null : new SourceView(s.currentHost(), s.currentPort(), s.user()),
                s.failovers(), s.refusedSources());
    }
}
