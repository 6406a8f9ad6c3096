package io.sluice.ingest;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Tells whether the binlog topic can take writes, for a paused syncer: its partition must have a leader and at least
 * {@code min.insync.replicas} in-sync replicas (otherwise an {@code acks=all} write is refused with
 * NOT_ENOUGH_REPLICAS, or waits). Asks the cluster metadata with an admin client built from the producer's settings
 * (bootstrap servers, security), created on first use; every call is bounded by {@link #CALL_TIMEOUT}.
 * Not thread-safe: the syncer thread owns it.
 */
final class KafkaHealth implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, Object> adminConfig;
    private final String topic;
    private Admin admin;
    private Integer minInsyncReplicas;

    KafkaHealth(Map<String, Object> producerConfig, String topic) {
        Map<String, Object> config = new HashMap<>();
        producerConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key) && !key.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                config.put(key, value);
            }
        });
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-syncer-health");
        this.adminConfig = config;
        this.topic = topic;
    }

    /** Why the topic cannot take writes now, or {@code null} when it can. */
    String problem() {
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig);
            }
            TopicDescription description = admin.describeTopics(List.of(topic),
                            new DescribeTopicsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()))
                    .allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            TopicPartitionInfo partition = description.partitions().get(0);
            String name = topic + "-" + partition.partition();
            if (partition.leader() == null || partition.leader().isEmpty()) {
                return "partition " + name + " has no leader (replicas on brokers " + ids(partition.replicas())
                        + ")";
            }
            int minIsr = minInsyncReplicas();
            if (partition.isr().size() < minIsr) {
                return "not enough in-sync replicas: partition " + name + " has " + partition.isr().size()
                        + " in-sync replica(s) (brokers " + ids(partition.isr()) + ") of " + partition.replicas().size()
                        + ", min.insync.replicas=" + minIsr;
            }
            return null;
        } catch (ExecutionException e) {
            return "cannot describe topic " + topic + ": " + e.getCause();
        } catch (TimeoutException e) {
            return "Kafka does not answer within " + CALL_TIMEOUT.toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking Kafka";
        } catch (RuntimeException e) {
            return "cannot ask Kafka: " + e;
        }
    }

    private int minInsyncReplicas() throws ExecutionException, InterruptedException, TimeoutException {
        if (minInsyncReplicas == null) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource),
                            new DescribeConfigsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()))
                    .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            minInsyncReplicas = entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
        }
        return minInsyncReplicas;
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(Node::idString).collect(Collectors.joining(",", "[", "]"));
    }

    /** Closes the admin client, if any, within {@link #CALL_TIMEOUT}; it is created again when needed. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close(CALL_TIMEOUT);
            admin = null;
        }
    }
}
