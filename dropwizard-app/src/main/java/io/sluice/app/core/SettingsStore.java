package io.sluice.app.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.app.api.SyncerRequest;
import io.sluice.app.security.NodeSecrets;
import io.sluice.app.security.SecretBox;
import io.sluice.app.security.SecretsUnavailableException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * The syncer's settings, kept in Kafka (a compacted topic {@code <topic>.settings}) rather than on the node, so a
 * restarted node (or, later, any node of a cluster) finds them. One key, {@code syncer}: the last PUT and whether
 * the syncer should run. The source password is never stored as given: it is sealed with the node's secrets key
 * ({@link SecretBox}, every node has the same), or the request names a file or an environment variable instead.
 */
public final class SettingsStore {
    private static final String KEY = "syncer";
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    private final KafkaRuntime kafka;
    private final ObjectMapper mapper;
    private final String topic;
    private final Optional<SecretBox> secrets;
    private final Map<String, String> env;
    private volatile boolean plainWarned;

    /** What is stored: the request and whether an operator stopped the syncer. */
    public record Stored(SyncerRequest request, boolean running) {
    }

    /**
     * @param secrets this node's secrets key, when it has one
     * @param env     the environment {@code passwordEnv} names are looked up in
     */
    public SettingsStore(KafkaRuntime kafka, ObjectMapper mapper, Optional<SecretBox> secrets,
                         Map<String, String> env) {
        this.kafka = kafka;
        this.mapper = mapper;
        this.topic = kafka.topic() + ".settings";
        this.secrets = secrets;
        this.env = env;
    }

    /**
     * The settings as they will be stored: a plain source password sealed with this node's key.
     *
     * @throws SecretsUnavailableException when there is a plain password and this node has no key
     */
    public Stored sealed(Stored stored) {
        SyncerRequest.Source source = stored.request().source();
        if (source.password() == null) {
            return stored;
        }
        SecretBox box = secrets.orElseThrow(() -> new SecretsUnavailableException("this node has no secrets key to "
                + "seal the source password with, and Sluice never stores it in plain text: give every node the same "
                + "secrets.keyFile (or " + NodeSecrets.ENV + "), or give the source a passwordFile or passwordEnv "
                + "instead of a password"));
        SyncerRequest r = stored.request();
        return new Stored(new SyncerRequest(source.withPassword(null, box.seal(source.password(), kafka.topic())),
                r.serverId(), r.candidates(), r.discoverGroupPrimary()), stored.running());
    }

    /**
     * The source's password, from wherever its settings say it is.
     *
     * @throws SecretsUnavailableException when it cannot be had on this node (no or another key, a missing file or
     *                                     variable), saying why without the password
     */
    public String password(SyncerRequest.Source source) {
        if (source.passwordSealed() != null) {
            SecretBox box = secrets.orElseThrow(() -> new SecretsUnavailableException("the source password is "
                    + "sealed and this node has no secrets key: give it the same secrets key as the node that stored "
                    + "it"));
            try {
                return box.open(source.passwordSealed(), kafka.topic());
            } catch (SecretBox.SealedSecretException e) {
                throw new SecretsUnavailableException("cannot open the sealed source password: " + e.getMessage());
            }
        }
        if (source.passwordFile() != null) {
            try {
                return stripNewline(Files.readString(Path.of(source.passwordFile()), StandardCharsets.UTF_8));
            } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                throw new SecretsUnavailableException("cannot read the source's passwordFile " + source.passwordFile()
                        + " on this node: " + e.getClass().getSimpleName());
            }
        }
        if (source.passwordEnv() != null) {
            String value = env.get(source.passwordEnv());
            if (value == null) {
                throw new SecretsUnavailableException("the source's passwordEnv " + source.passwordEnv()
                        + " is not set on this node");
            }
            return value;
        }
        if (!plainWarned) {
            plainWarned = true;
            LOG.warn("the syncer settings in {} hold the source password in plain text (stored by an older Sluice): "
                    + "PUT /api/v1/syncer again to seal it", topic);
        }
        return source.password() == null ? "" : source.password();
    }

    private static String stripNewline(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Creates the compacted settings topic when it is missing. */
    public void ensureTopic() {
        short rf = kafka.topicSpec().replicationFactor();
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            NewTopic t = new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact",
                    "min.insync.replicas", Integer.toString(kafka.topicSpec().minInsyncReplicas())));
            admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the settings topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + topic, e);
        }
    }

    /** Stores settings that {@link #sealed} has made safe to store. */
    public void save(Stored stored) {
        if (stored.request().source().password() != null) {
            throw new IllegalArgumentException("a plain source password is never stored: seal it first");
        }
        Map<String, Object> p = new HashMap<>(kafka.adminConfig());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] value = mapper.writeValueAsBytes(stored);
            producer.send(new ProducerRecord<>(topic, KEY.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted saving the syncer settings", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot save the syncer settings to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Follows the settings topic on a thread of its own and hands every new value to {@code onChange}, starting
     * with the current one; returns a handle that stops following.
     */
    public AutoCloseable watch(java.util.function.Consumer<Stored> onChange) {
        TopicPartition tp = new TopicPartition(topic, 0);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            try (consumer) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                while (!stopped.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.key() != null && KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
                                && r.value() != null) {
                            try {
                                onChange.accept(mapper.readValue(r.value(), Stored.class));
                            } catch (java.io.IOException e) {
                                org.slf4j.LoggerFactory.getLogger(SettingsStore.class)
                                        .error("unreadable syncer settings at offset {} of {}", r.offset(), topic);
                            }
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // stopping
            }
        }, "sluice-settings-watch");
        t.setDaemon(true);
        t.start();
        return () -> {
            stopped.set(true);
            consumer.wakeup();
            t.join(10_000);
        };
    }

    public Optional<Stored> load() {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Stored last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
                            && r.value() != null) {
                        last = mapper.readValue(r.value(), Stored.class);
                    }
                }
            }
            return Optional.ofNullable(last);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable syncer settings in " + topic + ": " + e.getMessage(), e);
        }
    }
}
