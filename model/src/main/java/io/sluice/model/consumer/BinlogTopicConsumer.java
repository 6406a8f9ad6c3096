package io.sluice.model.consumer;

import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.TopicFormatException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the binlog topic Sluice writes (format version 1, {@code docs/topic-format.md}) and returns the source's
 * transactions whole, with their events, GTID and position. See {@code docs/consumer.md} for a walk-through.
 *
 * <pre>{@code
 * try (BinlogTopicConsumer consumer = new BinlogTopicConsumer(Map.of("bootstrap.servers", "kafka:9092"),
 *         "sluice.binlog", BinlogTopicConsumer.Options.defaults())) {
 *     consumer.startAfter(GtidSet.parse(stored));           // or startAtBeginning(), startAtOffset(n)
 *     while (running) {
 *         for (SourceTransaction txn : consumer.poll(Duration.ofSeconds(1))) {
 *             handle(txn);
 *         }
 *         store(consumer.position());                        // offset and executed GTID set: both resume exactly
 *     }
 * }
 * }</pre>
 *
 * <p>It wraps a {@link KafkaConsumer} made from the caller's properties (bootstrap servers and any other client
 * property, e.g. SASL and TLS settings), with these forced: {@code isolation.level=read_committed} (a source
 * transaction is then never seen half-written), {@code enable.auto.commit=false} and
 * {@code allow.auto.create.topics=false}, {@code auto.offset.reset=none} (records deleted under the reader fail its
 * poll instead of moving it silently), byte-array deserializers. It uses no consumer group: it is assigned
 * partition 0 and keeps its own position, which the caller stores where it likes.
 *
 * <p>{@link #poll} returns only complete transactions: the parts of a split transaction are gathered (up to
 * {@link Options#maxTransactionBytes()}) across polls. Control events (FORMAT_DESCRIPTION, PREVIOUS_GTIDS, ROTATE,
 * STOP, INCIDENT) are not transactions and are not returned; they go to the optional
 * {@link Options#controlListener()}, called from within {@code poll} in topic order. Every event's CRC32 is checked
 * when the FORMAT_DESCRIPTION in effect for its file says the source writes one.
 *
 * <p>Not thread-safe, like {@link KafkaConsumer}. After an exception from {@code poll} the consumer must be started
 * again (a {@code startXxx} method) or closed.
 */
public final class BinlogTopicConsumer implements AutoCloseable {
    /** The largest transaction accepted by default: 256 MiB. */
    public static final long DEFAULT_MAX_TRANSACTION_BYTES = 256L * 1024 * 1024;
    /** How long a start may search the topic by default. */
    public static final Duration DEFAULT_SEARCH_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Settings of the consumer beyond the Kafka client's.
     *
     * @param maxTransactionBytes the largest transaction {@link #poll} gathers in memory; a larger one fails with
     *                            {@link TransactionTooLargeException}. 256 MiB by default: Sluice's syncer writes
     *                            transactions of any size, and this bounds the heap one transaction takes
     * @param searchTimeout       how long one start ({@code startXxx}) may take to find its place in the topic
     * @param controlListener     receives the control events, in order; {@code null} for none
     */
    public record Options(long maxTransactionBytes, Duration searchTimeout, Consumer<ControlEvent> controlListener) {
        /** Checks the values. */
        public Options {
            if (maxTransactionBytes < 1 || maxTransactionBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxTransactionBytes " + maxTransactionBytes + " is not between 1 "
                        + "and " + (Integer.MAX_VALUE - 8) + " (a transaction is held in one array)");
            }
            Objects.requireNonNull(searchTimeout, "searchTimeout");
        }

        /** 256 MiB, 60 seconds, no control listener. */
        public static Options defaults() {
            return new Options(DEFAULT_MAX_TRANSACTION_BYTES, DEFAULT_SEARCH_TIMEOUT, null);
        }

        /** These options with another transaction size limit. */
        public Options withMaxTransactionBytes(long bytes) {
            return new Options(bytes, searchTimeout, controlListener);
        }

        /** These options with another search timeout. */
        public Options withSearchTimeout(Duration timeout) {
            return new Options(maxTransactionBytes, timeout, controlListener);
        }

        /** These options with a listener for control events. */
        public Options withControlListener(Consumer<ControlEvent> listener) {
            return new Options(maxTransactionBytes, searchTimeout, listener);
        }
    }

    private final Map<String, Object> config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Options options;
    private final RecordAssembler assembler;
    private boolean started;

    /**
     * Connects to the topic and checks it has one partition; reads nothing yet: call a {@code startXxx} method.
     *
     * @param kafkaProperties Kafka consumer properties: {@code bootstrap.servers} and any other (SASL, TLS, timeouts)
     * @throws UnknownTopicException   when the topic does not exist
     * @throws BinlogConsumerException when it has more than one partition
     */
    public BinlogTopicConsumer(Map<String, ?> kafkaProperties, String topic, Options options) {
        Objects.requireNonNull(topic, "topic");
        this.options = Objects.requireNonNull(options, "options");
        this.partition = new TopicPartition(topic, 0);
        this.config = kafkaConfig(kafkaProperties);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            checkPartitions();
            consumer.assign(List.of(partition));
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        this.assembler = new RecordAssembler(topic, options.maxTransactionBytes(), options.controlListener());
    }

    /** The caller's properties with the settings this consumer needs forced. */
    static Map<String, Object> kafkaConfig(Map<String, ?> properties) {
        Map<String, Object> config = new HashMap<>(properties);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // every read starts with a seek; records deleted under the reader must fail, not jump to the end
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return config;
    }

    private void checkPartitions() {
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(partition.topic(), options.searchTimeout());
        } catch (UnknownTopicOrPartitionException | TopicAuthorizationException e) {
            throw unknownTopic(e);
        }
        if (partitions == null || partitions.isEmpty()) {
            throw unknownTopic(null);
        }
        if (partitions.size() > 1) {
            throw new BinlogConsumerException("topic " + partition.topic() + " has " + partitions.size()
                    + " partitions: a Sluice binlog topic has exactly one (the order of the source's binlog), so "
                    + "this is not one");
        }
    }

    private UnknownTopicException unknownTopic(RuntimeException cause) {
        return new UnknownTopicException("topic " + partition.topic() + " does not exist (or this client may not "
                + "describe it): give the name of the topic Sluice writes, sluice.binlog by default", cause);
    }

    /** Starts at the first record still in the topic. */
    public void startAtBeginning() {
        try (StartSearch search = search()) {
            long begin = search.beginOffset();
            start(search.at(begin, begin, search.endOffset()), GtidSet.EMPTY);
        }
    }

    /**
     * Starts at {@code offset}: a {@link SourceTransaction#nextOffset()} or {@link ConsumerPosition#offset()} stored
     * earlier. Reads at most one Kafka transaction to learn the GTID set and FORMAT_DESCRIPTION in effect there.
     *
     * @throws BinlogConsumerException when the offset is no longer in the topic (deleted by retention or a purge:
     *                                 transactions after it are lost to this reader) or past its end
     */
    public void startAtOffset(long offset) {
        try (StartSearch search = search()) {
            startAtOffset(search, offset);
        }
    }

    private void startAtOffset(StartSearch search, long offset) {
        long begin = search.beginOffset();
        long end = search.endOffset();
        if (offset < begin) {
            throw new BinlogConsumerException("offset " + offset + " is no longer in topic " + partition + ", which "
                    + "now begins at offset " + begin + ": the records between were deleted (retention or purge). "
                    + "Start after a GTID set to learn which transactions are missing");
        }
        if (offset > end) {
            throw new BinlogConsumerException("offset " + offset + " is past the end of topic " + partition + " ("
                    + end + ")");
        }
        start(search.at(offset, begin, end), GtidSet.EMPTY);
    }

    /**
     * Starts after {@code gtids}: every transaction whose GTID is in the set is skipped, now and later. Starts at the
     * latest checkpoint whose set {@code gtids} contains, found by binary search over offsets (a few short reads
     * whatever the size of the topic), then reads forward.
     *
     * @throws PurgedGtidsException when the topic no longer holds transactions the set lacks (they were purged)
     */
    public void startAfter(GtidSet gtids) {
        Objects.requireNonNull(gtids, "gtids");
        try (StartSearch search = search()) {
            long begin = search.beginOffset();
            start(search.after(gtids, begin, search.endOffset()), gtids);
        }
    }

    private StartSearch search() {
        return new StartSearch(config, partition, options.searchTimeout());
    }

    private void start(StartSearch.Start start, GtidSet skip) {
        assembler.reset(start.offset(), start.executed(), skip, start.sourceUuid(), start.fdeFile(), start.fde());
        consumer.seek(partition, start.offset());
        started = true;
    }

    /**
     * Waits up to {@code timeout} for records and returns the source transactions they complete, in order (empty
     * when none did). Parts of a split transaction that is not complete yet stay buffered until a later poll.
     *
     * @throws IllegalStateException        before a {@code startXxx} method was called
     * @throws TopicFormatException         when a record breaks the topic format or an event's CRC32 is wrong
     * @throws TransactionTooLargeException when a transaction is larger than {@link Options#maxTransactionBytes()}
     * @throws BinlogConsumerException      when the records to read next were deleted (retention, purge)
     */
    public List<SourceTransaction> poll(Duration timeout) {
        if (!started) {
            throw new IllegalStateException("call startAtBeginning, startAtOffset or startAfter before poll");
        }
        List<SourceTransaction> out = new ArrayList<>();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (OffsetOutOfRangeException e) {
            started = false;
            throw new BinlogConsumerException("the records of " + partition + " from offset "
                    + e.offsetOutOfRangePartitions().get(partition) + " were deleted (retention or purge) before this "
                    + "reader read them: transactions are lost to it. Start after its GTID set ("
                    + assembler.position().executed() + ") to learn which", e);
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SourceTransaction txn;
            try {
                txn = assembler.accept(record);
            } catch (RuntimeException e) {
                started = false;
                throw e;
            }
            if (txn != null) {
                out.add(txn);
            }
        }
        return out;
    }

    /**
     * Where this consumer stands after what {@link #poll} returned: the offset after the last complete unit it
     * handled and the executed GTID set there. Either resumes exactly ({@link #startAtOffset}, {@link #startAfter}).
     */
    public ConsumerPosition position() {
        return assembler.position();
    }

    /**
     * Whether the consumer has read everything the topic holds now (asks the broker for the end of the topic):
     * a following poll returns only what is written later.
     */
    public boolean caughtUp() {
        long end = consumer.endOffsets(List.of(partition), options.searchTimeout()).get(partition);
        return !assembler.midTransaction() && consumer.position(partition, options.searchTimeout()) >= end;
    }

    /** The topic partition read (partition 0 of the topic). */
    public TopicPartition partition() {
        return partition;
    }

    /** Closes the Kafka consumer. */
    @Override
    public void close() {
        consumer.close();
    }
}
