package io.sluice.model.consumer;

import io.sluice.model.gtid.Gtid;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One complete transaction of the MySQL source, as read from the binlog topic: all its events, from its
 * {@code GTID} (or {@code ANONYMOUS_GTID}) event to the event that ends it, whether the topic held it in one record
 * or split over several.
 *
 * @param gtid                  its GTID; {@code null} for an anonymous transaction ({@code gtid_mode=OFF})
 * @param file                  the source binlog file it is in, e.g. {@code binlog.000042}
 * @param startPosition         the position in {@code file} at which its first event starts
 * @param endPosition           the position in {@code file} after its last event (that event's {@code log_pos})
 * @param offset                the topic offset of its first record
 * @param nextOffset            the topic offset after its last record: where a reader resumes to read what follows
 * @param sourceUuid            the {@code server_uuid} of the source server the syncer read it from (that of the last
 *                              checkpoint); {@code file} and positions compare only within one source server;
 *                              {@code null} when the reader has not yet seen a checkpoint
 * @param commitTimestampMicros when it was committed, in microseconds since the epoch: the GTID event's
 *                              {@code original_commit_timestamp} (MySQL 8.0.1+, the commit on the server where it
 *                              originated), else the header timestamp of its last event (seconds precision)
 * @param events                its events, in order, byte-exact
 */
public record SourceTransaction(Gtid gtid, String file, long startPosition, long endPosition, long offset,
                                long nextOffset, String sourceUuid, long commitTimestampMicros,
                                List<BinlogEvent> events) {
    /** Checks the components; the event list is copied, unmodifiable. */
    public SourceTransaction {
        Objects.requireNonNull(file, "file");
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a transaction has at least one event");
        }
        if (nextOffset <= offset) {
            throw new IllegalArgumentException("nextOffset " + nextOffset + " is not after offset " + offset);
        }
    }

    /** {@link #commitTimestampMicros()} as an instant. */
    public Instant commitTime() {
        return Instant.EPOCH.plus(commitTimestampMicros, ChronoUnit.MICROS);
    }

    /** The total size of its events in bytes. */
    public long size() {
        long n = 0;
        for (BinlogEvent e : events) {
            n += e.length();
        }
        return n;
    }

    @Override
    public String toString() {
        return "SourceTransaction[" + (gtid == null ? "anonymous" : gtid) + " " + file + ":" + startPosition + "-"
                + endPosition + ", offsets " + offset + "-" + nextOffset + ", " + events.size() + " events]";
    }
}
