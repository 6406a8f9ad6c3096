package io.sluice.ingest;

/** Where the syncer is in its life. */
public enum SyncerState {
    /** Not running: never started, or stopped by an operator. */
    STOPPED,
    /** Recovering its position from the topic and connecting to the source. */
    CONNECTING,
    /** Streaming from the source into the topic. */
    RUNNING,
    /** A retriable failure happened; it will reconnect after a backoff. */
    RETRYING,
    /** A failure that needs an operator (wrong password, purged binlogs, unsafe topic, fenced); not retried. */
    ERROR
}
