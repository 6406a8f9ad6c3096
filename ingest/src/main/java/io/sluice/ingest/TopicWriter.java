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

    TopicWriter(Map<String, Object> producerConfig, String topic, GtidSet committed) {
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.committed = committed;
        producer.initTransactions();
    }

    /** What checkpoints say about the FORMAT_DESCRIPTION in effect and the source. */
    void context(byte[] formatDescription, String source) {
        this.fde = formatDescription;
        this.sourceUuid = source;
    }

    /** Appends one record to the open Kafka transaction, opening one if needed. */
    void send(RecordMeta meta, byte[] value) {
        RecordMeta m = meta;
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAtNanos = System.nanoTime();
            m = meta.withCheckpoint(committed, fde, sourceUuid);
        }
        producer.send(new ProducerRecord<>(topic, 0, null, null, value, Records.headers(m)));
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
        producer.commitTransaction();
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

    /** Aborts what is open (best effort) and closes the producer within {@code timeout}. */
    void close(Duration timeout) {
        try {
            if (open) {
                producer.abortTransaction();
            }
        } catch (RuntimeException ignored) {
            // closing anyway; the broker aborts the transaction when it times out or a new writer fences it
        } finally {
            open = false;
            producer.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
