package io.sluice.kafka.binlog;

import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The source binlog files the topic holds, each with the end position of its last event: what a source answers to
 * {@code SHOW BINARY LOGS} ({@code Log_name}, {@code File_size}).
 *
 * <p>Every record carries {@code sluice.file}, and the records of one file are consecutive, so the files are runs
 * of equal {@code sluice.file} along the offsets. This class finds the boundaries of the runs by bisection over
 * offsets: a range whose first and last record name the same file is taken as one run, without reading between;
 * otherwise it is cut in two. Listing {@code F} files of a topic of {@code N} records costs about
 * {@code F·log₂(N/F)} short reads, whatever the size of the records, where following the topic to keep a map
 * file → position would cost a read of every byte since the log start (and a node that just started would have
 * to read the whole topic before it could answer). The index also keeps what it found: a later
 * {@link #files} drops the runs that retention removed and bisects only the records written since.
 *
 * <p>The one assumption, that a file name does not come back after another one, holds for one source; after a
 * failover the new server may reuse a name already in the topic, and a run of it is then reported only if a
 * record of another file lies between the two (a bisection can miss an {@code A B A} pattern it never probes).
 * Reads with the given consumer (assigned, {@code read_committed}); not thread-safe, like the consumer.
 */
public final class BinlogFileIndex {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int LAST_WINDOW = 16;

    /** A file in the topic and the end position of its last event seen there ({@code File_size}). */
    public record BinlogFile(String name, long size) {
        public BinlogFile {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A file's run of records in the topic.
     *
     * @param name        the source file
     * @param size        the end position of its last event seen there ({@code File_size})
     * @param firstOffset where its run starts: the log start for the first file, else the offset after the previous
     *                    file's last record (a Kafka transaction marker may sit there); deleting the records before it
     *                    removes every file before this one and nothing of this one
     * @param lastOffset  the offset of its last record
     * @param lastWrittenMs the Kafka timestamp of its last record: when Sluice wrote it
     */
    public record FileRun(String name, long size, long firstOffset, long lastOffset, long lastWrittenMs) {
    }

    /**
     * One record as far as the index cares: its offset, file, end position (0 when no event ends in it) and Kafka
     * timestamp.
     */
    record Probe(long offset, String file, long endPos, long timestamp) {
        Probe(long offset, String file, long endPos) {
            this(offset, file, endPos, 0);
        }
    }

    /** Reads single records of the topic; the index's only access to Kafka, so tests can fake it. */
    interface Reader {
        /** The first committed record at or after {@code offset} and before {@code end}, or {@code null}. */
        Probe firstAtOrAfter(long offset, long end);

        /** The last committed record before {@code end} and at or after {@code begin}, or {@code null}. */
        Probe lastBefore(long begin, long end);
    }

    private final Reader reader;
    /** The last record of each file found by the previous call, oldest first; the last one is the topic's last. */
    private List<Probe> lasts = List.of();

    /** @param timeout how long one read of a record may take before it fails */
    public BinlogFileIndex(Consumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        this(new KafkaReader(consumer, new TopicPartition(topic, 0), timeout));
        consumer.assign(List.of(new TopicPartition(topic, 0)));
    }

    BinlogFileIndex(Reader reader) {
        this.reader = reader;
    }

    /** The files between offsets {@code begin} and {@code end} (the log start and end), oldest first. */
    public List<BinlogFile> files(long begin, long end) {
        return runs(begin, end).stream().map(r -> new BinlogFile(r.name(), r.size())).toList();
    }

    /** The files between offsets {@code begin} and {@code end} with where their records lie, oldest first. */
    public List<FileRun> runs(long begin, long end) {
        Probe last = end > begin ? reader.lastBefore(begin, end) : null;
        if (last == null) {
            lasts = List.of();
            return List.of();
        }
        List<Probe> found = new ArrayList<>();
        Probe start = lasts.isEmpty() ? null : lasts.get(lasts.size() - 1);
        if (start == null || start.offset() < begin || start.offset() > last.offset()) {
            start = reader.firstAtOrAfter(begin, end);
        } else {
            for (Probe p : lasts.subList(0, lasts.size() - 1)) {
                if (p.offset() >= begin) {
                    found.add(p);
                }
            }
        }
        explore(start, last, found);
        found.add(last);
        lasts = List.copyOf(found);
        List<FileRun> runs = new ArrayList<>(lasts.size());
        long first = begin;
        for (Probe p : lasts) {
            runs.add(new FileRun(p.file(), p.endPos(), first, p.offset(), p.timestamp()));
            first = p.offset() + 1;
        }
        return runs;
    }

    /** Adds to {@code lasts}, in order, the last record of each run that ends between {@code a} and {@code b}. */
    private void explore(Probe a, Probe b, List<Probe> lasts) {
        if (a.file().equals(b.file())) {
            return;
        }
        Probe next = reader.firstAtOrAfter(a.offset() + 1, b.offset());
        if (next == null) {
            lasts.add(a);
            return;
        }
        long mid = a.offset() + (b.offset() - a.offset()) / 2;
        Probe p = mid > next.offset() ? reader.firstAtOrAfter(mid, b.offset()) : null;
        if (p == null) {
            p = next;
        }
        explore(a, p, lasts);
        explore(p, b, lasts);
    }

    /** Reads with a consumer: seek, then poll until a record at or after the offset comes. */
    private static final class KafkaReader implements Reader {
        private final Consumer<byte[], byte[]> consumer;
        private final TopicPartition partition;
        private final Duration timeout;

        KafkaReader(Consumer<byte[], byte[]> consumer, TopicPartition partition, Duration timeout) {
            this.consumer = consumer;
            this.partition = partition;
            this.timeout = timeout;
        }

        @Override
        public Probe firstAtOrAfter(long offset, long end) {
            consumer.seek(partition, offset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition) < end) {
                checkDeadline(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= end) {
                        return null;
                    }
                    if (record.offset() >= offset) {
                        return probe(record);
                    }
                }
            }
            return null;
        }

        @Override
        public Probe lastBefore(long begin, long end) {
            long window = LAST_WINDOW;
            while (true) {
                long from = Math.max(begin, end - window);
                Probe last = null;
                consumer.seek(partition, from);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (consumer.position(partition) < end) {
                    checkDeadline(deadline);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        if (record.offset() < end) {
                            last = probe(record);
                        }
                    }
                }
                if (last != null || from == begin) {
                    return last;
                }
                window *= 4;
            }
        }

        private static Probe probe(ConsumerRecord<byte[], byte[]> record) {
            RecordMeta meta = Records.meta(record);
            return new Probe(record.offset(), meta.file(), meta.endPos(), record.timestamp());
        }

        private void checkDeadline(long deadline) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " listing the files of " + partition);
            }
        }
    }
}
