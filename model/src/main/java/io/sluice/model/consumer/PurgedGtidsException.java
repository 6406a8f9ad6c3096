package io.sluice.model.consumer;

import io.sluice.model.gtid.GtidSet;

/**
 * The topic no longer holds transactions that a start "after a GTID set" needs: retention or a purge removed them,
 * as MySQL reports with error 1236 (ER_SOURCE_FATAL_ERROR_READING_BINLOG) when a replica asks a source for purged
 * GTIDs. {@link #missing()} names them.
 */
public final class PurgedGtidsException extends BinlogConsumerException {
    private static final long serialVersionUID = 1L;

    private final transient GtidSet requested;
    private final transient GtidSet purged;
    private final transient GtidSet missing;

    public PurgedGtidsException(String topic, GtidSet requested, GtidSet purged, GtidSet missing) {
        super("Cannot read topic " + topic + " after GTID set '" + requested + "': the topic no longer holds "
                + "transactions this set lacks. The transactions purged from the topic are '" + purged + "', and the "
                + "missing transactions are '" + missing + "'. Get them from elsewhere (or start from a snapshot "
                + "taken later), then start after a set that includes them.");
        this.requested = requested;
        this.purged = purged;
        this.missing = missing;
    }

    /** The GTID set the reader asked to start after. */
    public GtidSet requested() {
        return requested;
    }

    /** The GTIDs no longer in the topic (its {@code gtid_purged}). */
    public GtidSet purged() {
        return purged;
    }

    /** The purged GTIDs the requested set lacks. */
    public GtidSet missing() {
        return missing;
    }
}
