package io.sluice.ingest;

import io.sluice.kafka.binlog.Records;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes source transactions into the binlog topic inside Kafka transactions. Several source transactions share
 * one Kafka transaction (group commit); the first record of every Kafka transaction carries a checkpoint (the GTID
 * set before it, the FORMAT_DESCRIPTION in effect, the source UUID). A source transaction counts as durable only
 * once {@link #commit} has returned. The fixed transactional id fences any older writer. Not thread-safe.
 *
 * <p>Order of a start: {@link #open} first ({@code initTransactions()}: it fences an older writer and completes or
 * aborts its last Kafka transaction — including one of our own whose commit timed out), and only then read the tail
 * of the topic and {@link #resume} from it. Read the other way round, a commit that was still completing would be
 * missed by the tail and its source transactions written twice.
 *
 * <p>Once a Kafka call has failed, {@link #close} does not try {@code abortTransaction()} (with too few in-sync
 * replicas it would block for {@code max.block.ms}) nor wait for batches that cannot be acknowledged: it closes the
 * producer at once, and the next writer's {@code initTransactions()} aborts (or completes, if its commit got through)
 * what was left open.
 */
final class TopicWriter implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private GtidSet committed;
    private GtidSet.Builder pending = GtidSet.builder();
    private final Set<Gtid> pendingGtids = new HashSet<>();
    private boolean open;
    private long openedAtNanos;
    private long pendingBytes;
    private int pendingRecords;
    private byte[] fde;
    private String sourceUuid;
    private long recordsWritten;
    private long bytesWritten;
    private long transactionsWritten;
    private int pendingTransactions;
    private boolean failed;
    private Duration closeTimeout = Duration.ofSeconds(5);

    private TopicWriter(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
        this.committed = GtidSet.EMPTY;
    }

    /**
     * A new producer with its transactions initialised (the transactional id's older writers fenced, their open
     * transaction finished). The producer is closed within {@code closeTimeout} if that fails.
     */
    static TopicWriter open(Map<String, Object> producerConfig, String topic, Duration closeTimeout) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(closeTimeout);
            throw e;
        }
        TopicWriter writer = new TopicWriter(producer, topic);
        writer.closeTimeout = closeTimeout;
        return writer;
    }

    /** Starts from what the topic holds: {@code committed} is its GTID set, read after {@link #open}. */
    void resume(GtidSet topicSet) {
        this.committed = topicSet;
    }

    /** What checkpoints say about the FORMAT_DESCRIPTION in effect and the source. */
    void context(byte[] formatDescription, String source) {
        this.fde = formatDescription;
        this.sourceUuid = source;
    }

    /** Appends one record to the open Kafka transaction, opening one if needed. */
    void send(RecordMeta meta, byte[] value) {
        RecordMeta m = meta;
        try {
            if (!open) {
                producer.beginTransaction();
                open = true;
                openedAtNanos = System.nanoTime();
                m = meta.withCheckpoint(committed, fde, sourceUuid);
            }
            producer.send(new ProducerRecord<>(topic, 0, null, null, value, Records.headers(m)));
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        pendingBytes += value.length;
        pendingRecords++;
    }

    /** Marks a source transaction as written (its last record sent); durable at the next commit. */
    void transactionWritten(Gtid gtid) {
        if (gtid != null) {
            pending.add(gtid);
            pendingGtids.add(gtid);
        }
        pendingTransactions++;
    }

    boolean hasOpenTransaction() {
        return open;
    }

    long pendingBytes() {
        return pendingBytes;
    }

    /** Nanoseconds since the open Kafka transaction began. */
    long openForNanos() {
        return open ? System.nanoTime() - openedAtNanos : 0;
    }

    /** Commits the open Kafka transaction; afterwards its source transactions are durable. */
    void commit() {
        if (!open) {
            return;
        }
        try {
            producer.commitTransaction();
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        open = false;
        committed = committed.union(pending.build());
        pending = GtidSet.builder();
        pendingGtids.clear();
        recordsWritten += pendingRecords;
        bytesWritten += pendingBytes;
        transactionsWritten += pendingTransactions;
        pendingRecords = 0;
        pendingBytes = 0;
        pendingTransactions = 0;
    }

    /** Every GTID durable in the topic. */
    GtidSet committed() {
        return committed;
    }

    /** Whether {@code gtid} is durable or waiting in the open Kafka transaction. */
    boolean has(Gtid gtid) {
        return committed.contains(gtid) || pendingGtids.contains(gtid);
    }

    long recordsWritten() {
        return recordsWritten;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    long transactionsWritten() {
        return transactionsWritten;
    }

    /**
     * Aborts what is open and closes the producer within {@code timeout}; after a Kafka failure, closes it at once
     * without aborting.
     */
    void close(Duration timeout) {
        try {
            if (open && !failed) {
                producer.abortTransaction();
            }
        } catch (RuntimeException ignored) {
            // closing anyway; the broker aborts the transaction when it times out or a new writer fences it
        } finally {
            open = false;
            producer.close(failed ? Duration.ZERO : timeout);
        }
    }

    @Override
    public void close() {
        close(closeTimeout);
    }
}
