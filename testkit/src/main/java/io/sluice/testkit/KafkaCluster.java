package io.sluice.testkit;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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

import javax.security.auth.login.Configuration;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.internals.Plugin;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.authorizer.Authorizer;
import org.apache.kafka.server.common.ApiMessageAndVersion;
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
 *
 * <p><b>SASL/SCRAM</b> ({@link #startScram}, in-JVM only): the brokers' listener, which clients and the brokers
 * themselves use, is {@code SASL_PLAINTEXT} and accepts {@code SCRAM-SHA-512} only. The controller listener stays
 * {@code PLAINTEXT} on loopback (the test kit cannot secure it with SCRAM, and clients never use it). The admin user's
 * credential is written into the cluster's bootstrap metadata, as {@code kafka-storage format --add-scram} does, so the
 * brokers can authenticate to each other from their first start; further users are added with
 * {@link #addScramUser(String, String)} ({@code Admin.alterUserScramCredentials}). With the authorizer on, every
 * broker runs the {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false} and the admin user as
 * the only super user; {@link #allow(Collection)} grants ACLs. The controller runs it too (brokers forward
 * {@code CreateAcls} to it), where {@code User:ANONYMOUS}, the brokers on its PLAINTEXT listener, is a super user as
 * well. The test kit's own SASL set-up (PLAIN, fixed users, a
 * JVM-wide JAAS file) is overridden: its JAAS file's system property is put back as it was once the brokers are
 * built, and the brokers read their credential from the listener's {@code sasl.jaas.config}.
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

    /** The SASL mechanism of {@link #startScram}'s listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /** The node id of the test kit's (single, dedicated) controller; the test kit refuses properties for others. */
    private static final int CONTROLLER_ID = 3000;

    /** SCRAM iterations of the credentials made here: Kafka's minimum for SHA-512, the cheapest to check. */
    private static final int SCRAM_ITERATIONS = 4096;

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
    private final Map<String, Object> adminSecurity;
    private final ExecutorService executor;
    private boolean closed;

    /** SCRAM settings of an in-JVM cluster: the super user's credential, and whether ACLs are enforced. */
    private record Scram(String adminUser, String adminPassword, boolean authorizer) {
    }

    private KafkaCluster(Mode mode, KafkaClusterTestKit testKit, KafkaContainer container, List<Integer> brokerIds,
                         String bootstrapServers, Map<String, Object> adminSecurity) {
        this.mode = mode;
        this.testKit = testKit;
        this.container = container;
        this.brokerIds = List.copyOf(brokerIds);
        this.bootstrapServers = bootstrapServers;
        this.adminSecurity = Map.copyOf(adminSecurity);
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
        KafkaCluster cluster = mode == Mode.DOCKER ? startDocker() : startInJvm(brokers, null);
        LOG.info("Kafka cluster of {} broker(s) ({}) started in {} ms at {}", brokers, mode,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun), cluster.bootstrapServers);
        return cluster;
    }

    /**
     * Starts an in-JVM cluster whose brokers accept SASL/SCRAM-SHA-512 clients only (see the class comment), and waits
     * until every broker serves the admin user.
     *
     * @param brokers       how many brokers, at least 1
     * @param adminUser     the super user: the brokers' own identity to each other, and {@link #admin()}'s
     * @param adminPassword its password
     * @param authorizer    whether the brokers enforce ACLs ({@code StandardAuthorizer}, nothing allowed without an
     *                      ACL, the admin user a super user)
     * @return the running cluster; close it
     * @throws IllegalArgumentException if Docker mode is forced: the container is not set up for SASL
     */
    public static KafkaCluster startScram(int brokers, String adminUser, String adminPassword, boolean authorizer) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster needs at least 1 broker, not " + brokers);
        }
        if (System.getProperty(MODE_PROPERTY, "").trim().equalsIgnoreCase("docker")) {
            throw new IllegalArgumentException("a SASL/SCRAM cluster runs in-JVM only (drop -D" + MODE_PROPERTY
                    + "=docker)");
        }
        long begun = System.nanoTime();
        KafkaCluster cluster = startInJvm(brokers, new Scram(adminUser, adminPassword, authorizer));
        LOG.info("Kafka cluster of {} broker(s) with SASL/{}{} started in {} ms at {}", brokers, SCRAM_MECHANISM,
                authorizer ? " and ACLs" : "", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun),
                cluster.bootstrapServers);
        return cluster;
    }

    /**
     * The client properties that authenticate as a SCRAM user to a {@link #startScram} cluster:
     * {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}.
     *
     * @return a new mutable map
     */
    public static Map<String, Object> scramClientProperties(String user, String password) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        properties.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
        properties.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaasConfig(user, password));
        return properties;
    }

    /** The {@code sasl.jaas.config} value of a SCRAM user (the password in it is a secret). */
    public static String scramJaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
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
        return new KafkaCluster(Mode.DOCKER, null, container, List.of(1), container.getBootstrapServers(), Map.of());
    }

    private static KafkaCluster startInJvm(int brokers, Scram scram) {
        // setBootstrapMetadataVersion keeps only the metadata.version record of the bootstrap metadata, so a SCRAM
        // cluster, whose bootstrap metadata also holds a credential, gets the same metadata.version directly
        TestKitNodes.Builder nodesBuilder = scram == null
                ? new TestKitNodes.Builder().setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                : new TestKitNodes.Builder(scramBootstrapMetadata(scram))
                        .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
        nodesBuilder
                .setCombined(false)
                .setNumControllerNodes(1)
                .setNumBrokerNodes(brokers);
        if (scram != null && scram.authorizer()) {
            // the controller needs an authorizer too: brokers forward CreateAcls to it. Its listener is PLAINTEXT, so
            // the brokers reach it as User:ANONYMOUS, which must be a super user there (and only there)
            Map<Integer, Map<String, String>> perServer = new HashMap<>();
            perServer.put(CONTROLLER_ID, Map.of("super.users", "User:" + scram.adminUser() + ";User:ANONYMOUS"));
            nodesBuilder.setPerServerProperties(perServer);
        }
        TestKitNodes nodes = nodesBuilder.build();
        String internalRf = Integer.toString(Math.min(3, brokers));
        String internalMinIsr = Integer.toString(Math.min(2, brokers));
        KafkaClusterTestKit kit = null;
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
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
                    .setConfigProp("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
            Map<String, Object> adminSecurity = Map.of();
            if (scram != null) {
                scramBrokerConfig(nodes.brokerListenerName(), scram).forEach(builder::setConfigProp);
                adminSecurity = scramClientProperties(scram.adminUser(), scram.adminPassword());
                kit = buildRestoringJaasProperty(builder);
            } else {
                kit = builder.build();
            }
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
            KafkaCluster cluster = new KafkaCluster(Mode.IN_JVM, kit, null, ids, servers.toString(), adminSecurity);
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

    /**
     * The bootstrap metadata of a SCRAM cluster: the production metadata version, as the PLAINTEXT clusters have, and
     * the admin user's SCRAM-SHA-512 credential (what {@code kafka-storage format --add-scram} adds), so that the
     * brokers authenticate to each other before any client could create a user.
     */
    private static BootstrapMetadata scramBootstrapMetadata(Scram scram) {
        List<ApiMessageAndVersion> records = new ArrayList<>(
                BootstrapMetadata.fromVersion(MetadataVersion.latestProduction(), "sluice-testkit").records());
        ScramCredential credential;
        try {
            credential = new ScramFormatter(org.apache.kafka.common.security.scram.internals.ScramMechanism
                    .SCRAM_SHA_512).generateCredential(scram.adminPassword(), SCRAM_ITERATIONS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-512: " + e.getMessage(), e);
        }
        records.add(new ApiMessageAndVersion(new UserScramCredentialRecord()
                .setName(scram.adminUser())
                .setMechanism(ScramMechanism.SCRAM_SHA_512.type())
                .setSalt(credential.salt())
                .setStoredKey(credential.storedKey())
                .setServerKey(credential.serverKey())
                .setIterations(credential.iterations()), (short) 0));
        return BootstrapMetadata.fromRecords(records, "sluice-testkit");
    }

    /** The properties of every node of a SCRAM cluster; they win over the test kit's own SASL defaults (PLAIN). */
    private static Map<String, String> scramBrokerConfig(ListenerName listener, Scram scram) {
        Map<String, String> config = new HashMap<>();
        config.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        config.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        // the brokers' own login, to each other, and the server side of the listener
        config.put(listener.saslMechanismConfigPrefix(SCRAM_MECHANISM) + SaslConfigs.SASL_JAAS_CONFIG,
                scramJaasConfig(scram.adminUser(), scram.adminPassword()));
        config.put("super.users", "User:" + scram.adminUser());
        if (scram.authorizer()) {
            config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            config.put("allow.everyone.if.no.acl.found", "false");
        } else {
            config.put("authorizer.class.name", "");
        }
        return config;
    }

    /**
     * Builds the test kit, then puts back {@code java.security.auth.login.config}, which the test kit points at a JAAS
     * file of its own (fixed PLAIN users) for SASL listeners: the brokers here use the listener's
     * {@code sasl.jaas.config} instead, and the rest of the JVM (Sluice's clients) must not see a JVM-wide login.
     */
    private static KafkaClusterTestKit buildRestoringJaasProperty(KafkaClusterTestKit.Builder builder)
            throws Exception {
        String property = "java.security.auth.login.config";
        String before = System.getProperty(property);
        try {
            return builder.build();
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
            Configuration.setConfiguration(null);
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
        Map<String, Object> config = new HashMap<>(adminSecurity);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(config);
    }

    /**
     * Creates (or replaces) a SCRAM-SHA-512 user of a {@link #startScram} cluster, and waits until every broker
     * accepts its login.
     *
     * @throws IllegalStateException if this cluster does not use SCRAM, or a broker does not accept the user in time
     */
    public void addScramUser(String user, String password) {
        requireScram("add a SCRAM user");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create SCRAM user " + user + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating SCRAM user " + user, e);
        }
        for (int id : brokerIds) {
            awaitLogin(id, user, password, deadline);
        }
        LOG.info("SCRAM user {} accepted by every broker", user);
    }

    /**
     * Grants ACLs on a cluster started with the authorizer, and waits until every broker's authorizer has them.
     *
     * @throws IllegalStateException if this cluster has no authorizer, or a broker does not have the ACLs in time
     */
    public void allow(Collection<AclBinding> acls) {
        requireScram("grant ACLs");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create ACLs " + acls + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating ACLs", e);
        }
        for (int id : brokerIds) {
            scala.Option<Plugin<Authorizer>> plugin = testKit.brokers().get(id).authorizerPlugin();
            if (plugin.isEmpty()) {
                throw new IllegalStateException("broker " + id + " has no authorizer: start the cluster with one");
            }
            Authorizer authorizer = plugin.get().get();
            awaitCondition("broker " + id + " to have ACLs " + acls, deadline, () -> {
                Set<AclBinding> present = new HashSet<>();
                authorizer.acls(AclBindingFilter.ANY).forEach(present::add);
                return present.containsAll(acls);
            });
        }
    }

    private void requireScram(String action) {
        if (adminSecurity.isEmpty()) {
            throw new IllegalStateException("cannot " + action + ": this cluster was not started with startScram");
        }
    }

    /** Waits until the broker accepts a login of the user (the credential reaches each broker on its own). */
    private void awaitLogin(int id, String user, String password, long deadlineNanos) {
        int port = testKit.brokers().get(id).boundPort(testKit.nodes().brokerListenerName());
        Map<String, Object> config = scramClientProperties(user, password);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        awaitCondition("broker " + id + " to accept SCRAM user " + user, deadlineNanos, () -> {
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthenticationException) {
                    return false;
                }
                throw new IllegalStateException("broker " + id + " failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                return false;
            }
        });
    }

    private interface Condition {
        boolean holds() throws InterruptedException;
    }

    private static void awaitCondition(String what, long deadlineNanos, Condition condition) {
        try {
            while (!condition.holds()) {
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new IllegalStateException("timed out waiting for " + what);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
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
