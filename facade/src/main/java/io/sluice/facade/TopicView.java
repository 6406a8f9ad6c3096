package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogFileIndex;
import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.TopicFollower;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.gtid.GtidSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The facade's view of the topic, read on demand and kept for a second: its end, its files (SHOW BINARY LOGS) and
 * what it no longer holds (gtid_purged). The files and the purged set are read with one consumer kept open, so
 * that {@link BinlogFileIndex} only bisects what was written since the last call. Thread-safe.
 */
final class TopicView implements AutoCloseable {
    private static final long TTL_NANOS = Duration.ofSeconds(1).toNanos();
    private final Map<String, Object> consumerConfig;
    private final String topic;
    private TopicTail cached;
    private long cachedAt;
    private KafkaConsumer<byte[], byte[]> consumer;
    private BinlogTopicReader reader;
    private BinlogFileIndex index;
    private List<BinlogFileIndex.BinlogFile> files;
    private long filesAt;
    private GtidSet purged;
    private long purgedAt;

    /** Follows the topic's end: the tail without a Kafka round trip once it has caught up. */
    private final TopicFollower follower;

    TopicView(Map<String, Object> consumerConfig, String topic) {
        this.consumerConfig = consumerConfig;
        this.topic = topic;
        this.follower = new TopicFollower(consumerConfig, topic);
        follower.start();
    }

    /**
     * The topic's tail as of now: what the follower has read once it has reached the topic's committed end (one
     * ListOffsets request; it is moments behind the syncer's commits, so this waits up to
     * {@link #FOLLOWER_WAIT_NANOS} for it), else read from the topic, at most once a second.
     */
    TopicTail tail() {
        if (follower.caughtUp() && follower.error() == null) {
            long end;
            try {
                end = committedEnd();
            } catch (RuntimeException e) {
                return readTail();
            }
            long deadline = System.nanoTime() + FOLLOWER_WAIT_NANOS;
            do {
                TopicTail live = follower.current();
                if (live != null && live.endOffset() >= end) {
                    return live;
                }
                LockSupport.parkNanos(2_000_000);
            } while (System.nanoTime() < deadline);
        }
        return readTail();
    }

    /** The topic's end as the follower last read it, without a Kafka round trip; -1 when it has not read it yet. */
    long followedEnd() {
        TopicTail live = follower.current();
        return live == null ? -1 : live.endOffset();
    }

    /** How long {@link #tail()} waits for the follower to reach the committed end before reading it itself. */
    private static final long FOLLOWER_WAIT_NANOS = Duration.ofMillis(500).toNanos();

    private synchronized long committedEnd() {
        open();
        try {
            return reader.endOffset();
        } catch (RuntimeException e) {
            closeConsumer();
            throw e;
        }
    }

    private synchronized TopicTail readTail() {
        if (cached == null || System.nanoTime() - cachedAt > TTL_NANOS) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                cached = new BinlogTopicReader(consumer, topic, Duration.ofSeconds(30)).tail();
                cachedAt = System.nanoTime();
            }
        }
        return cached;
    }

    /** The source files the topic holds, oldest first, each with the end of its last event. */
    synchronized List<BinlogFileIndex.BinlogFile> files() {
        if (files == null || System.nanoTime() - filesAt > TTL_NANOS) {
            open();
            try {
                files = index.files(reader.beginOffset(), reader.endOffset());
            } catch (RuntimeException e) {
                closeConsumer();
                throw e;
            }
            filesAt = System.nanoTime();
        }
        return files;
    }

    /** The GTIDs the topic no longer holds. */
    synchronized GtidSet purged() {
        if (purged == null || System.nanoTime() - purgedAt > TTL_NANOS) {
            open();
            try {
                purged = reader.purged();
            } catch (RuntimeException e) {
                closeConsumer();
                throw e;
            }
            purgedAt = System.nanoTime();
        }
        return purged;
    }

    private void open() {
        if (consumer == null) {
            Map<String, Object> props = new java.util.HashMap<>(consumerConfig);
            props.put("isolation.level", "read_committed");
            props.put("enable.auto.commit", false);
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            reader = new BinlogTopicReader(consumer, topic, Duration.ofSeconds(30));
            index = new BinlogFileIndex(consumer, topic, Duration.ofSeconds(30));
        }
    }

    private void closeConsumer() {
        if (consumer != null) {
            consumer.close(Duration.ZERO);
            consumer = null;
        }
    }

    @Override
    public synchronized void close() {
        follower.close();
        closeConsumer();
    }

    /** The source's binlog_checksum, from the FORMAT_DESCRIPTION in effect; CRC32 (MySQL's default) when unknown. */
    String checksum() {
        TopicTail t = tail();
        if (t.fde() == null) {
            return "CRC32";
        }
        return FormatDescription.parse(t.fde()).hasCrc32() ? "CRC32" : "NONE";
    }
}
