package io.sluice.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka cluster for tests: brokers that clients reach on the loopback interface.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>Docker</b> (when {@code DockerClientFactory.instance().isDockerAvailable()} and a single broker is asked
 *       for): one {@code apache/kafka} container through Testcontainers, the image version being the kafka-clients
 *       version on the classpath (override with the system property {@code sluice.testkit.kafka.image}). Brokers
 *       cannot be stopped and started in this mode.</li>
 *   <li><b>In-JVM</b> (otherwise, and always for several brokers): Kafka's own {@link KafkaClusterTestKit} in this
 *       JVM, KRaft with one <em>dedicated</em> controller (combined broker+controller nodes in the test kit were seen
 *       to lose their controller and hang on shutdown) and the requested brokers, production metadata version,
 *       unstable features off. Starts in a few seconds, needs no Docker.</li>
 * </ul>
 * The system property {@code sluice.testkit.kafka} = {@code jvm} or {@code docker} forces a mode.
 *
 * <p>Broker settings: internal topics ({@code __consumer_offsets}, {@code __transaction_state}) get replication
 * factor {@code min(3, brokers)} and min ISR {@code min(2, brokers)}, so transactions survive one broker down out of
 * three; 5 partitions each; {@code group.initial.rebalance.delay.ms=0}; {@code message.max.bytes} 16 MiB; in-JVM,
 * {@code broker.session.timeout.ms=4000} with 500 ms heartbeats, because the controller refuses a restarted broker's
 * registration ({@code DUPLICATE_BROKER_REGISTRATION}) until its previous session has expired: with Kafka's 9 s
 * default, {@link #startBroker(int)} took about 10 s.
 * Run the brokers' loggers at WARN (the testkit's {@code logback-test.xml} does): with too few in-sync replicas the
 * brokers log an ERROR per rejected append.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);

    /** The system property that forces a mode: {@code jvm} or {@code docker}. */
    public static final String MODE_PROPERTY = "sluice.testkit.kafka";

    /** The system property that chooses the Docker image, e.g. {@code apache/kafka:4.3.1}. */
    public static final String IMAGE_PROPERTY = "sluice.testkit.kafka.image";

    /** The brokers' {@code message.max.bytes}: 16 MiB, as in Sluice's topic defaults. */
    public static final int MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

    /** How long {@link #close()}, {@link #stopBroker(int)} and {@link #startBroker(int)} wait at most. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** Where the brokers run. */
    public enum Mode {
        /** Brokers in this JVM ({@link KafkaClusterTestKit}). */
        IN_JVM,
        /** One broker in a Docker container (Testcontainers). */
        DOCKER
    }

    private final Mode mode;
    private final KafkaClusterTestKit testKit;
    private final KafkaContainer container;
    private final List<Integer> brokerIds;
    private final String bootstrapServers;
    private final ExecutorService executor;
    private boolean closed;

    private KafkaCluster(Mode mode, KafkaClusterTestKit testKit, KafkaContainer container, List<Integer> brokerIds,
                         String bootstrapServers) {
        this.mode = mode;
        this.testKit = testKit;
        this.container = container;
        this.brokerIds = List.copyOf(brokerIds);
        this.bootstrapServers = bootstrapServers;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kafka-cluster-fixture");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a cluster and waits until every broker serves clients.
     *
     * @param brokers how many brokers, at least 1
     * @return the running cluster; close it
     */
    public static KafkaCluster start(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster needs at least 1 broker, not " + brokers);
        }
        long begun = System.nanoTime();
        Mode mode = chooseMode(brokers);
        KafkaCluster cluster = mode == Mode.DOCKER ? startDocker() : startInJvm(brokers);
        LOG.info("Kafka cluster of {} broker(s) ({}) started in {} ms at {}", brokers, mode,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun), cluster.bootstrapServers);
        return cluster;
    }

    private static Mode chooseMode(int brokers) {
        String forced = System.getProperty(MODE_PROPERTY, "").trim();
        if (forced.equalsIgnoreCase("jvm")) {
            return Mode.IN_JVM;
        }
        if (forced.equalsIgnoreCase("docker")) {
            if (brokers != 1) {
                throw new IllegalArgumentException("Docker mode supports 1 broker only; " + brokers
                        + " brokers run in-JVM (drop -D" + MODE_PROPERTY + "=docker)");
            }
            return Mode.DOCKER;
        }
        if (!forced.isEmpty()) {
            throw new IllegalArgumentException(MODE_PROPERTY + " must be jvm or docker, not " + forced);
        }
        if (brokers > 1) {
            return Mode.IN_JVM;
        }
        if (dockerAvailable()) {
            return Mode.DOCKER;
        }
        LOG.info("No Docker environment found: running Kafka in this JVM");
        return Mode.IN_JVM;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Docker is not usable: {}", e.toString());
            return false;
        }
    }

    private static KafkaCluster startDocker() {
        String image = System.getProperty(IMAGE_PROPERTY, "apache/kafka:" + AppInfoParser.getVersion());
        KafkaContainer container = new KafkaContainer(image)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_MESSAGE_MAX_BYTES", Integer.toString(MESSAGE_MAX_BYTES))
                .withEnv("KAFKA_REPLICA_FETCH_MAX_BYTES", Integer.toString(MESSAGE_MAX_BYTES))
                .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", Integer.toString(4 * 1024 * 1024));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
        return new KafkaCluster(Mode.DOCKER, null, container, List.of(1), container.getBootstrapServers());
    }

    private static KafkaCluster startInJvm(int brokers) {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(false)
                .setNumControllerNodes(1)
                .setNumBrokerNodes(brokers)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        String internalRf = Integer.toString(Math.min(3, brokers));
        String internalMinIsr = Integer.toString(Math.min(2, brokers));
        KafkaClusterTestKit kit = null;
        try {
            kit = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("unstable.api.versions.enable", "false")
                    .setConfigProp("unstable.feature.versions.enable", "false")
                    .setConfigProp("offsets.topic.replication.factor", internalRf)
                    .setConfigProp("offsets.topic.num.partitions", "5")
                    .setConfigProp("transaction.state.log.replication.factor", internalRf)
                    .setConfigProp("transaction.state.log.min.isr", internalMinIsr)
                    .setConfigProp("transaction.state.log.num.partitions", "5")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", internalRf)
                    .setConfigProp("share.coordinator.state.topic.min.isr", internalMinIsr)
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // a restarted broker cannot register again until its previous session has expired
                    .setConfigProp("broker.session.timeout.ms", "4000")
                    .setConfigProp("broker.heartbeat.interval.ms", "500")
                    .setConfigProp("message.max.bytes", Integer.toString(MESSAGE_MAX_BYTES))
                    .setConfigProp("replica.fetch.max.bytes", Integer.toString(MESSAGE_MAX_BYTES))
                    .setConfigProp("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024))
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            List<Integer> ids = new ArrayList<>(kit.brokers().keySet());
            ids.sort(null);
            ListenerName listener = ListenerName.normalised(nodes.brokerListenerName().value());
            StringBuilder servers = new StringBuilder();
            for (int id : ids) {
                if (servers.length() > 0) {
                    servers.append(',');
                }
                servers.append("127.0.0.1:").append(kit.brokers().get(id).boundPort(listener));
            }
            KafkaCluster cluster = new KafkaCluster(Mode.IN_JVM, kit, null, ids, servers.toString());
            cluster.awaitBrokers(Set.copyOf(ids), System.nanoTime() + TIMEOUT.toNanos());
            return cluster;
        } catch (Exception e) {
            if (kit != null) {
                closeQuietly(kit);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the in-JVM Kafka cluster of " + brokers + " brokers failed to start: "
                    + e, e);
        }
    }

    /** @return the bootstrap servers, {@code host:port,...}, of all brokers (stopped ones included) */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return how many brokers the cluster has, running or stopped */
    public int brokerCount() {
        return brokerIds.size();
    }

    /** @return where the brokers run */
    public Mode mode() {
        return mode;
    }

    /**
     * The broker id of a broker, as clients see it (for example in a partition's replica list).
     *
     * @param index the broker's index, {@code 0 <= index < brokerCount()}
     * @return its node id
     */
    public int brokerId(int index) {
        return brokerIds.get(checkIndex(index));
    }

    /**
     * Stops one broker with a controlled shutdown (its leaderships move to other brokers first). Its port stays
     * reserved, so {@link #startBroker(int)} brings it back at the same address.
     *
     * @param index the broker's index, {@code 0 <= index < brokerCount()}
     * @throws UnsupportedOperationException in Docker mode
     */
    public void stopBroker(int index) {
        BrokerServer broker = broker(index, "stop");
        bounded("stop broker " + brokerIds.get(index), () -> {
            broker.shutdown(TIMEOUT);
            return null;
        });
        LOG.info("Stopped broker {} (index {})", brokerIds.get(index), index);
    }

    /**
     * Starts a broker stopped by {@link #stopBroker(int)} again, with its data, at its former address, and waits until
     * the controller and clients see it.
     *
     * @param index the broker's index, {@code 0 <= index < brokerCount()}
     * @throws UnsupportedOperationException in Docker mode
     */
    public void startBroker(int index) {
        BrokerServer broker = broker(index, "start");
        int id = brokerIds.get(index);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        bounded("start broker " + id, () -> {
            broker.startup();
            return null;
        });
        awaitBrokers(Set.of(id), deadline);
        LOG.info("Started broker {} (index {})", id, index);
    }

    /**
     * A new admin client of this cluster; the caller closes it.
     *
     * @return the admin client
     */
    public Admin admin() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(config);
    }

    /** Stops every broker and the controller and deletes their data, waiting at most {@link #TIMEOUT}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long begun = System.nanoTime();
        try {
            if (testKit != null) {
                bounded("close the in-JVM Kafka cluster", () -> {
                    testKit.close();
                    return null;
                });
            }
            if (container != null) {
                bounded("stop the Kafka container", () -> {
                    container.close();
                    return null;
                });
            }
            LOG.info("Kafka cluster closed in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
        } catch (RuntimeException e) {
            LOG.warn("Kafka cluster did not close cleanly: {}", e.toString(), e);
        } finally {
            executor.shutdownNow();
        }
    }

    private BrokerServer broker(int index, String action) {
        checkIndex(index);
        if (mode == Mode.DOCKER) {
            throw new UnsupportedOperationException("cannot " + action + " a broker in Docker mode (a single "
                    + "Testcontainers broker); run with -D" + MODE_PROPERTY + "=jvm to stop and start brokers");
        }
        return testKit.brokers().get(brokerIds.get(index));
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= brokerIds.size()) {
            throw new IndexOutOfBoundsException("broker index " + index + " outside 0.." + (brokerIds.size() - 1));
        }
        return index;
    }

    /** Waits until the cluster metadata clients get lists every given broker. */
    private void awaitBrokers(Set<Integer> ids, long deadlineNanos) {
        try (Admin admin = admin()) {
            while (true) {
                try {
                    Set<Integer> seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                            .map(Node::id).collect(Collectors.toSet());
                    if (seen.containsAll(ids)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("cluster not ready yet: {}", e.toString());
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new IllegalStateException("brokers " + ids + " did not become visible to clients within "
                            + TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for brokers " + ids, e);
        }
    }

    private void bounded(String what, Callable<Void> action) {
        Future<Void> future = executor.submit(action);
        try {
            future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("could not " + what + " within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IllegalStateException("interrupted trying to " + what, e);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit kit) {
        Thread t = new Thread(() -> {
            try {
                kit.close();
            } catch (Exception e) {
                LOG.warn("closing a failed Kafka cluster: {}", e.toString());
            }
        }, "kafka-cluster-cleanup");
        t.setDaemon(true);
        t.start();
        try {
            t.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
