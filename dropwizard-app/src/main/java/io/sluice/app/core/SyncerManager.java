package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import io.sluice.app.SluiceConfiguration;
import io.sluice.app.api.SyncerRequest;
import io.sluice.app.api.SyncerView;
import io.sluice.app.security.SecretsUnavailableException;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.SyncerConfig;
import io.sluice.ingest.SyncerMetrics;
import io.sluice.ingest.SyncerStatus;
import io.sluice.kafka.binlog.BinlogTopicReader;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Owns the syncer of this node. The wanted settings live in Kafka (any node may change them); the syncer runs
 * here only while this node is the leader and the settings say it should run. Every change of either is
 * reconciled at once.
 */
public final class SyncerManager implements Managed, LeaderElector.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SyncerManager.class);
    private final KafkaRuntime kafka;
    private final SettingsStore store;
    private final SluiceConfiguration.SyncerSettings tuning;
    private final SyncerMetrics metrics;
    private Supplier<Optional<SyncerView>> leaderStatus = Optional::empty;
    private Syncer syncer;
    private SyncerRequest running;
    private SettingsStore.Stored wanted;
    /** Why the syncer could not be started with {@link #wanted} on this node (its password), or {@code null}. */
    private SyncerView.ErrorView launchError;
    private boolean leader;
    private AutoCloseable watch;

    public SyncerManager(KafkaRuntime kafka, SettingsStore store, SluiceConfiguration.SyncerSettings tuning,
                         SyncerMetrics metrics) {
        this.kafka = kafka;
        this.store = store;
        this.tuning = tuning;
        this.metrics = metrics;
    }

    /** Where the status of a syncer running on another node comes from. */
    public synchronized void leaderStatus(Supplier<Optional<SyncerView>> supplier) {
        this.leaderStatus = supplier;
    }

    @Override
    public void start() {
        store.ensureTopic();
        synchronized (this) {
            wanted = store.load().orElse(null);
        }
        watch = store.watch(this::settingsChanged);
    }

    @Override
    public void stop() throws Exception {
        if (watch != null) {
            watch.close();
        }
        synchronized (this) {
            stopSyncer();
        }
    }

    private synchronized void settingsChanged(SettingsStore.Stored stored) {
        wanted = stored;
        reconcile();
    }

    @Override
    public synchronized void leadershipGained() {
        leader = true;
        reconcile();
    }

    @Override
    public synchronized void leadershipLost() {
        leader = false;
        reconcile();
    }

    public synchronized boolean isLeader() {
        return leader;
    }

    /** Whether this node runs the syncer now. */
    public synchronized boolean runsSyncer() {
        return syncer != null;
    }

    private void reconcile() {
        boolean shouldRun = leader && wanted != null && wanted.running();
        if (!shouldRun) {
            stopSyncer();
            return;
        }
        if (syncer != null && Objects.equals(running, wanted.request())) {
            return;
        }
        stopSyncer();
        running = wanted.request();
        LOG.info("starting the syncer ({})", running.source());
        try {
            launch(running);
        } catch (SecretsUnavailableException e) {
            LOG.error("cannot start the syncer ({}): {}", running.source(), e.getMessage());
            launchError = new SyncerView.ErrorView(e.getMessage(), 0, java.time.Instant.now());
            running = null;
        }
    }

    private void stopSyncer() {
        launchError = null;
        if (syncer != null) {
            syncer.close();
            syncer = null;
            running = null;
        }
    }

    /** Stores the settings (every node sees them) and reconciles here at once. */
    public SyncerView configure(SyncerRequest request) {
        synchronized (this) {
            SettingsStore.Stored stored = store.sealed(new SettingsStore.Stored(request, true));
            store.save(stored);
            wanted = stored;
            reconcile();
        }
        return status();
    }

    /**
     * Stores that the syncer should run again with the settings it had, wherever the leader is.
     *
     * @return empty when it was never configured (there is nothing to start)
     */
    public Optional<SyncerView> resume() {
        synchronized (this) {
            if (wanted == null) {
                return Optional.empty();
            }
            SettingsStore.Stored stored = store.sealed(new SettingsStore.Stored(wanted.request(), true));
            store.save(stored);
            wanted = stored;
            reconcile();
        }
        return Optional.of(status());
    }

    /** Stores that the syncer should stay stopped, wherever it runs. */
    public SyncerView halt() {
        synchronized (this) {
            if (wanted != null) {
                SettingsStore.Stored stored = store.sealed(new SettingsStore.Stored(wanted.request(), false));
                store.save(stored);
                wanted = stored;
            }
            reconcile();
        }
        return status();
    }

    /** The source account (without its password), for a facade with no accounts of its own. */
    public synchronized Optional<SyncerRequest.Source> source() {
        return Optional.ofNullable(wanted).map(w -> w.request().source());
    }

    /** The source account's password when {@code user} is that account and this node can get the password. */
    public Optional<String> sourcePassword(String user) {
        Optional<SyncerRequest.Source> source = source().filter(s -> s.user().equals(user));
        try {
            return source.map(store::password);
        } catch (SecretsUnavailableException e) {
            LOG.debug("the source account's password is not available here: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** This node's syncer, or {@code null} when it does not run one. */
    public synchronized SyncerView localStatus() {
        return syncer == null ? null : view(syncer.status(), syncer.config().tls().mode().name());
    }

    /** The syncer's status: this node's when it leads, otherwise what the leader publishes. */
    public SyncerView status() {
        SettingsStore.Stored stored;
        SyncerView.ErrorView error;
        synchronized (this) {
            if (syncer != null) {
                return view(syncer.status(), syncer.config().tls().mode().name());
            }
            stored = wanted;
            error = leader ? launchError : null;
            if (!leader && stored != null && stored.running()) {
                Optional<SyncerView> remote = leaderStatus.get();
                if (remote.isPresent()) {
                    return remote.get();
                }
            }
        }
        // read outside the lock: a leadership change must not wait for Kafka to answer a status request
        String executed = topicGtids();
        if (stored == null) {
            return SyncerView.unconfigured(executed);
        }
        SyncerRequest.Source s = stored.request().source();
        String state = error != null ? "ERROR" : stored.running() ? "WAITING_FOR_LEADER" : "STOPPED";
        return new SyncerView(state, new SyncerView.SourceView(s.host(), s.port(), s.user(), s.tlsMode()),
                serverId(stored.request()),
                null, null, executed, null, 0, 0, 0, error, null, null, 0, java.util.Map.of(), null, null,
                null, SyncerView.Throughput.ZERO, null, null, null);
    }

    /** The REST view of a running syncer's status; the estimate uses the last minute's rate. */
    static SyncerView view(SyncerStatus s, String tls) {
        SyncerView.Progress progress = null;
        if (s.lagTransactions() != null && s.lagTransactions() > 0) {
            Long eta = null;
            if (s.lagBytes() != null && s.bytesPerSecond() > 0) {
                eta = (long) Math.ceil(s.lagBytes() / s.bytesPerSecond());
            } else if (s.transactionsPerSecond() > 0) {
                eta = (long) Math.ceil(s.lagTransactions() / s.transactionsPerSecond());
            }
            progress = new SyncerView.Progress(s.lagTransactions(), s.lagBytes(), eta);
        }
        return new SyncerView(s.state().name(), new SyncerView.SourceView(s.host(), s.port(), s.user(), tls),
                s.serverId(),
                s.sourceUuid(), s.sourceVersion(), s.executedGtidSet(), s.file(), s.position(), s.transactions(),
                s.bytes(), s.lastError() == null ? null : new SyncerView.ErrorView(s.lastError(), s.lastErrorCode(),
                s.lastErrorAt()), s.lastEventAt(),
                s.currentHost() == null ? null : new SyncerView.SourceView(s.currentHost(), s.currentPort(), s.user(),
                        tls),
                s.failovers(), s.refusedSources(), s.lagSeconds(), s.lagBytes(), s.lagTransactions(),
                new SyncerView.Throughput(s.eventsPerSecond(), s.transactionsPerSecond(), s.bytesPerSecond()),
                progress, s.lastGtid(), s.lastTransactionAt());
    }

    private String topicGtids() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return new BinlogTopicReader(consumer, kafka.topic(), Duration.ofSeconds(10)).tail().executed().toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long serverId(SyncerRequest request) {
        return request.serverId() != null ? request.serverId() : Identity.serverId(kafka.topic());
    }

    private void launch(SyncerRequest request) {
        SyncerRequest.Source s = request.source();
        String topic = kafka.topic();
        String password = store.password(s);
        SyncerConfig config = new SyncerConfig(s.host(), s.port(), s.user(), password, serverId(request), topic,
                Math.min(tuning.maxRecordBytes, kafka.topicSpec().maxMessageBytes() - 64 * 1024),
                tuning.groupCommitBytes, Duration.ofMillis(tuning.groupCommitDelayMs),
                Duration.ofSeconds(tuning.heartbeatSeconds), kafka.producerConfig("sluice-syncer-" + topic),
                kafka.consumerConfig());
        config = config.withFailover(request.candidates().stream()
                .map(c -> new io.sluice.ingest.SourceEndpoint(c.host(), c.port())).toList(),
                request.discoverGroupPrimary()).withTls(s.clientTls());
        syncer = new Syncer(config, Identity.syncerUuid(topic), metrics);
        syncer.start();
    }
}
