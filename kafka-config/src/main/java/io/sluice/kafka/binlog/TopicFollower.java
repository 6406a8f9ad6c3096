package io.sluice.kafka.binlog;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows the end of the binlog topic on a thread of its own, keeping the topic's state (GTID set, last file and
 * position, FORMAT_DESCRIPTION in effect) current, and telling whether this node has caught up with the topic
 * and how far behind it is. Starts from the tail (last checkpoint), never from the beginning. Thread-safe readers.
 */
public final class TopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private final Map<String, Object> consumerConfig;
    private final String topic;
    private volatile TopicTail current;
    private volatile boolean caughtUp;
    private volatile long lag = -1;
    private volatile String error;
    private volatile boolean stopped;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public TopicFollower(Map<String, Object> consumerConfig, String topic) {
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.consumerConfig.put("isolation.level", "read_committed");
        this.consumerConfig.putIfAbsent("max.partition.fetch.bytes", 4 * 1024 * 1024);
        this.topic = topic;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "sluice-topic-follower");
        thread.setDaemon(true);
        thread.start();
    }

    /** The topic's state as far as this node has read; {@code null} before the first read. */
    public TopicTail current() {
        return current;
    }

    /** Whether this node has read the topic up to the end it saw when it started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Committed records not read yet; -1 before the first read. */
    public long lag() {
        return lag;
    }

    /** The last failure to read the topic, or {@code null} while reading works. */
    public String error() {
        return error;
    }

    private void run() {
        while (!stopped) {
            // the follower needs the records' headers and control events, never the transactions' events
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                    Records.positionsOnly())) {
                consumer = c;
                BinlogTopicReader reader = new BinlogTopicReader(c, topic, Duration.ofSeconds(60));
                TopicTail tail = reader.tail();
                current = tail;
                long target = tail.endOffset();
                reader.seek(tail.endOffset());
                error = null;
                follow(c, reader, target);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                error = e.toString();
                LOG.warn("cannot follow the binlog topic {}: {}; retrying", topic, e.toString());
                pause();
            }
        }
    }

    private void follow(KafkaConsumer<byte[], byte[]> c, BinlogTopicReader reader, long startEnd) {
        TailTracker tracker = new TailTracker(current);
        int sinceUpdate = 0;
        while (!stopped) {
            var records = c.poll(Duration.ofMillis(500));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                tracker.accept(Records.meta(r), r.value());
            }
            long position = c.position(reader.partition());
            if (!records.isEmpty() || ++sinceUpdate >= 4) {
                sinceUpdate = 0;
                lag = Math.max(0, reader.endOffset() - position);
                current = tracker.toTail(position);
            }
            if (!caughtUp && position >= startEnd) {
                caughtUp = true;
                LOG.info("caught up with the binlog topic {} at offset {}", topic, position);
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    @Override
    public synchronized void close() {
        stopped = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
