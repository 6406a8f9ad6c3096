package io.sluice.ingest;

/** Where the syncer is in its life. */
public enum SyncerState {
    /** Not running: never started, or stopped by an operator. */
    STOPPED,
    /** Recovering its position from the topic and connecting to the source. */
    CONNECTING,
    /** Streaming from the source into the topic. */
    RUNNING,
    /** A retriable failure of the source happened; it will reconnect to the same source after a backoff. */
    RETRYING,
    /**
     * The current source has failed too often or for too long ({@link SyncerConfig#failoverAttempts()},
     * {@link SyncerConfig#failoverAfter()}): the syncer is trying the other sources (the candidates, the group's
     * primary, the original source) in turn, with backoff between rounds, and writes nothing until one of them passes
     * the GTID checks. {@link SyncerStatus#refusedSources()} says why each one was not taken.
     */
    FAILING_OVER,
    /**
     * Kafka cannot take writes (for example fewer in-sync replicas than {@code min.insync.replicas}, or no leader):
     * the syncer has closed its producer and its source connection, reads nothing, and probes Kafka until it takes
     * writes again; then it resumes by itself from the topic's GTID set. Nothing is lost: the source keeps its binlog.
     * Noticed when a send or commit fails, that is within the producer's {@code max.block.ms} (30 s by default) of
     * the first write that Kafka cannot take; until then the state stays {@link #RUNNING}.
     */
    PAUSED,
    /** A failure that needs an operator (wrong password, purged binlogs, unsafe topic, fenced); not retried. */
    ERROR
}
