package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import io.sluice.app.SluiceConfiguration;
import io.sluice.decoder.DecoderSettings;
import io.sluice.decoder.RowEventsDecoder;
import io.sluice.kafka.TopicSpec;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the row-change decoder on this node when {@code decoder.enabled}, after Kafka is up. */
public final class DecoderManager implements Managed {
    private final SluiceConfiguration config;
    private final KafkaRuntime kafka;
    private RowEventsDecoder decoder;

    public DecoderManager(SluiceConfiguration config, KafkaRuntime kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    /** The decoder's settings for this node: its Kafka, topic spec, data directory and metadata backend. */
    static DecoderSettings settings(SluiceConfiguration config, KafkaRuntime kafka) {
        SluiceConfiguration.DecoderSettings d = config.decoder;
        Map<String, Object> client = new HashMap<>(config.kafka.properties);
        client.put("bootstrap.servers", kafka.bootstrapServers());
        // a crashed node's decoder moves to a standing-by node as fast as its syncer does, not after Kafka's 45 s
        client.putIfAbsent("session.timeout.ms", String.valueOf(config.cluster.sessionTimeoutMs));
        TopicSpec spec = kafka.topicSpec();
        SluiceConfiguration.MetadataBackendSettings backend = config.facade.metadataBackend;
        DecoderSettings.SchemaSource schema = backend == null || !d.columnNamesFromMetadataBackend ? null
                : new DecoderSettings.SchemaSource(backend.host, backend.port, backend.user, backend.password,
                        backend.clientTls());
        return new DecoderSettings(client, kafka.topic(), d.applicationId, d.mode, d.outputTopicOrDefault(),
                d.outputPartitions, spec.replicationFactor(), spec.minInsyncReplicas(),
                Path.of(config.dataDir, "decoder"), schema);
    }

    @Override
    public synchronized void start() {
        if (config.decoder.enabled) {
            decoder = new RowEventsDecoder(settings(config, kafka));
            decoder.start();
        }
    }

    @Override
    public synchronized void stop() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }

    /** Whether the decoder is enabled on this node. */
    public boolean enabled() {
        return config.decoder.enabled;
    }

    /** The stream's state, or {@code null} when the decoder does not run. */
    public synchronized KafkaStreams.State state() {
        return decoder == null ? null : decoder.state();
    }

    /** Row changes the decoder has written since it started on this node; -1 when it does not run here. */
    public synchronized long rowChanges() {
        return decoder == null ? -1 : decoder.rowChanges();
    }

    /** Why the decoder stopped, or {@code null}. */
    public synchronized String failure() {
        return decoder == null ? null : decoder.failure();
    }
}
