package io.sluice.model.consumer;

import io.sluice.model.gtid.GtidSet;

import java.util.Objects;

/**
 * Where a {@link BinlogTopicConsumer} stands: both values resume exactly after what it has returned.
 *
 * @param offset   the topic offset after the last complete unit the consumer handled (a transaction it returned
 *                 or skipped, a control event): {@link BinlogTopicConsumer#startAtOffset} there reads what follows
 * @param executed the GTID set of every transaction of the source before {@code offset}: the set in the last
 *                 checkpoint the consumer read plus the GTIDs it has seen since (like {@code gtid_executed}, it
 *                 includes the source's history from before the topic started);
 *                 {@link BinlogTopicConsumer#startAfter} with it reads what follows
 */
public record ConsumerPosition(long offset, GtidSet executed) {
    /** Checks the components. */
    public ConsumerPosition {
        Objects.requireNonNull(executed, "executed");
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset);
        }
    }
}
