package io.sluice.model.record;

import static io.sluice.model.binlog.V4Events.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.V4Events;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EventFramerTest {

    private static final long LIMIT = 1 << 20;

    /** Three events of one transaction, with CRC32: GTID (61+4 bytes), a QUERY BEGIN, an XID (19 + 8 + 4). */
    private static final List<byte[]> EVENTS = List.of(
            V4Events.gtid(UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562"), 23, true),
            V4Events.query("BEGIN", true),
            V4Events.event(EventType.XID, V4Events.hex("2a00000000000000"), true));
    private static final byte[] STREAM = concat(EVENTS.toArray(new byte[0][]));

    /**
     * Records what the framer reports and checks the Sink contract: bytes only between start and end, the first
     * 19 bytes are the header given to eventStart, an event ends after exactly its declared length. It keeps the
     * arrays it is given (without copying) until the event ends, as the contract allows.
     */
    static final class Recorder implements EventFramer.Sink {
        final List<byte[]> events = new ArrayList<>();
        private final List<byte[]> pieces = new ArrayList<>();
        private final List<int[]> ranges = new ArrayList<>();
        private byte[] header;
        private long length = -1;

        @Override
        public void eventStart(byte[] header, long length) {
            assertThat(this.length).as("eventStart inside an event").isEqualTo(-1);
            assertThat(header).hasSize(EventHeader.SIZE);
            assertThat(Bytes.u32(header, EventHeader.LENGTH_OFFSET)).isEqualTo(length);
            this.header = header;
            this.length = length;
        }

        @Override
        public void eventBytes(byte[] data, int offset, int length) {
            assertThat(this.length).as("eventBytes outside an event").isNotEqualTo(-1);
            assertThat(length).isPositive();
            pieces.add(data);
            ranges.add(new int[] {offset, length});
        }

        @Override
        public void eventEnd() {
            assertThat(length).as("eventEnd outside an event").isNotEqualTo(-1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < pieces.size(); i++) {
                out.write(pieces.get(i), ranges.get(i)[0], ranges.get(i)[1]);
            }
            byte[] event = out.toByteArray();
            assertThat(event).hasSize((int) length);
            assertThat(Arrays.copyOf(event, EventHeader.SIZE)).isEqualTo(header);
            events.add(event);
            pieces.clear();
            ranges.clear();
            length = -1;
        }

        boolean insideEvent() {
            return length != -1;
        }
    }

    /** Feeds {@code data} in pieces of the given sizes (cycled), each piece from a fresh array. */
    private static Recorder feedInChunks(byte[] data, int... sizes) {
        EventFramer framer = new EventFramer(LIMIT);
        Recorder recorder = new Recorder();
        int p = 0;
        for (int i = 0; p < data.length; i++) {
            int n = Math.min(sizes[i % sizes.length], data.length - p);
            byte[] chunk = Arrays.copyOfRange(data, p, p + n);
            framer.feed(chunk, 0, n, recorder);
            p += n;
        }
        assertThat(framer.atBoundary()).isTrue();
        assertThat(recorder.insideEvent()).isFalse();
        return recorder;
    }

    @Test
    void wholeBuffer() {
        assertThat(feedInChunks(STREAM, STREAM.length).events).containsExactlyElementsOf(EVENTS);
    }

    @Test
    void oneByteAtATime() {
        assertThat(feedInChunks(STREAM, 1).events).containsExactlyElementsOf(EVENTS);
    }

    @Test
    void splitAtEveryOffset() {
        for (int cut = 0; cut <= STREAM.length; cut++) {
            EventFramer framer = new EventFramer(LIMIT);
            Recorder recorder = new Recorder();
            byte[] first = Arrays.copyOfRange(STREAM, 0, cut);
            byte[] second = Arrays.copyOfRange(STREAM, cut, STREAM.length);
            framer.feed(first, 0, first.length, recorder);
            framer.feed(second, 0, second.length, recorder);
            assertThat(recorder.events).as("cut at %d", cut).containsExactlyElementsOf(EVENTS);
            assertThat(framer.atBoundary()).isTrue();
        }
    }

    @Test
    void feedsASliceOfALargerArray() {
        byte[] padded = concat(new byte[] {9, 9, 9}, STREAM, new byte[] {7});
        EventFramer framer = new EventFramer(LIMIT);
        Recorder recorder = new Recorder();
        framer.feed(padded, 3, STREAM.length, recorder);
        assertThat(recorder.events).containsExactlyElementsOf(EVENTS);
    }

    @Test
    void atBoundaryTracksPartialEventsAndResetForgetsThem() {
        EventFramer framer = new EventFramer(LIMIT);
        Recorder recorder = new Recorder();
        framer.feed(STREAM, 0, 10, recorder); // half a header
        assertThat(framer.atBoundary()).isFalse();
        assertThat(recorder.events).isEmpty();
        framer.feed(STREAM, 10, 20, recorder); // header done, body started
        assertThat(framer.atBoundary()).isFalse();
        framer.reset();
        assertThat(framer.atBoundary()).isTrue();
        Recorder fresh = new Recorder();
        framer.feed(STREAM, 0, STREAM.length, fresh);
        assertThat(fresh.events).containsExactlyElementsOf(EVENTS);
    }

    @Test
    void headerOnlyEventEndsRightAway() {
        byte[] empty = V4Events.event(EventType.STOP, new byte[0], false); // 19 bytes, no body, no checksum
        assertThat(feedInChunks(concat(empty, empty), 7).events)
                .hasSize(2).allSatisfy(e -> assertThat(e).isEqualTo(empty));
    }

    @Test
    void eventLongerThanTheLimitIsRefused() {
        byte[] event = V4Events.event(EventType.WRITE_ROWS, new byte[81], false); // 100 bytes
        new EventFramer(100).feed(event, 0, event.length, new Recorder());
        assertThatThrownBy(() -> new EventFramer(99).feed(event, 0, event.length, new Recorder()))
                .isInstanceOf(TopicFormatException.class).hasMessageContaining("100").hasMessageContaining("99");
        byte[] huge = event.clone();
        Bytes.put32(huge, EventHeader.LENGTH_OFFSET, 0xFFFFFFFFL); // u32, not a negative int
        assertThatThrownBy(() -> new EventFramer(LIMIT).feed(huge, 0, 19, new Recorder()))
                .isInstanceOf(TopicFormatException.class).hasMessageContaining("4294967295");
    }

    @Test
    void eventShorterThanItsHeaderIsATopicFormatError() {
        byte[] event = V4Events.event(EventType.XID, new byte[8], false);
        Bytes.put32(event, EventHeader.LENGTH_OFFSET, 18);
        assertThatThrownBy(() -> new EventFramer(LIMIT).feed(event, 0, event.length, new Recorder()))
                .isInstanceOf(TopicFormatException.class).hasMessageContaining("18");
        assertThatThrownBy(() -> EventFramer.split(event)).isInstanceOf(TopicFormatException.class);
    }

    @Test
    void splitCutsWholeEvents() {
        assertThat(EventFramer.split(STREAM)).containsExactlyElementsOf(EVENTS);
        assertThat(EventFramer.split(new byte[0])).isEmpty();
    }

    @Test
    void splitRefusesATruncatedBuffer() {
        for (int cut : new int[] {1, 18, EVENTS.get(0).length + 5, STREAM.length - 1}) {
            byte[] truncated = Arrays.copyOf(STREAM, cut);
            assertThatThrownBy(() -> EventFramer.split(truncated)).as("cut at %d", cut)
                    .isInstanceOf(TopicFormatException.class);
        }
    }

    @Provide
    Arbitrary<List<byte[]>> randomEvents() {
        Arbitrary<byte[]> event = Arbitraries.integers().between(EventHeader.SIZE, 3000).flatMap(length ->
                Arbitraries.bytes().array(byte[].class).ofSize(length).map(bytes -> {
                    Bytes.put32(bytes, EventHeader.LENGTH_OFFSET, length);
                    return bytes;
                }));
        return event.list().ofMaxSize(12);
    }

    @Property(tries = 300)
    void randomEventsFedInRandomChunksAreReassembledExactly(
            @ForAll("randomEvents") List<byte[]> events,
            @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 1, max = 5000) Integer> chunkSizes) {
        byte[] stream = concat(events.toArray(new byte[0][]));
        int[] sizes = chunkSizes.stream().mapToInt(Integer::intValue).toArray();
        Recorder recorder = feedInChunks(stream, sizes);
        assertThat(recorder.events).hasSameSizeAs(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(recorder.events.get(i)).isEqualTo(events.get(i));
        }
        assertThat(EventFramer.split(stream)).hasSameSizeAs(events);
    }
}
