package io.sluice.bench.jmh;

import io.sluice.model.protocol.Packets;
import io.sluice.model.record.EventFramer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The dump's hot path: the record values of one transaction (1 MiB of row events of 200 B to 8 KiB, cut at random
 * points, event headers included) through an {@link EventFramer}.
 *
 * <ul>
 *   <li>{@link #frame}: the framer alone, into a sink that only counts (its cost floor);</li>
 *   <li>{@link #frameIntoPackets}: the framer into a sink that does what the facade's sink does per event — one
 *       MySQL packet per event (4-byte header: u24 length, u8 sequence id; the 0x00 OK byte before the event;
 *       a new packet every {@link Packets#MAX_PACKET} bytes) — gathering the packets into a 256 KiB batch as the
 *       facade does before it hands them to Netty. The facade copies into a pooled direct buffer; here the batch
 *       is a heap array: one copy either way, the one the socket write needs anyway.</li>
 * </ul>
 * One operation is the whole transaction: {@code bytes} bytes. The framer reads only the 19-byte event headers and
 * hands on ranges of the record values, so the MB/s of {@link #frame} is the rate at which it gets through a stream
 * of such events, not a rate of touching bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FramingBench {
    /** The transaction's size; MicroBench turns the time per operation into MB/s with it. */
    @Param("1048576")
    public int bytes;

    /** The largest record value piece (cut points are random below it). */
    @Param("65536")
    public int maxPiece;

    private List<byte[]> pieces;
    private EventFramer framer;
    private CountingSink counting;
    private PacketSink packets;

    @Setup
    public void setUp() {
        pieces = BinlogData.cut(BinlogData.transaction(bytes, 5), maxPiece, 7);
        framer = new EventFramer(1L << 30);
        counting = new CountingSink();
        packets = new PacketSink();
    }

    @Benchmark
    public long frame() {
        CountingSink sink = counting;
        sink.events = 0;
        sink.bytes = 0;
        for (byte[] piece : pieces) {
            framer.feed(piece, 0, piece.length, sink);
        }
        check(sink.bytes);
        return sink.events;
    }

    @Benchmark
    public void frameIntoPackets(Blackhole bh) {
        PacketSink sink = packets;
        sink.bh = bh;
        sink.events = 0;
        sink.payloadBytes = 0;
        for (byte[] piece : pieces) {
            framer.feed(piece, 0, piece.length, sink);
        }
        sink.flush();
        check(sink.payloadBytes - sink.events);
    }

    private void check(long framed) {
        if (framed != bytes || !framer.atBoundary()) {
            throw new IllegalStateException("framed " + framed + " of " + bytes + " bytes");
        }
    }

    /** Counts events and bytes. */
    private static final class CountingSink implements EventFramer.Sink {
        long events;
        long bytes;

        @Override
        public void eventStart(byte[] header, long length) {
            events++;
        }

        @Override
        public void eventBytes(byte[] data, int offset, int length) {
            bytes += length;
        }

        @Override
        public void eventEnd() {
        }
    }

    /** One MySQL packet per event (more past 16 MiB), batched. */
    private static final class PacketSink implements EventFramer.Sink {
        private static final int BATCH_BYTES = 256 * 1024;
        private static final byte[] OK = {0};

        private final ByteBuffer batch = ByteBuffer.allocate(BATCH_BYTES + Packets.HEADER);
        Blackhole bh;
        long events;
        long payloadBytes;
        private int sequence = 1;
        private long payloadLeft;
        private int packetLeft;
        private int packetSize;

        @Override
        public void eventStart(byte[] header, long length) {
            events++;
            payloadLeft = length + 1;
            packetHeader();
            payload(OK, 0, 1);
        }

        @Override
        public void eventBytes(byte[] data, int offset, int length) {
            payload(data, offset, length);
        }

        @Override
        public void eventEnd() {
        }

        private void packetHeader() {
            int n = (int) Math.min(payloadLeft, Packets.MAX_PACKET);
            if (batch.remaining() < Packets.HEADER) {
                flush();
            }
            batch.put((byte) n).put((byte) (n >>> 8)).put((byte) (n >>> 16)).put((byte) sequence);
            sequence = (sequence + 1) & 0xff;
            packetLeft = n;
            packetSize = n;
        }

        private void payload(byte[] data, int offset, int length) {
            int p = offset;
            int left = length;
            while (left > 0) {
                if (packetLeft == 0) {
                    packetHeader();
                }
                int n = Math.min(Math.min(left, packetLeft), batch.remaining());
                if (n == 0) {
                    flush();
                    continue;
                }
                batch.put(data, p, n);
                p += n;
                left -= n;
                packetLeft -= n;
                payloadLeft -= n;
                payloadBytes += n;
            }
            if (payloadLeft == 0 && packetLeft == 0 && packetSize == Packets.MAX_PACKET) {
                packetHeader();
            }
            if (batch.position() >= BATCH_BYTES) {
                flush();
            }
        }

        void flush() {
            batch.flip();
            bh.consume(batch);
            batch.clear();
        }
    }
}
