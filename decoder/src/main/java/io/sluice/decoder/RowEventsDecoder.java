package io.sluice.decoder;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The decoder: a Kafka Streams application that reads the binlog topic and writes its row changes as JSON
 * envelopes ({@code docs/row-events.md}), exactly once ({@code processing.guarantee=exactly_once_v2}: the row changes
 * of a source transaction and the decoder's position after it are committed in one Kafka transaction, so a crash or
 * a restart never writes a row change twice nor loses one).
 *
 * <p>One stream thread: the binlog topic has one partition, so there is nothing to share. A record the decoder
 * cannot decode stops it with the reason ({@link #failure()}); it never skips one.
 */
public final class RowEventsDecoder implements AutoCloseable {
    /** The largest output record (the topics' {@code max.message.bytes}): a row with a large BLOB is one record. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RowEventsDecoder.class);
    private static final String SOURCE = "binlog";
    private static final String PROCESSOR = "decode";
    private static final String SINK = "rows";

    private final DecoderSettings settings;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong rowChanges = new AtomicLong();
    private TopicRouter router;
    private KafkaStreams streams;

    public RowEventsDecoder(DecoderSettings settings) {
        this.settings = settings;
    }

    /** The topology: the binlog topic, the decoding processor with its store, the output topic(s). */
    static Topology topology(DecoderSettings settings, TopicRouter router,
                             AtomicLong rowChanges) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                settings.binlogTopic());
        topology.addProcessor(PROCESSOR, () -> new RowEventsProcessor(settings, router, rowChanges), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RowEventsProcessor.STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR);
        topology.addSink(SINK, router, Serdes.String().serializer(), Serdes.String().serializer(), PROCESSOR);
        return topology;
    }

    /** Kafka Streams' configuration for these settings. */
    static Properties streamsConfig(DecoderSettings settings) {
        Properties p = new Properties();
        p.putAll(settings.client());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replicationFactor());
        p.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(settings.minInsyncReplicas()));
        p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_MESSAGE_BYTES);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }

    /**
     * Creates the output topic ({@link OutputMode#ONE_TOPIC}) and starts the stream thread.
     *
     * @throws DecoderException when the output topic cannot be created
     */
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("the decoder is already started");
        }
        Map<String, Object> admin = new java.util.HashMap<>(settings.client());
        router = new TopicRouter(settings, Admin.create(admin));
        if (settings.mode() == OutputMode.ONE_TOPIC) {
            router.ensure("");
        }
        streams = new KafkaStreams(topology(settings, router, rowChanges), streamsConfig(settings));
        streams.setUncaughtExceptionHandler(e -> {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof DecoderException)) {
                cause = cause.getCause();
            }
            failure.set(cause.getMessage());
            LOG.error("The decoder stopped: {}", cause.getMessage(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        failure.set(null);
        streams.start();
        LOG.info("Decoder {} started: {} -> {} ({})", settings.applicationId(), settings.binlogTopic(),
                settings.mode() == OutputMode.ONE_TOPIC ? settings.outputTopic()
                        : settings.outputTopic() + "<db>.<table>",
                settings.columnNames() == null ? "column names from the binlog"
                        : "column names from the binlog, else from " + settings.columnNames().endpoint());
    }

    /** The stream's state, or {@code null} before {@link #start()}. */
    public synchronized KafkaStreams.State state() {
        return streams == null ? null : streams.state();
    }

    /** Why the decoder stopped, or {@code null} while it runs. */
    public String failure() {
        return failure.get();
    }

    /**
     * Row changes handed to Kafka Streams since this decoder started, committed or not (a transaction aborted by a
     * crash is decoded again, and counted again).
     */
    public long rowChanges() {
        return rowChanges.get();
    }

    /** The settings it runs with. */
    public DecoderSettings settings() {
        return settings;
    }

    @Override
    public synchronized void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops the stream thread, committing what it processed, and leaves the group, so that a decoder standing by on
     * another node takes over at once rather than after the session timeout; waits at most {@code timeout}.
     */
    public synchronized void close(Duration timeout) {
        if (streams != null) {
            streams.close(CloseOptions.timeout(timeout)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            streams = null;
        }
        if (router != null) {
            router.close();
            router = null;
        }
    }
}
