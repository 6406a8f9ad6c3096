package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import io.sluice.app.SluiceConfiguration;
import io.sluice.kafka.EmbeddedKafka;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * The Kafka side of the process: the embedded single-node broker when no bootstrap servers are configured, the
 * existing cluster otherwise; creates or verifies the binlog topic (refusing an unsafe one) and hands out client
 * configurations with the user's pass-through properties.
 */
public final class KafkaRuntime implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRuntime.class);
    private final SluiceConfiguration.KafkaSettings settings;
    private final Path dataDir;
    private EmbeddedKafka embedded;
    private String bootstrap;
    private TopicSpec spec;
    private Admin admin;

    public KafkaRuntime(SluiceConfiguration.KafkaSettings settings, Path dataDir) {
        this.settings = settings;
        this.dataDir = dataDir;
    }

    @Override
    public void start() {
        if (embeddedMode(settings)) {
            embedded = EmbeddedKafka.start(dataDir.resolve("kafka"), settings.embeddedPort);
            bootstrap = embedded.bootstrapServers();
            spec = topicSpec(settings, true);
            LOG.warn("no kafka.bootstrapServers configured: running an embedded single-node Kafka broker at {} "
                    + "under {} (replication factor 1, NOT highly available)", bootstrap, dataDir.resolve("kafka"));
        } else {
            bootstrap = settings.bootstrapServers;
            spec = topicSpec(settings, false);
        }
        try (Admin admin = Admin.create(adminConfig())) {
            TopicManager.Outcome outcome = TopicManager.createOrVerify(admin, spec);
            LOG.info("binlog topic {} {}", spec.name(), outcome == TopicManager.Outcome.CREATED ? "created" : "verified");
        }
    }

    /** @return whether these settings run the embedded single-node broker: no bootstrap servers are configured */
    public static boolean embeddedMode(SluiceConfiguration.KafkaSettings settings) {
        return settings.bootstrapServers == null || settings.bootstrapServers.isBlank();
    }

    /**
     * The binlog topic a node creates or verifies: on the embedded broker a single copy, on an existing cluster the
     * configured replication; both with the configured record size, compression and retention. Shared with
     * {@code sluice topic}, which must judge a topic as a node would.
     *
     * @throws IllegalArgumentException if the configured replication is unsafe (see {@link TopicSpec})
     */
    public static TopicSpec topicSpec(SluiceConfiguration.KafkaSettings settings, boolean embedded) {
        TopicSpec spec = embedded ? TopicSpec.embedded(settings.topic)
                : TopicSpec.defaults(settings.topic).withReplication(settings.replicationFactor,
                settings.minInsyncReplicas);
        spec = spec.withMaxMessageBytes(settings.maxMessageBytes).withCompressionType(settings.compressionType);
        if (settings.retentionMs != null) {
            spec = spec.withRetentionMs(settings.retentionMs);
        }
        if (settings.retentionBytes != null) {
            spec = spec.withRetentionBytes(settings.retentionBytes);
        }
        return spec;
    }

    /** A shared admin client (thread-safe), created on first use. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig());
        }
        return admin;
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (admin != null) {
                admin.close(java.time.Duration.ofSeconds(5));
                admin = null;
            }
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public boolean embedded() {
        return embedded != null;
    }

    public TopicSpec topicSpec() {
        return spec;
    }

    public String topic() {
        return settings.topic;
    }

    public Map<String, Object> adminConfig() {
        return KafkaClientDefaults.admin(bootstrap, settings.properties);
    }

    public Map<String, Object> consumerConfig() {
        return KafkaClientDefaults.consumer(bootstrap, settings.properties);
    }

    public Map<String, Object> producerConfig(String transactionalId) {
        return KafkaClientDefaults.transactionalProducer(bootstrap, transactionalId, spec, settings.properties);
    }
}
