package io.sluice.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The configurations Sluice's Kafka clients are built from: safe defaults, plus any client property the operator
 * passes through (SASL, TLS, client ids, tuning), except the few whose change would break Sluice's guarantees.
 *
 * <p>Each method returns a fresh mutable map: the defaults, then the overrides. Overriding a <em>protected</em> key with
 * a different value throws {@link IllegalArgumentException} naming the key; passing the same value Sluice uses is
 * accepted, so a configuration file may spell the safe settings out. Protected keys:
 * <ul>
 *   <li>producer: {@code acks}, {@code enable.idempotence}, {@code transactional.id}, {@code key.serializer},
 *       {@code value.serializer}, {@code bootstrap.servers};</li>
 *   <li>consumer: {@code isolation.level}, {@code key.deserializer}, {@code value.deserializer},
 *       {@code bootstrap.servers};</li>
 *   <li>admin: {@code bootstrap.servers}.</li>
 * </ul>
 * A {@code null} override value is refused. Everything else passes through untouched, including keys this class does
 * not know (the Kafka client itself warns about unknown ones).
 */
public final class KafkaClientDefaults {

    /** {@code linger.ms}: how long the producer waits to fill a batch. Small: a transaction commit flushes anyway. */
    public static final int LINGER_MS = 5;

    /** {@code batch.size}: 256 KiB, so a group commit of many small transactions travels in few requests. */
    public static final int BATCH_SIZE = 256 * 1024;

    /**
     * {@code retry.backoff.ms} of the producer: 2 ms, where Kafka's default is 100 ms. Right after a commit, the
     * coordinator is still writing the transaction markers, and the first send of the next transaction gets
     * {@code CONCURRENT_TRANSACTIONS} and is retried after this backoff (the client shortens it to at most 20 ms for
     * that case). With 20 ms, every commit that follows another within a few milliseconds (every group commit under
     * load) waited about 20 ms; with 2 ms, a one-record transaction commits in 4.5 ms instead of 25 ms on one
     * in-JVM broker, and in 12 ms instead of 48 ms on three (docs/benchmarks.md). Other retries back off
     * exponentially from this value up to {@code retry.backoff.max.ms} (1 s, Kafka's default), so an outage is not
     * hammered.
     */
    public static final int PRODUCER_RETRY_BACKOFF_MS = 2;

    /** {@code request.timeout.ms} of the producer: 15 s. */
    public static final int PRODUCER_REQUEST_TIMEOUT_MS = 15_000;

    /**
     * {@code delivery.timeout.ms}: 30 s. A send that has not been acknowledged by then fails, and the writer aborts the
     * transaction and rebuilds its producer; with {@code min.insync.replicas} unmet a send otherwise waits indefinitely.
     */
    public static final int DELIVERY_TIMEOUT_MS = 30_000;

    /**
     * {@code max.block.ms}: 30 s, the bound on {@code send()} waiting for metadata or buffer space and on
     * {@code initTransactions()}, {@code commitTransaction()} and {@code abortTransaction()}.
     */
    public static final int MAX_BLOCK_MS = 30_000;

    /**
     * {@code transaction.timeout.ms}: 60 s. If the writer dies inside a transaction, the coordinator aborts it after
     * this long; until then {@code read_committed} readers cannot read past it, so it is kept short. It must exceed
     * the time one group-commit transaction stays open, and stay below the brokers' {@code transaction.max.timeout.ms}
     * (15 min by default).
     */
    public static final int TRANSACTION_TIMEOUT_MS = 60_000;

    /** {@code buffer.memory} floor: 32 MiB (Kafka's default), raised to twice {@code max.request.size} if larger. */
    public static final long MIN_BUFFER_MEMORY = 32L * 1024 * 1024;

    /**
     * {@code compression.type}: lz4. Binlog events compress well and lz4 costs little CPU. Compression is transparent to
     * every Kafka consumer: records come back byte-exact, and the broker keeps the producer's batches as they are
     * (topic {@code compression.type=producer}, Kafka's default). lz4-java is a runtime dependency of kafka-clients.
     */
    public static final String COMPRESSION = "lz4";

    private static final Set<String> PRODUCER_PROTECTED = Set.of(
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);

    private static final Set<String> CONSUMER_PROTECTED = Set.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);

    private static final Set<String> ADMIN_PROTECTED = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);

    private KafkaClientDefaults() {
    }

    /**
     * The configuration of the transactional producer that writes the binlog topic.
     *
     * <ul>
     *   <li>{@code acks=all}: a write is acknowledged only once every in-sync replica has it, at least
     *       {@code min.insync.replicas} of them;</li>
     *   <li>{@code enable.idempotence=true}: retries neither duplicate nor reorder records;</li>
     *   <li>{@code transactional.id}: fixed per Sluice cluster, so a new writer fences a stale one and a source
     *       transaction is never half-visible to {@code read_committed} readers;</li>
     *   <li>{@code max.in.flight.requests.per.connection=5}: the most idempotence allows while keeping order;</li>
     *   <li>{@code retries} left at Kafka's default (unbounded, within {@code delivery.timeout.ms});</li>
     *   <li>byte-array serializers: records are stored exactly as built;</li>
     *   <li>{@code max.request.size} = the topic's {@code max.message.bytes}, so the producer refuses locally what the
     *       broker would refuse;</li>
     *   <li>{@code linger.ms}, {@code batch.size}, {@code compression.type}, {@code retry.backoff.ms},
     *       {@code request.timeout.ms}, {@code delivery.timeout.ms}, {@code max.block.ms},
     *       {@code transaction.timeout.ms}, {@code buffer.memory}: see the constants of this class.</li>
     * </ul>
     *
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param transactionalId  the transactional id (one per Sluice cluster and topic)
     * @param maxRequestSize   the topic's {@code max.message.bytes} ({@link TopicSpec#maxMessageBytes()})
     * @param overrides        client properties passed through, such as {@code security.protocol},
     *                         {@code sasl.*}, {@code ssl.*}; not the protected keys
     * @return a new mutable map for {@code new KafkaProducer<byte[], byte[]>(map)}
     * @throws IllegalArgumentException if an override changes a protected key, or has a null value
     */
    public static Map<String, Object> transactionalProducer(String bootstrapServers, String transactionalId,
                                                            int maxRequestSize, Map<String, ?> overrides) {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(transactionalId, "transactionalId");
        if (maxRequestSize <= 0) {
            throw new IllegalArgumentException("maxRequestSize must be positive, not " + maxRequestSize);
        }
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestSize);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(MIN_BUFFER_MEMORY, 2L * maxRequestSize));
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, PRODUCER_RETRY_BACKOFF_MS);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, PRODUCER_REQUEST_TIMEOUT_MS);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return apply(config, overrides, PRODUCER_PROTECTED);
    }

    /**
     * The configuration of the transactional producer that writes the given topic; {@code max.request.size} comes
     * from the spec.
     *
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param transactionalId  the transactional id (one per Sluice cluster and topic)
     * @param topic            the topic written
     * @param overrides        client properties passed through; not the protected keys
     * @return a new mutable map for {@code new KafkaProducer<byte[], byte[]>(map)}
     * @throws IllegalArgumentException if an override changes a protected key, or has a null value
     * @see #transactionalProducer(String, String, int, Map)
     */
    public static Map<String, Object> transactionalProducer(String bootstrapServers, String transactionalId,
                                                            TopicSpec topic, Map<String, ?> overrides) {
        return transactionalProducer(bootstrapServers, transactionalId, topic.maxMessageBytes(), overrides);
    }

    /**
     * The configuration of a consumer of Sluice's topics.
     *
     * <ul>
     *   <li>{@code isolation.level=read_committed}: only committed Kafka transactions are seen, so a source transaction
     *       is never half-visible and aborted writes never reach a replica;</li>
     *   <li>{@code enable.auto.commit=false}: readers find their position from the records (GTIDs, file and
     *       position), never from committed offsets;</li>
     *   <li>{@code auto.offset.reset=earliest}: a reader without a position starts at the beginning of the binlog;</li>
     *   <li>{@code allow.auto.create.topics=false}: reading a misspelt topic must not create it with broker
     *       defaults;</li>
     *   <li>byte-array deserializers: records are handed over exactly as stored;</li>
     *   <li>no {@code group.id}: readers {@code assign()} the partition; pass one in the overrides where a group is
     *       wanted.</li>
     * </ul>
     *
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param overrides        client properties passed through, such as {@code security.protocol},
     *                         {@code sasl.*}, {@code ssl.*}, {@code group.id}; not the protected keys
     * @return a new mutable map for {@code new KafkaConsumer<byte[], byte[]>(map)}
     * @throws IllegalArgumentException if an override changes a protected key, or has a null value
     */
    public static Map<String, Object> consumer(String bootstrapServers, Map<String, ?> overrides) {
        requireText(bootstrapServers, "bootstrapServers");
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return apply(config, overrides, CONSUMER_PROTECTED);
    }

    /**
     * The configuration of an admin client (topic creation and verification): the bootstrap servers and the
     * pass-through properties, so an admin client authenticates like the producer and consumers do.
     *
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param overrides        client properties passed through; not {@code bootstrap.servers}
     * @return a new mutable map for {@code Admin.create(map)}
     * @throws IllegalArgumentException if an override changes {@code bootstrap.servers}, or has a null value
     */
    public static Map<String, Object> admin(String bootstrapServers, Map<String, ?> overrides) {
        requireText(bootstrapServers, "bootstrapServers");
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return apply(config, overrides, ADMIN_PROTECTED);
    }

    private static Map<String, Object> apply(Map<String, Object> config, Map<String, ?> overrides,
                                             Set<String> protectedKeys) {
        Objects.requireNonNull(overrides, "overrides (pass Map.of() for none)");
        for (Map.Entry<String, ?> entry : overrides.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key == null) {
                throw new IllegalArgumentException("a Kafka client override has a null key");
            }
            if (value == null) {
                throw new IllegalArgumentException("Kafka client override " + key + " has a null value");
            }
            if (protectedKeys.contains(key)) {
                if (!sameValue(key, config.get(key), value)) {
                    throw new IllegalArgumentException("Kafka client property " + key + " cannot be overridden: Sluice "
                            + "sets it to " + config.get(key) + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                            ? " from its own bootstrap servers setting" : " for safety") + ", not " + value);
                }
                continue;
            }
            config.put(key, value);
        }
        return config;
    }

    private static boolean sameValue(String key, Object ours, Object theirs) {
        String a = normalise(key, ours);
        String b = normalise(key, theirs);
        return a.equals(b);
    }

    private static String normalise(String key, Object value) {
        String text = (value instanceof Class<?> c ? c.getName() : String.valueOf(value)).trim();
        if (key.equals(ProducerConfig.ACKS_CONFIG) && text.equals("-1")) {
            return "all";
        }
        if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            return text.replace(" ", "");
        }
        return key.endsWith("serializer") || key.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                ? text : text.toLowerCase(Locale.ROOT);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
