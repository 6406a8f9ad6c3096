package io.sluice.ingest;

import io.sluice.ingest.client.SourceClient;
import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.protocol.MysqlException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The syncer: replicates from the source into the binlog topic, on one thread of its own. Its position is the
 * topic's GTID set, recovered from the topic at every (re)connection, never from a local file; so after a crash or
 * a restart it resumes with no gap and no duplicate. Fatal failures stop it in {@link SyncerState#ERROR}; the others
 * are of three kinds:
 * <ul>
 *   <li><b>the source</b> failed (refused, reset or timed-out connection…): it reconnects with exponential backoff
 *       ({@link SyncerState#RETRYING}); once the failures in a row reach {@link SyncerConfig#failoverAttempts()} or
 *       last {@link SyncerConfig#failoverAfter()}, it fails over ({@link SyncerState#FAILING_OVER}): it tries the
 *       group's primary, the candidates and the original source in turn, takes the first that passes
 *       {@link SourceVetting}'s GTID checks against the topic, and continues with GTID auto-positioning from the
 *       topic's set, so with no gap and no duplicate;</li>
 *   <li><b>Kafka</b> failed (a send or commit timed out, too few in-sync replicas, no leader): it closes the producer
 *       (without waiting on {@code abortTransaction()}) and the source connection, and pauses
 *       ({@link SyncerState#PAUSED}), probing the topic's partition every second until it takes writes again; then
 *       it resumes by itself. It does not reconnect to the source meanwhile, and nothing is lost: what was not
 *       committed is read again from the source, and the topic's set is read only after the new producer has
 *       finished the old one's last transaction (see {@link TopicWriter});</li>
 *   <li>anything else: reconnect to the same source with backoff.</li>
 * </ul>
 */
public final class Syncer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Syncer.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration PAUSE_PROBE = Duration.ofSeconds(1);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TAIL_TIMEOUT = Duration.ofSeconds(60);

    private final SyncerConfig config;
    private final String replicaUuid;
    private final Object lock = new Object();
    private final AtomicReference<SourceClient> client = new AtomicReference<>();
    private final SyncProgress progress;
    private final SourceProbe probe;
    private java.util.concurrent.ScheduledExecutorService probing;
    private final SourceConnector sources;
    private volatile SyncerState state = SyncerState.STOPPED;
    private volatile boolean stopping;
    private Thread thread;

    // owned by the syncer thread
    private SourceEndpoint current;
    private boolean failingOver;
    private FailoverPolicy streak;

    /**
     * @param replicaUuid the server_uuid Sluice announces to the source as its replica ({@code @replica_uuid})
     */
    public Syncer(SyncerConfig config, String replicaUuid) {
        this(config, replicaUuid, SyncerMetrics.unregistered());
    }

    /**
     * @param replicaUuid the server_uuid Sluice announces to the source as its replica ({@code @replica_uuid})
     * @param metrics     where the syncer counts what it does
     */
    public Syncer(SyncerConfig config, String replicaUuid, SyncerMetrics metrics) {
        this.config = config;
        this.progress = new SyncProgress(metrics);
        this.probe = new SourceProbe(config, () -> state == SyncerState.RUNNING ? progress.current() : null,
                progress::position);
        this.replicaUuid = replicaUuid == null ? UUID.randomUUID().toString() : replicaUuid;
        this.sources = new SourceConnector(config, this.replicaUuid, progress, client, () -> stopping);
    }

    public SyncerConfig config() {
        return config;
    }

    /** Starts the syncer thread; a no-op when it runs already. */
    public void start() {
        synchronized (lock) {
            if (thread != null && thread.isAlive()) {
                return;
            }
            stopping = false;
            state = SyncerState.CONNECTING;
            thread = new Thread(this::run, "sluice-syncer");
            thread.setDaemon(true);
            thread.start();
            probing = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread p = new Thread(r, "sluice-syncer-probe");
                p.setDaemon(true);
                return p;
            });
            long every = SourceProbe.INTERVAL.toMillis();
            probing.scheduleWithFixedDelay(probe::probe, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the syncer and waits for its thread; what was committed to Kafka stays. */
    @Override
    public void close() {
        Thread t;
        java.util.concurrent.ScheduledExecutorService p;
        synchronized (lock) {
            stopping = true;
            t = thread;
            p = probing;
            probing = null;
        }
        if (p != null) {
            p.shutdownNow();
            try {
                if (p.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    probe.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SourceClient c = client.get();
        if (c != null) {
            c.close();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state = SyncerState.STOPPED;
    }

    public SyncerState state() {
        return state;
    }

    /** A status snapshot (no password). */
    public SyncerStatus status() {
        SyncerState now = state;
        return progress.status(now, config, now == SyncerState.RUNNING ? probe.lag() : null);
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        current = config.primary();
        failingOver = false;
        streak = new FailoverPolicy(config.failoverAttempts(), config.failoverAfter());
        try (KafkaHealth health = new KafkaHealth(withTransactionalId(), config.topic())) {
            while (!stopping) {
                long before = progress.transactions();
                try {
                    state = failingOver ? SyncerState.FAILING_OVER : SyncerState.CONNECTING;
                    syncOnce();
                    if (!stopping) {
                        throw new EOFException("the source ended the binlog stream");
                    }
                } catch (Throwable t) {
                    if (stopping) {
                        break;
                    }
                    if (progress.transactions() > before) {
                        backoff = MIN_BACKOFF;
                    }
                    if (Failures.isFatal(t)) {
                        progress.failed(t);
                        LOG.error("syncer stopped: {}", describe(t));
                        state = SyncerState.ERROR;
                        return;
                    }
                    if (Failures.isKafkaSide(t)) {
                        pause(health, t, backoff);
                    } else if (!onSourceFailure(t, backoff)) {
                        sleep(backoff);
                    }
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                            : backoff.multipliedBy(2);
                }
            }
        }
        state = SyncerState.STOPPED;
    }

    /**
     * Counts a failure of the source towards failing over, and says what happens next.
     *
     * @return whether failing over starts now: the first round of sources is tried at once
     */
    private boolean onSourceFailure(Throwable t, Duration backoff) {
        progress.failed(t);
        if (Failures.isSourceUnavailable(t)) {
            long now = System.nanoTime();
            streak.failed(now);
            if (!failingOver && config.canFailOver() && streak.due(now)) {
                failingOver = true;
                state = SyncerState.FAILING_OVER;
                LOG.warn("source {} failed {} time(s) in a row over {} ms ({}): failing over to {}{}", current,
                        streak.failures(), streak.failingFor(now).toMillis(), describe(t),
                        config.discoverGroupPrimary() ? "the group's primary, " : "", config.allSources());
                return true;
            }
        }
        state = failingOver ? SyncerState.FAILING_OVER : SyncerState.RETRYING;
        LOG.warn("syncer will {} in {} ms: {}", failingOver ? "try the sources again" : "reconnect",
                backoff.toMillis(), describe(t));
        return false;
    }

    /**
     * Kafka cannot take writes: stay away from the source and from producers until the topic's partition has a leader
     * and enough in-sync replicas again (and at least {@code minimum} has passed, so that a failure the metadata does
     * not show is not retried in a tight loop).
     */
    private void pause(KafkaHealth health, Throwable cause, Duration minimum) {
        state = SyncerState.PAUSED;
        long since = System.nanoTime();
        try {
            String problem = health.problem();
            progress.failed(pausedMessage(problem, cause), 0);
            LOG.warn("syncer paused: {}; probing Kafka every {} ms", pausedMessage(problem, cause),
                    PAUSE_PROBE.toMillis());
            while (!stopping) {
                sleep(PAUSE_PROBE);
                if (stopping) {
                    return;
                }
                problem = health.problem();
                if (problem != null) {
                    progress.failed(pausedMessage(problem, cause), 0);
                } else if (System.nanoTime() - since >= minimum.toNanos()) {
                    break;
                }
            }
        } finally {
            health.close();
        }
        LOG.info("Kafka takes writes again: syncer resumes after {} ms paused",
                Duration.ofNanos(System.nanoTime() - since).toMillis());
    }

    private static String pausedMessage(String problem, Throwable cause) {
        return problem == null ? "Kafka write failed (paused): " + cause
                : "Kafka cannot take writes (paused): " + problem + "; last failure: " + cause;
    }

    private String describe(Throwable t) {
        if (t instanceof SourceUnusableException) {
            return t.getMessage();
        }
        return t instanceof MysqlException e ? current + ": " + e : current + ": " + t;
    }

    /** Waits for the backoff, or less when {@link #close} is called (no interrupt: it would break Kafka clients). */
    private void sleep(Duration d) {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            try {
                lock.wait(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One connection's life: reach the source (first, so that a dead source costs no Kafka work), fence older writers,
     * recover the position, check and prepare the source, stream until something fails. When failing over, the
     * sources are tried only once the position is known, since they are checked against it.
     */
    private void syncOnce() throws IOException {
        progress.attempt();
        SourceClient early = failingOver ? null : sources.open(current);
        try (TopicWriter writer = openWriter()) {
            TopicTail tail = recoverTail();
            progress.recovered(tail);
            writer.resume(tail.executed());
            LOG.info("syncer resumes from the topic: {} (last event {}:{}, source {})", tail.executed(), tail.file(),
                    tail.position(), tail.sourceUuid());
            SourceClient owned = early;
            early = null;
            SourceConnector.Connected source = owned == null ? sources.failover(tail, current)
                    : sources.prepare(current, owned, tail, false);
            try (SourceClient c = source.client()) {
                if (stopping) {
                    return;
                }
                // the source's identity before its endpoint: whoever reads the status and sees the new endpoint
                // (a volatile write after these) sees the new server_uuid with it, never the previous server's
                progress.connected(source.uuid(), c.serverVersion());
                switched(source, tail);
                LOG.info("syncer connected to {} (MySQL {}, server_uuid {})", c.endpoint(), c.serverVersion(),
                        source.uuid());
                c.dumpGtid(config.serverId(), tail.executed());
                streak.reset();
                state = SyncerState.RUNNING;
                new EventPump(c, writer, config, tail, source.uuid(), source.crc(), progress, () -> stopping).run();
            } finally {
                client.set(null);
            }
        } finally {
            if (early != null) {
                client.set(null);
                early.close();
            }
        }
    }

    /** Book-keeping when the syncer takes a source: a failover when it is another endpoint than before. */
    private void switched(SourceConnector.Connected source, TopicTail tail) {
        boolean failover = !source.endpoint().equals(current);
        if (failover) {
            LOG.info("syncer switches source from {} (server_uuid {}) to {} (server_uuid {}) after {} ms without a "
                    + "source; it continues from the topic's GTID set {}", current, tail.sourceUuid(),
                    source.endpoint(), source.uuid(), streak.failingFor(System.nanoTime()).toMillis(),
                    tail.executed());
        } else if (tail.sourceUuid() != null && !tail.sourceUuid().equalsIgnoreCase(source.uuid())) {
            LOG.info("the server at {} is now server_uuid {}; the topic followed {}", source.endpoint(),
                    source.uuid(), tail.sourceUuid());
        }
        progress.streamingFrom(source.endpoint(), failover);
        current = source.endpoint();
        failingOver = false;
    }

    private TopicWriter openWriter() {
        try {
            return TopicWriter.open(withTransactionalId(), config.topic(), PRODUCER_CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            if (Failures.isFatal(e)) {
                throw e;
            }
            throw new KafkaUnavailableException("cannot start the Kafka producer: " + e, e);
        }
    }

    private Map<String, Object> withTransactionalId() {
        Map<String, Object> p = new HashMap<>(config.producerConfig());
        p.putIfAbsent("transactional.id", "sluice-syncer-" + config.topic());
        return p;
    }

    private TopicTail recoverTail() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return new BinlogTopicReader(consumer, config.topic(), TAIL_TIMEOUT).tail();
        } catch (RuntimeException e) {
            if (Failures.isFatal(e)) {
                throw e;
            }
            throw new KafkaUnavailableException("cannot read the tail of " + config.topic() + ": " + e, e);
        }
    }

    /** For tests: the replica UUID announced to the source. */
    String replicaUuid() {
        return replicaUuid;
    }
}
