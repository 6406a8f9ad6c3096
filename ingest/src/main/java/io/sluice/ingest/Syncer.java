package io.sluice.ingest;

import io.sluice.ingest.client.SourceClient;
import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.protocol.MysqlException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The syncer: replicates from the source into the binlog topic, on one thread of its own. Its position is the
 * topic's GTID set, recovered from the topic at every (re)connection, never from a local file; so after a crash or
 * a restart it resumes with no gap and no duplicate. Retriable failures reconnect with exponential backoff;
 * fatal ones stop it in {@link SyncerState#ERROR}.
 */
public final class Syncer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Syncer.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final SyncerConfig config;
    private final String replicaUuid;
    private final Object lock = new Object();
    private final AtomicReference<SourceClient> client = new AtomicReference<>();
    private final SyncProgress progress = new SyncProgress();
    private volatile SyncerState state = SyncerState.STOPPED;
    private volatile boolean stopping;
    private Thread thread;

    /**
     * @param replicaUuid the server_uuid Sluice announces to the source as its replica ({@code @replica_uuid})
     */
    public Syncer(SyncerConfig config, String replicaUuid) {
        this.config = config;
        this.replicaUuid = replicaUuid == null ? UUID.randomUUID().toString() : replicaUuid;
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
        }
    }

    /** Stops the syncer and waits for its thread; what was committed to Kafka stays. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            stopping = true;
            t = thread;
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
        return progress.status(state, config);
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (!stopping) {
            long before = progress.transactions();
            try {
                state = SyncerState.CONNECTING;
                syncOnce();
                if (!stopping) {
                    throw new IOException("the source ended the binlog stream");
                }
            } catch (Throwable t) {
                if (stopping) {
                    break;
                }
                progress.failed(t);
                if (Failures.isFatal(t)) {
                    LOG.error("syncer stopped: {}", describe(t));
                    state = SyncerState.ERROR;
                    return;
                }
                state = SyncerState.RETRYING;
                if (progress.transactions() > before) {
                    backoff = MIN_BACKOFF;
                }
                LOG.warn("syncer will reconnect in {} ms: {}", backoff.toMillis(), describe(t));
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        state = SyncerState.STOPPED;
    }

    private String describe(Throwable t) {
        String where = config.host() + ":" + config.port();
        return t instanceof MysqlException e ? where + ": " + e : where + ": " + t;
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

    /** One connection's life: recover the position, connect, stream until something fails. */
    private void syncOnce() throws IOException {
        TopicTail tail = recoverTail();
        progress.recovered(tail);
        LOG.info("syncer resumes from the topic: {} (last event {}:{})", tail.executed(), tail.file(),
                tail.position());
        try (TopicWriter writer = new TopicWriter(withTransactionalId(), config.topic(), tail.executed())) {
            SourceClient c = SourceClient.connect(config.host(), config.port(), config.user(), config.password(),
                    Duration.ofSeconds(10), config.heartbeatPeriod().multipliedBy(3));
            client.set(c);
            try (c) {
                if (stopping) {
                    return;
                }
                Prepared source = prepare(c);
                String sourceUuid = source.uuid();
                LOG.info("syncer connected to {} (MySQL {}, server_uuid {})", c.endpoint(), c.serverVersion(),
                        sourceUuid);
                c.dumpGtid(config.serverId(), tail.executed());
                state = SyncerState.RUNNING;
                new EventPump(c, writer, config, tail, sourceUuid, source.crc(), progress, () -> stopping).run();
            } finally {
                client.set(null);
            }
        }
    }

    private java.util.Map<String, Object> withTransactionalId() {
        java.util.Map<String, Object> p = new java.util.HashMap<>(config.producerConfig());
        p.putIfAbsent("transactional.id", "sluice-syncer-" + config.topic());
        return p;
    }

    private TopicTail recoverTail() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return new BinlogTopicReader(consumer, config.topic(), Duration.ofSeconds(60)).tail();
        }
    }

    /** What the source said before the dump: its server_uuid and whether its events carry a CRC32. */
    private record Prepared(String uuid, boolean crc) {
    }

    /** The queries a MySQL 8.0 replica sends before its dump (rpl_replica.cc), with the checks it makes. */
    private Prepared prepare(SourceClient c) throws IOException {
        String gtidMode = c.queryValue("SELECT @@GLOBAL.GTID_MODE");
        if (!"ON".equalsIgnoreCase(gtidMode)) {
            throw new SourceRefusedException("source " + c.endpoint() + " has gtid_mode=" + gtidMode
                    + "; Sluice needs gtid_mode=ON on the source");
        }
        String serverId = c.queryValue("SELECT @@GLOBAL.SERVER_ID");
        if (Long.toString(config.serverId()).equals(serverId)) {
            throw new SourceRefusedException("source " + c.endpoint() + " has server_id " + serverId
                    + ", the same as Sluice's serverId; give Sluice a server id unique in the topology");
        }
        String uuid = c.queryValue("SELECT @@GLOBAL.SERVER_UUID");
        long periodNanos = config.heartbeatPeriod().toNanos();
        c.execute("SET @master_heartbeat_period = " + periodNanos + ", @source_heartbeat_period = " + periodNanos);
        c.execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
                + "@source_binlog_checksum = @@global.binlog_checksum");
        String checksum = c.queryValue("SELECT @source_binlog_checksum");
        if (!"CRC32".equalsIgnoreCase(checksum) && !"NONE".equalsIgnoreCase(checksum)) {
            throw new SourceRefusedException("source " + c.endpoint() + " has binlog_checksum=" + checksum
                    + "; Sluice understands CRC32 and NONE");
        }
        c.execute("SET @slave_uuid = '" + replicaUuid + "', @replica_uuid = '" + replicaUuid + "'");
        c.registerReplica(config.serverId(), "sluice", 0);
        return new Prepared(uuid, "CRC32".equalsIgnoreCase(checksum));
    }

    /** For tests: the replica UUID announced to the source. */
    String replicaUuid() {
        return replicaUuid;
    }


}
