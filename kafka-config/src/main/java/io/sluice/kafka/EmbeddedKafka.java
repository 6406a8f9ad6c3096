package io.sluice.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker running inside this JVM: KRaft mode, one process that is both broker and controller (the
 * only voter of its metadata quorum), a PLAINTEXT listener for clients and a CONTROLLER listener, both on 127.0.0.1.
 * Sluice uses it when no Kafka bootstrap servers are configured.
 *
 * <p><b>Not highly available</b>: one copy of every record, on this machine's disk; if the disk is lost, the binlog
 * is lost. Topics on it use {@link TopicSpec#embedded(String)} (replication factor 1). This is logged at INFO on every
 * start.
 *
 * <p>The broker keeps its data in {@code dataDir/kafka-logs} (created if absent). Its storage is formatted (a new
 * cluster id, {@code meta.properties} written) only when {@code meta.properties} is missing, so a restart over the
 * same directory keeps all topics, records, committed offsets and transaction state. The controller listener takes a
 * free port at each start (the single voter is configured statically, so its address may change between starts); the
 * client listener takes the given port, or a free one.
 *
 * <p>Broker settings beyond the listeners: replication factor 1 and min ISR 1 for the internal topics
 * ({@code __consumer_offsets}, {@code __transaction_state}, share-group state), 5 partitions each instead of 50 (one
 * node, few groups, faster first use), {@code message.max.bytes} 16 MiB ({@link TopicSpec#DEFAULT_MAX_MESSAGE_BYTES}),
 * {@code group.initial.rebalance.delay.ms=0}, {@code auto.create.topics.enable=false} (Sluice creates its topics with
 * {@link TopicManager}), {@code unclean.leader.election.enable=false}, and a 4 MiB log-cleaner dedupe buffer (the
 * 128 MiB default would be taken from this JVM's heap).
 *
 * <p>Caveats of running a broker in-process: the broker's own logging goes through SLF4J like the application's and
 * is verbose at INFO (set {@code kafka}, {@code org.apache.kafka} and {@code state.change.logger} to WARN); a fatal
 * fault in the broker's metadata handling halts the JVM, as it would a stand-alone broker.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The node id of the single node. */
    public static final int NODE_ID = 1;

    /** The client listener's name (and security protocol). */
    public static final String CLIENT_LISTENER = "PLAINTEXT";

    /** The controller listener's name. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** How long {@link #close()} waits for a clean shutdown before giving up on it. */
    public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    /** How long a start waits for the broker to serve clients. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private static final String HOST = "127.0.0.1";
    private static final int PORT_ATTEMPTS = 5;

    private final KafkaRaftServer server;
    private final Path logDir;
    private final int port;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path logDir, int port) {
        this.server = server;
        this.logDir = logDir;
        this.port = port;
        this.bootstrapServers = HOST + ":" + port;
    }

    /**
     * Starts the broker on a free client port.
     *
     * @param dataDir the directory for the broker's data (its {@code kafka-logs} subdirectory is the broker's)
     * @return the started broker, ready for clients
     * @throws IllegalStateException if it cannot start
     */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, 0);
    }

    /**
     * Starts the broker on the given client port, or a free one if {@code port} is 0.
     *
     * @param dataDir the directory for the broker's data (its {@code kafka-logs} subdirectory is the broker's)
     * @param port    the PLAINTEXT port on 127.0.0.1, or 0 for a free one
     * @return the started broker, ready for clients
     * @throws IllegalStateException if it cannot start (for example the port is taken)
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (free port) or 1-65535, not " + port);
        }
        long started = System.nanoTime();
        Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded Kafka data directory " + logDir, e);
        }
        boolean formatted = formatIfNeeded(logDir);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= (port == 0 ? PORT_ATTEMPTS : 1); attempt++) {
            int clientPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            while (controllerPort == clientPort) {
                controllerPort = freePort();
            }
            KafkaRaftServer server = null;
            try {
                server = new KafkaRaftServer(new KafkaConfig(brokerProperties(logDir, clientPort, controllerPort),
                        false), Time.SYSTEM);
                server.startup();
                EmbeddedKafka kafka = new EmbeddedKafka(server, logDir, clientPort);
                kafka.awaitReady(started + STARTUP_TIMEOUT.toNanos());
                LOG.info("Embedded Kafka started in {} ms: a SINGLE-NODE KRaft broker (broker and controller in this "
                                + "process) at {}, data in {}{}. It is NOT highly available: every record has one "
                                + "copy, on this machine's disk. For production, configure the bootstrap servers of a "
                                + "Kafka cluster of 3 or more brokers.",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), kafka.bootstrapServers, logDir,
                        formatted ? " (storage newly formatted)" : " (existing storage reused)");
                return kafka;
            } catch (RuntimeException e) {
                if (server != null) {
                    shutdownQuietly(server);
                }
                last = e;
                if (port != 0 || !causedBy(e, BindException.class)) {
                    break;
                }
                LOG.info("Embedded Kafka: port {} or {} was taken meanwhile, retrying with other ports", clientPort,
                        controllerPort);
            }
        }
        throw new IllegalStateException("embedded Kafka failed to start in " + logDir
                + (port != 0 ? " on port " + port : "") + ": " + last, last);
    }

    /** @return the client bootstrap servers, {@code 127.0.0.1:port} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the PLAINTEXT port clients connect to */
    public int port() {
        return port;
    }

    /** @return the broker's log directory ({@code dataDir/kafka-logs}) */
    public Path logDir() {
        return logDir;
    }

    /**
     * Shuts the broker down cleanly (logs flushed, so the next start needs no recovery), waiting at most
     * {@link #SHUTDOWN_TIMEOUT}; after that it logs a warning and returns, leaving the shutdown to finish in the
     * background. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long begun = System.nanoTime();
        Thread shutdown = new Thread(() -> shutdownQuietly(server), "embedded-kafka-shutdown");
        shutdown.setDaemon(true);
        shutdown.start();
        try {
            shutdown.join(SHUTDOWN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shutdown.isAlive()) {
            LOG.warn("Embedded Kafka at {} did not shut down within {} s; leaving it to finish in the background",
                    bootstrapServers, SHUTDOWN_TIMEOUT.toSeconds());
        } else {
            LOG.info("Embedded Kafka at {} shut down in {} ms", bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
        }
    }

    /** The broker configuration; package-private for tests. */
    static Map<String, Object> brokerProperties(Path logDir, int clientPort, int controllerPort) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());
        // one node: every internal topic has a single replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", Integer.toString(TopicSpec.DEFAULT_MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", Integer.toString(TopicSpec.DEFAULT_MAX_MESSAGE_BYTES));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.put("server.max.startup.time.ms", Long.toString(STARTUP_TIMEOUT.toMillis()));
        return p;
    }

    /** Formats the storage unless {@code meta.properties} exists; returns whether it formatted. */
    private static boolean formatIfNeeded(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return false;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded Kafka storage in " + logDir + ": " + e, e);
        }
        String report = out.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("Bootstrap metadata"))
                .collect(Collectors.joining("; ")).trim();
        LOG.info("Embedded Kafka: formatted new storage in {} ({})", logDir, report);
        return true;
    }

    /** Waits until the broker answers a client request. */
    private void awaitReady(long deadlineNanos) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
                    }
                    if (System.nanoTime() - deadlineNanos > 0) {
                        throw new IllegalStateException("embedded Kafka at " + bootstrapServers
                                + " did not answer clients within " + STARTUP_TIMEOUT.toSeconds() + " s", e);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka shutdown failed: {}", e.toString(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
