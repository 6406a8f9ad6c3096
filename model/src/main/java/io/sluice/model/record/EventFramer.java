package io.sluice.model.record;

import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventHeader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds binlog event boundaries in a byte stream that arrives in pieces of any size: the values of the records of
 * one transaction, which may split an event (even its header) anywhere. It holds at most one event header, never a
 * whole event, so a reader streams large events in bounded memory. Not thread-safe.
 */
public final class EventFramer {
    /** Receives the events found. */
    public interface Sink {
        /** An event of {@code length} bytes starts; {@code header} is its 19-byte common header. */
        void eventStart(byte[] header, long length);

        /**
         * The next bytes of the current event, from its first header byte to its last checksum byte. The array is
         * the caller's (or a fresh copy for the header) and is never changed afterwards, so it may be kept.
         */
        void eventBytes(byte[] data, int offset, int length);

        /** The current event is complete. */
        void eventEnd();
    }

    private final long maxEventLength;
    private final byte[] header = new byte[EventHeader.SIZE];
    private int headerFill;
    private long remaining;

    /** @param maxEventLength longer events are refused as corrupt (MySQL's own limit is 1 GiB) */
    public EventFramer(long maxEventLength) {
        this.maxEventLength = maxEventLength;
    }

    /** Whether the bytes fed so far end at an event boundary. */
    public boolean atBoundary() {
        return headerFill == 0 && remaining == 0;
    }

    /** Forgets a partial event. */
    public void reset() {
        headerFill = 0;
        remaining = 0;
    }

    /**
     * Feeds the next bytes of the stream.
     *
     * @throws TopicFormatException when an event header declares an impossible length
     */
    public void feed(byte[] data, int offset, int length, Sink sink) {
        int p = offset;
        int end = offset + length;
        while (p < end) {
            if (remaining == 0) {
                int take = Math.min(EventHeader.SIZE - headerFill, end - p);
                System.arraycopy(data, p, header, headerFill, take);
                headerFill += take;
                p += take;
                if (headerFill < EventHeader.SIZE) {
                    return;
                }
                long eventLength = Bytes.u32(header, EventHeader.LENGTH_OFFSET);
                if (eventLength < EventHeader.SIZE) {
                    throw new TopicFormatException("event of " + eventLength + " bytes is shorter than its header");
                }
                if (eventLength > maxEventLength) {
                    throw new TopicFormatException("event of " + eventLength + " bytes exceeds the limit of "
                            + maxEventLength);
                }
                byte[] copy = header.clone();
                sink.eventStart(copy, eventLength);
                sink.eventBytes(copy, 0, EventHeader.SIZE);
                headerFill = 0;
                remaining = eventLength - EventHeader.SIZE;
                if (remaining == 0) {
                    sink.eventEnd();
                }
                continue;
            }
            int take = (int) Math.min(remaining, end - p);
            sink.eventBytes(data, p, take);
            p += take;
            remaining -= take;
            if (remaining == 0) {
                sink.eventEnd();
            }
        }
    }

    /**
     * Splits a buffer of whole events into one array per event.
     *
     * @throws TopicFormatException when the buffer does not end at an event boundary
     */
    public static List<byte[]> split(byte[] data) {
        List<byte[]> events = new ArrayList<>();
        int p = 0;
        while (p < data.length) {
            if (data.length - p < EventHeader.SIZE) {
                throw new TopicFormatException("truncated event header at byte " + p);
            }
            long len = Bytes.u32(data, p + EventHeader.LENGTH_OFFSET);
            if (len < EventHeader.SIZE) {
                throw new TopicFormatException("event at byte " + p + " declares " + len
                        + " bytes, shorter than its header");
            }
            if (len > data.length - p) {
                throw new TopicFormatException("event at byte " + p + " declares " + len + " bytes, "
                        + (data.length - p) + " left");
            }
            events.add(Arrays.copyOfRange(data, p, p + (int) len));
            p += (int) len;
        }
        return events;
    }
}
