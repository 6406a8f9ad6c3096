package io.sluice.decoder;

import io.sluice.model.record.EventFramer;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Frames a stream of binlog events fed in pieces of any size, and hands on each event whole (header to checksum):
 * memory holds one event, never the stream.
 */
final class WholeEvents implements EventFramer.Sink {
    /** MySQL's own limit on an event (max_allowed_packet's maximum). */
    private static final long MAX_EVENT = 1L << 30;

    private final EventFramer framer = new EventFramer(MAX_EVENT);
    private final Consumer<byte[]> out;
    private ByteArrayOutputStream current;

    WholeEvents(Consumer<byte[]> out) {
        this.out = out;
    }

    void feed(byte[] data, int offset, int length) {
        framer.feed(data, offset, length, this);
    }

    /** Whether the bytes fed so far end between two events. */
    boolean atBoundary() {
        return framer.atBoundary();
    }

    @Override
    public void eventStart(byte[] header, long length) {
        current = new ByteArrayOutputStream((int) Math.min(length, Integer.MAX_VALUE - 8));
    }

    @Override
    public void eventBytes(byte[] data, int offset, int length) {
        current.write(data, offset, length);
    }

    @Override
    public void eventEnd() {
        byte[] event = current.toByteArray();
        current = null;
        out.accept(event);
    }
}
