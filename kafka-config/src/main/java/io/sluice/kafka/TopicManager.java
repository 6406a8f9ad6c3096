package io.sluice.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.sluice.kafka.TopicVerification.Check;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Sluice's topics, or verifies existing ones, and refuses to run on a topic that could lose or reorder binlog
 * data.
 *
 * <p>{@link #createOrVerify(Admin, TopicSpec)} creates an absent topic with 1 partition, the spec's replication
 * factor, and the topic configs {@code min.insync.replicas}, {@code unclean.leader.election.enable=false},
 * {@code cleanup.policy=delete}, {@code max.message.bytes} (and {@code retention.ms} / {@code retention.bytes} when the
 * spec has them). It then checks the topic, whether it just created it or it already existed (configs are read with
 * their effective values, so a broker-wide default counts like a topic override). The rules:
 * <ol>
 *   <li><b>exactly 1 partition</b>: the topic's order is the binlog's order, and Kafka orders records only within a
 *       partition. Partitions cannot be removed, so the fix is a new topic.</li>
 *   <li><b>{@code unclean.leader.election.enable=false}</b>: otherwise a replica that missed acknowledged writes can
 *       become leader, and committed transactions vanish from the binlog.</li>
 *   <li><b>{@code cleanup.policy} without {@code compact}</b>: compaction keeps one record per key and would delete
 *       transactions from the middle of the binlog. ({@code delete}, i.e. retention by time or size, is how the binlog
 *       expires, like MySQL's {@code binlog_expire_logs_seconds}.)</li>
 *   <li><b>replication</b>, outside embedded mode ({@link TopicSpec#allowSingleReplica()} false):
 *       replication factor at least 3, and {@code 2 <= min.insync.replicas < replication factor}. With
 *       {@code min.insync.replicas=1} an acknowledged write may exist on one broker only; with
 *       {@code min.insync.replicas = replication factor} one broker outage (a rolling restart) stops every write.
 *       Replication factor 1 loses the binlog with one disk; replication factor 2 cannot satisfy both bounds.
 *       In embedded mode replication factor 1 and {@code min.insync.replicas=1} are accepted (one node is all there
 *       is, and it is logged as not highly available); only {@code min.insync.replicas <= replication factor} is
 *       required, without which no write can succeed.</li>
 *   <li><b>{@code max.message.bytes} at least the spec's</b>: the producer sends records up to that size (its
 *       {@code max.request.size}); a smaller topic limit would reject them and stall ingest.</li>
 * </ol>
 * The replication factor of an existing topic may differ from the spec's as long as it passes these rules (a
 * difference is logged). Every rule that fails is reported in one {@link UnsafeTopicException}, each with the command
 * that fixes it.
 *
 * <p>{@link #verify(Admin, TopicSpec, Duration)} applies the same rules to an existing topic without creating it or
 * throwing: it reports each setting, safe or not, in a {@link TopicVerification}.
 */
public final class TopicManager {

    private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);

    /** How many more times {@link #verify} asks before it reports a topic missing, 200 ms apart. */
    private static final int MISSING_CONFIRMATIONS = 5;

    /** How long {@link #createOrVerify(Admin, TopicSpec)} waits for the cluster in all. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** What {@link #createOrVerify} did. */
    public enum Outcome {
        /** The topic did not exist; it was created from the spec and then verified. */
        CREATED,
        /** The topic existed and passed every check. */
        VERIFIED
    }

    /** The facts about an existing topic that the rules look at. */
    record Observed(int partitions, int replicationFactor, Map<String, String> configs) {
        String config(String key, String kafkaDefault) {
            String value = configs.get(key);
            return value == null ? kafkaDefault : value;
        }
    }

    private TopicManager() {
    }

    /**
     * Creates the topic if absent, then verifies it; waits at most {@link #DEFAULT_TIMEOUT}.
     *
     * @param admin an admin client of the cluster (not closed here)
     * @param spec  what Sluice needs of the topic
     * @return whether the topic was created or already existed
     * @throws UnsafeTopicException  if the topic breaks any of the rules (all of them are named)
     * @throws IllegalStateException if the cluster cannot be reached, refuses access, or cannot host the topic (for
     *                               example fewer brokers than the replication factor)
     */
    public static Outcome createOrVerify(Admin admin, TopicSpec spec) {
        return createOrVerify(admin, spec, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the topic if absent, then verifies it.
     *
     * @param admin   an admin client of the cluster (not closed here)
     * @param spec    what Sluice needs of the topic
     * @param timeout how long to wait for the cluster in all
     * @return whether the topic was created or already existed
     * @throws UnsafeTopicException  if the topic breaks any of the rules (all of them are named)
     * @throws IllegalStateException if the cluster cannot be reached, refuses access, or cannot host the topic (for
     *                               example fewer brokers than the replication factor)
     */
    public static Outcome createOrVerify(Admin admin, TopicSpec spec, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Outcome outcome = Outcome.VERIFIED;
        Optional<TopicDescription> description = describe(admin, spec.name(), deadline);
        if (description.isEmpty()) {
            if (create(admin, spec, deadline)) {
                outcome = Outcome.CREATED;
            }
            description = awaitDescription(admin, spec.name(), deadline);
        }
        Observed observed = observe(admin, description.orElseThrow(), deadline);
        List<String> problems = problems(spec, observed);
        if (!problems.isEmpty()) {
            throw new UnsafeTopicException(spec.name(), problems);
        }
        if (observed.replicationFactor() != spec.replicationFactor()) {
            LOG.warn("Topic {} has replication factor {} where Sluice would create it with {}; accepted, it is safe",
                    spec.name(), observed.replicationFactor(), spec.replicationFactor());
        }
        LOG.info("{} topic {}: 1 partition, replication factor {}, min.insync.replicas={}, "
                        + "unclean.leader.election.enable=false, cleanup.policy={}, max.message.bytes={}{}",
                outcome == Outcome.CREATED ? "Created" : "Verified", spec.name(), observed.replicationFactor(),
                observed.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"),
                observed.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                observed.config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "?"),
                spec.allowSingleReplica() && observed.replicationFactor() == 1
                        ? " (embedded mode: a single copy, NOT highly available)" : "");
        return outcome;
    }

    /**
     * Checks an existing topic against the rules without creating it or refusing it; waits at most
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @param admin an admin client of the cluster (not closed here)
     * @param spec  what Sluice needs of the topic
     * @return whether the topic exists and how each of its settings fares
     * @throws IllegalStateException if the cluster cannot be reached or refuses access
     */
    public static TopicVerification verify(Admin admin, TopicSpec spec) {
        return verify(admin, spec, DEFAULT_TIMEOUT);
    }

    /**
     * Checks an existing topic against the rules without creating it or refusing it: what an operator runs before a
     * node does, to see every setting and the fix for each unsafe one.
     *
     * @param admin   an admin client of the cluster (not closed here)
     * @param spec    what Sluice needs of the topic
     * @param timeout how long to wait for the cluster in all
     * @return whether the topic exists and how each of its settings fares
     * @throws IllegalStateException if the cluster cannot be reached or refuses access
     */
    public static TopicVerification verify(Admin admin, TopicSpec spec, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<TopicDescription> description = describe(admin, spec.name(), deadline);
        // a broker that has not heard of a topic created a moment ago says it does not exist: ask again before
        // saying so (each request may reach another broker)
        for (int i = 0; description.isEmpty() && i < MISSING_CONFIRMATIONS && System.nanoTime() - deadline < 0; i++) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing topic " + spec.name(), e);
            }
            description = describe(admin, spec.name(), deadline);
        }
        if (description.isEmpty()) {
            return new TopicVerification(spec.name(), false, List.of(), Map.of());
        }
        Observed observed = observe(admin, description.get(), deadline);
        Map<String, String> information = new LinkedHashMap<>();
        for (String key : List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.RETENTION_BYTES_CONFIG,
                TopicConfig.COMPRESSION_TYPE_CONFIG)) {
            String value = observed.configs().get(key);
            if (value != null) {
                information.put(key, value);
            }
        }
        return new TopicVerification(spec.name(), true, checks(spec, observed), information);
    }

    /**
     * Applies the rules of the class comment.
     *
     * @return one sentence per broken rule, each saying how to fix it; empty when the topic is fine
     */
    static List<String> problems(TopicSpec spec, Observed topic) {
        return checks(spec, topic).stream().filter(c -> !c.ok()).map(Check::problem).toList();
    }

    /**
     * Applies the rules of the class comment, setting by setting, in its order.
     *
     * @return every setting the rules look at, with its effective value and, when it breaks a rule, how to fix it
     */
    static List<Check> checks(TopicSpec spec, Observed topic) {
        String name = spec.name();
        int rf = topic.replicationFactor();
        String unclean = topic.config(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false").trim();
        String cleanup = topic.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        String minIsr = topic.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1").trim();
        String maxMessage = topic.config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, null);
        return List.of(
                new Check(TopicVerification.PARTITIONS, Integer.toString(topic.partitions()),
                        partitionsProblem(name, topic.partitions())),
                new Check(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, unclean, uncleanProblem(name, unclean)),
                new Check(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup, cleanupProblem(name, cleanup)),
                new Check(TopicVerification.REPLICATION_FACTOR, Integer.toString(rf), replicationProblem(spec, rf)),
                new Check(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr, minInsyncProblem(spec, rf, minIsr)),
                new Check(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessage == null ? "?" : maxMessage.trim(),
                        maxMessageProblem(spec, maxMessage)));
    }

    private static String partitionsProblem(String name, int partitions) {
        if (partitions == 1) {
            return null;
        }
        return "topic " + name + " has " + partitions + " partitions; Sluice needs exactly 1 "
                + "(the order of the topic is the order of the binlog, and Kafka orders records only within a "
                + "partition). Partitions cannot be removed: create a new topic with 1 partition (point Sluice at "
                + "a new topic name and it creates one), or delete this topic if nothing in it is needed";
    }

    private static String uncleanProblem(String name, String unclean) {
        if (unclean.equalsIgnoreCase("false")) {
            return null;
        }
        return TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG + "=" + unclean + ": a replica that missed "
                + "acknowledged writes could become leader and committed transactions would vanish from the "
                + "binlog; set it to false: " + alter(name, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
                "false");
    }

    private static String cleanupProblem(String name, String cleanup) {
        if (!cleanup.toLowerCase(Locale.ROOT).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            return null;
        }
        return TopicConfig.CLEANUP_POLICY_CONFIG + "=" + cleanup + ": compaction keeps only the last "
                + "record of each key and would delete transactions from the binlog; set it to delete: "
                + alter(name, TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }

    private static String replicationProblem(TopicSpec spec, int rf) {
        if (spec.allowSingleReplica()) {
            return null;
        }
        if (rf == 1) {
            return "replication factor 1 outside embedded mode: the binlog would live on a single broker "
                    + "and losing it would lose acknowledged transactions; raise the replication factor to 3 "
                    + "with kafka-reassign-partitions.sh --execute (a reassignment listing 3 replicas for "
                    + spec.name() + "-0), then set min.insync.replicas=2";
        }
        if (rf == 2) {
            return "replication factor 2: with min.insync.replicas=2 one broker outage stops all writes, "
                    + "with 1 an acknowledged write can be lost; raise the replication factor to 3 with "
                    + "kafka-reassign-partitions.sh --execute (a reassignment listing 3 replicas for "
                    + spec.name() + "-0) and set min.insync.replicas=2";
        }
        return null;
    }

    private static String minInsyncProblem(TopicSpec spec, int rf, String minIsrText) {
        String name = spec.name();
        int minIsr;
        try {
            minIsr = Integer.parseInt(minIsrText);
        } catch (NumberFormatException e) {
            minIsr = 1;
        }
        if (spec.allowSingleReplica()) {
            if (minIsr > rf) {
                return TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + "=" + minIsr + " with replication factor " + rf
                        + ": no write can ever be acknowledged; set " + rf + ": "
                        + alter(name, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(rf));
            }
            return null;
        }
        if (rf >= 2 && minIsr < 2) {
            return TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + "=" + minIsrText + " with replication factor "
                    + rf + ": an acknowledged write could exist on one broker only and be lost with it; set 2: "
                    + alter(name, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        }
        if (rf >= 3 && minIsr >= rf) {
            return TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + "=" + minIsr + " with replication factor " + rf
                    + ": one broker outage (even a rolling restart) would stop all writes; set "
                    + (rf - 1) + " (at least 2, below the replication factor): "
                    + alter(name, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(rf - 1));
        }
        return null;
    }

    private static String maxMessageProblem(TopicSpec spec, String maxMessageText) {
        if (maxMessageText == null) {
            return null;
        }
        String fix = alter(spec.name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.maxMessageBytes()));
        try {
            long maxMessage = Long.parseLong(maxMessageText.trim());
            if (maxMessage < spec.maxMessageBytes()) {
                return TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "=" + maxMessage + " is below the "
                        + spec.maxMessageBytes() + " bytes Sluice writes per record, so large transactions "
                        + "would be rejected and ingest would stall; raise it: " + fix;
            }
            return null;
        } catch (NumberFormatException e) {
            return TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "=" + maxMessageText + " is not a number; set it: " + fix;
        }
    }

    private static String alter(String topic, String key, String value) {
        return "kafka-configs.sh --bootstrap-server <broker:port> --alter --entity-type topics --entity-name "
                + topic + " --add-config " + key + "=" + value;
    }

    /** @return the description, or empty if the topic does not exist */
    private static Optional<TopicDescription> describe(Admin admin, String topic, long deadline) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(remainingMillis(deadline, topic), TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw failure("describe", topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        } catch (TimeoutException e) {
            throw timeout("describe", topic);
        }
    }

    /** A freshly created topic can take a moment to reach every broker's metadata. */
    private static Optional<TopicDescription> awaitDescription(Admin admin, String topic, long deadline) {
        while (true) {
            Optional<TopicDescription> description = describe(admin, topic, deadline);
            if (description.isPresent() && description.get().partitions().stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return description;
            }
            if (System.nanoTime() - deadline > 0) {
                throw timeout("see the leader of the new", topic);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    /** @return true if this call created the topic, false if someone else did first */
    private static boolean create(Admin admin, TopicSpec spec, long deadline) {
        NewTopic newTopic = new NewTopic(spec.name(), Optional.of(spec.partitions()),
                Optional.of(spec.replicationFactor())).configs(spec.topicConfigs());
        try {
            admin.createTopics(List.of(newTopic)).all().get(remainingMillis(deadline, spec.name()),
                    TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TopicExistsException) {
                LOG.info("Topic {} was created concurrently by someone else; verifying it", spec.name());
                return false;
            }
            if (cause instanceof InvalidReplicationFactorException) {
                throw new IllegalStateException("cannot create topic " + spec.name() + " with replication factor "
                        + spec.replicationFactor() + ": " + cause.getMessage() + " (a topic needs at least as many "
                        + "live brokers as its replication factor)", cause);
            }
            throw failure("create", spec.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + spec.name(), e);
        } catch (TimeoutException e) {
            throw timeout("create", spec.name());
        }
    }

    private static Observed observe(Admin admin, TopicDescription description, long deadline) {
        String topic = description.name();
        int replicationFactor = description.partitions().stream()
                .mapToInt(p -> p.replicas().size()).min().orElse(0);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config;
        try {
            config = admin.describeConfigs(List.of(resource)).all()
                    .get(remainingMillis(deadline, topic), TimeUnit.MILLISECONDS).get(resource);
        } catch (ExecutionException e) {
            throw failure("read the configs of", topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the configs of topic " + topic, e);
        } catch (TimeoutException e) {
            throw timeout("read the configs of", topic);
        }
        Map<String, String> configs = new HashMap<>();
        for (ConfigEntry entry : config.entries()) {
            if (entry.value() != null) {
                configs.put(entry.name(), entry.value());
            }
        }
        List<TopicPartitionInfo> partitions = description.partitions();
        return new Observed(partitions.size(), replicationFactor, configs);
    }

    private static long remainingMillis(long deadline, String topic) throws TimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
            throw new TimeoutException("deadline passed for topic " + topic);
        }
        return remaining;
    }

    private static IllegalStateException failure(String action, String topic, ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof AuthenticationException) {
            return new IllegalStateException("authentication to Kafka failed, so Sluice could not " + action
                    + " topic " + topic + ": " + cause.getMessage() + ". Check the client settings in kafka.properties: "
                    + "security.protocol, sasl.mechanism and the user and password in sasl.jaas.config (the user must "
                    + "exist on the cluster for that mechanism), or the ssl.* trust and key stores", cause);
        }
        if (cause instanceof TopicAuthorizationException) {
            return new IllegalStateException("not authorized to " + action + " topic " + topic + ": Sluice needs the "
                    + "ACL operations Describe, DescribeConfigs and Create on it", cause);
        }
        return new IllegalStateException("could not " + action + " topic " + topic + ": " + cause, cause);
    }

    private static IllegalStateException timeout(String action, String topic) {
        return new IllegalStateException("timed out trying to " + action + " topic " + topic
                + ": is the Kafka cluster reachable at the configured bootstrap servers, and does kafka.properties' "
                + "security.protocol match their listener (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)?");
    }
}
