package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import io.sluice.app.SluiceConfiguration;
import io.sluice.app.api.SyncerRequest;
import io.sluice.app.api.SyncerView;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.kafka.binlog.BinlogTopicReader;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Owns the syncer of this node: starts it from the stored settings at boot, replaces it on PUT, stops it on
 * request, and reports its status.
 */
public final class SyncerManager implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(SyncerManager.class);
    private final KafkaRuntime kafka;
    private final SettingsStore store;
    private final SluiceConfiguration.SyncerSettings tuning;
    private Syncer syncer;
    private SyncerRequest request;

    public SyncerManager(KafkaRuntime kafka, SettingsStore store, SluiceConfiguration.SyncerSettings tuning) {
        this.kafka = kafka;
        this.store = store;
        this.tuning = tuning;
    }

    @Override
    public synchronized void start() {
        store.ensureTopic();
        Optional<SettingsStore.Stored> stored = store.load();
        if (stored.isPresent()) {
            request = stored.get().request();
            if (stored.get().running()) {
                LOG.info("starting the syncer from its stored settings ({})", request.source());
                launch();
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (syncer != null) {
            syncer.close();
            syncer = null;
        }
    }

    /** Stores the settings and (re)starts the syncer with them. */
    public synchronized SyncerView configure(SyncerRequest newRequest) {
        stop();
        request = newRequest;
        store.save(new SettingsStore.Stored(newRequest, true));
        launch();
        return status();
    }

    /** Stops the syncer and remembers that it should stay stopped. */
    public synchronized SyncerView halt() {
        stop();
        if (request != null) {
            store.save(new SettingsStore.Stored(request, false));
        }
        return status();
    }

    /** The source account, for a facade with no accounts of its own. */
    public synchronized Optional<SyncerRequest.Source> source() {
        return Optional.ofNullable(request).map(SyncerRequest::source);
    }

    public synchronized SyncerView status() {
        if (syncer != null) {
            return SyncerView.of(syncer.status());
        }
        SyncerView view = SyncerView.unconfigured(topicGtids());
        if (request == null) {
            return view;
        }
        SyncerRequest.Source s = request.source();
        return new SyncerView("STOPPED", new SyncerView.SourceView(s.host(), s.port(), s.user()), serverId(), null,
                null, view.executedGtidSet(), null, 0, 0, 0, null, null);
    }

    private String topicGtids() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return new BinlogTopicReader(consumer, kafka.topic(), Duration.ofSeconds(10)).tail().executed().toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long serverId() {
        return request.serverId() != null ? request.serverId() : Identity.serverId(kafka.topic());
    }

    private void launch() {
        SyncerRequest.Source s = request.source();
        String topic = kafka.topic();
        SyncerConfig config = new SyncerConfig(s.host(), s.port(), s.user(), s.password(), serverId(), topic,
                Math.min(tuning.maxRecordBytes, kafka.topicSpec().maxMessageBytes() - 64 * 1024),
                tuning.groupCommitBytes, Duration.ofMillis(tuning.groupCommitDelayMs),
                Duration.ofSeconds(tuning.heartbeatSeconds), kafka.producerConfig("sluice-syncer-" + topic),
                kafka.consumerConfig());
        syncer = new Syncer(config, Identity.syncerUuid(topic));
        syncer.start();
    }
}
