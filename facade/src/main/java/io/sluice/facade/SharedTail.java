package io.sluice.facade;

import io.sluice.kafka.binlog.Records;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One reader of the binlog topic for every dump streaming the same stretch of it: typically the replicas that have
 * caught up and follow the tail, or replicas that started together. It holds a window of recent records (about
 * {@code capacityBytes} of values: it fetches more while it holds less) that the dumps read through {@link Cursor}s; Kafka serves, and the client
 * decompresses and parses, each record once instead of once per replica, and the heap holds one window instead of
 * one fetch buffer per replica. The events' bytes are shared: dumps hand them to Netty without copying.
 *
 * <p>The window keeps what its cursors have read until it needs the room, then moves on as the slowest cursor does.
 * A cursor that holds it back for longer than {@link #SLOW_GRACE} while it is full is left behind: its
 * {@link Cursor#poll} returns {@code null} and its dump reads on with a consumer of its own, so a slow replica never
 * slows the others for long. A dump that cannot attach (the window
 * holds another stretch that other dumps read) reads on its own and tries again later.
 *
 * <p>Offsets: a cursor's {@link Cursor#next()} is a consumer position (the offset of the next record to read, with
 * transaction markers and aborted records skipped as a {@code read_committed} consumer skips them).
 */
final class SharedTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTail.class);
    /** How long a full window waits for its slowest cursor before leaving it behind. */
    static final Duration SLOW_GRACE = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(100);

    /** The records of one poll: positions {@code [from, to)} of the partition. */
    private record Chunk(long from, long to, List<Shared> records, long bytes) {
    }

    /**
     * One record of the window, its headers decoded once for every dump; {@code meta} is {@code null} when they
     * could not be (the dump decodes them itself and reports the failure).
     */
    record Shared(ConsumerRecord<byte[], byte[]> record, RecordMeta meta) {
        long offset() {
            return record.offset();
        }
    }

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when records arrive or the tail closes; cursors wait on it. */
    private final Condition arrived = lock.newCondition();
    /** Signalled when a cursor moves or attaches; the filler waits on it for room or for a first cursor. */
    private final Condition moved = lock.newCondition();
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private final Set<Cursor> cursors = new HashSet<>();
    private long bytes;
    private long high;
    /** Where the filler must seek before its next poll, or -1. */
    private long seekTo = -1;
    /** Counts the seeks, so a poll that raced with one is dropped. */
    private long generation;
    private boolean closed;
    private Thread filler;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    SharedTail(Map<String, Object> consumerConfig, String topic, long capacityBytes) {
        this.consumerConfig = consumerConfig;
        this.topic = topic;
        this.capacityBytes = capacityBytes;
    }

    /**
     * A cursor at {@code offset}, when the window holds it or nobody else reads the window (it then moves there);
     * {@code null} otherwise.
     */
    Cursor attach(long offset) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            if (cursors.isEmpty() && (offset < low() || offset > high)) {
                chunks.clear();
                bytes = 0;
                high = offset;
                seekTo = offset;
                generation++;
            } else if (offset < low() || offset > high) {
                return null;
            }
            if (filler == null) {
                filler = new Thread(this::fill, "sluice-shared-tail");
                filler.setDaemon(true);
                filler.start();
            }
            Cursor cursor = new Cursor(offset);
            cursors.add(cursor);
            moved.signalAll();
            return cursor;
        } finally {
            lock.unlock();
        }
    }

    /** The dumps reading through the window now. */
    int cursors() {
        lock.lock();
        try {
            return cursors.size();
        } finally {
            lock.unlock();
        }
    }

    private long low() {
        Chunk first = chunks.peekFirst();
        return first == null ? high : first.from();
    }

    private void fill() {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(BinlogDump.readerConfig(consumerConfig,
                4 * 1024 * 1024, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.assign(List.of(partition));
            while (true) {
                long from;
                long seen;
                lock.lock();
                try {
                    if (!makeRoom()) {
                        if (closed) {
                            return;
                        }
                        continue;
                    }
                    if (seekTo >= 0) {
                        c.seek(partition, seekTo);
                        seekTo = -1;
                    }
                    from = high;
                    seen = generation;
                } finally {
                    lock.unlock();
                }
                List<ConsumerRecord<byte[], byte[]>> polled = c.poll(POLL).records(partition);
                long to = c.position(partition);
                long size = 0;
                List<Shared> records = new ArrayList<>(polled.size());
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    size += r.value() == null ? 0 : r.value().length;
                    records.add(new Shared(r, decode(r)));
                }
                lock.lock();
                try {
                    if (seen == generation && to > from) {
                        chunks.addLast(new Chunk(from, to, records, size));
                        bytes += size;
                        high = to;
                        arrived.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("the shared reader of {} failed; its replicas go on with readers of their own: {}", topic,
                    e.toString());
        } finally {
            consumer = null;
            lock.lock();
            try {
                // the cursors find themselves detached; the next dump to attach starts a new filler
                chunks.clear();
                cursors.clear();
                bytes = 0;
                filler = null;
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Under the lock: the chunk that holds {@code position}, or {@code null} at the head. Searched from the head,
     * where caught-up cursors are.
     */
    private Chunk containing(long position) {
        Chunk found = null;
        for (Iterator<Chunk> it = chunks.descendingIterator(); it.hasNext(); ) {
            Chunk chunk = it.next();
            if (chunk.to() <= position) {
                break;
            }
            found = chunk;
            if (chunk.from() <= position) {
                break;
            }
        }
        return found;
    }

    private static RecordMeta decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Records.meta(record);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Under the lock: waits while the window has no cursor; once it holds {@code capacityBytes}, drops its oldest
     * chunk when no cursor needs it any more. A cursor that needs it holds the window back for at most
     * {@link #SLOW_GRACE}, then the chunk is dropped anyway and that cursor left behind. Chunks every cursor has read
     * stay until room is needed, so a dump that starts moments after the others (or reconnects) still finds them.
     *
     * @return whether the filler may poll now
     */
    private boolean makeRoom() {
        try {
            if (closed) {
                return false;
            }
            if (cursors.isEmpty()) {
                moved.await(1, TimeUnit.SECONDS);
                return false;
            }
            if (bytes < capacityBytes) {
                return true;
            }
            long deadline = System.nanoTime() + SLOW_GRACE.toNanos();
            while (!closed && !chunks.isEmpty()) {
                if (!needed(chunks.peekFirst()) || System.nanoTime() >= deadline) {
                    bytes -= chunks.pollFirst().bytes();
                    return false; // the next turn checks the room again
                }
                moved.await(50, TimeUnit.MILLISECONDS);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
            return false;
        }
    }

    /** Whether a cursor has not read all of {@code chunk} yet (one already before it is left behind, not waiting). */
    private boolean needed(Chunk chunk) {
        for (Cursor c : cursors) {
            if (c.next >= chunk.from() && c.next < chunk.to()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            cursors.clear();
            arrived.signalAll();
            moved.signalAll();
            t = filler;
        } finally {
            lock.unlock();
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One dump's place in the window. */
    final class Cursor implements AutoCloseable {
        private long next;

        private Cursor(long next) {
            this.next = next;
        }

        /** The position of the next record this cursor reads. */
        long next() {
            lock.lock();
            try {
                return next;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The records after this cursor's position, waiting up to {@code timeout} for some: an empty list if none
         * came, {@code null} when the cursor was left behind or the shared reader stopped (read on from
         * {@link #next()} with a reader of your own).
         */
        List<Shared> poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            lock.lock();
            try {
                while (true) {
                    if (closed || next < low() || !cursors.contains(this)) {
                        cursors.remove(this);
                        moved.signalAll();
                        return null;
                    }
                    Chunk chunk = containing(next);
                    if (chunk != null) {
                        List<Shared> out = chunk.records();
                        if (next > chunk.from()) {
                            out = new ArrayList<>(out.size());
                            for (Shared r : chunk.records()) {
                                if (r.offset() >= next) {
                                    out.add(r);
                                }
                            }
                        }
                        next = chunk.to();
                        moved.signalAll();
                        return out;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return List.of();
                    }
                    arrived.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                cursors.remove(this);
                moved.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
