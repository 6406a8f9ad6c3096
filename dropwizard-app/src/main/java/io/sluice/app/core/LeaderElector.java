package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Syncer leadership from Kafka: every node joins one consumer group on a one-partition coordination topic
 * ({@code <topic>.leader}); the node the group coordinator assigns that partition to is the leader. A node that
 * dies or is cut off loses the assignment after the session timeout and another node gets it; a node that
 * shuts down leaves the group at once. The syncer's fixed transactional id fences a former leader that still
 * writes. The cooperative-sticky assignor keeps the partition where it is when other nodes join or leave.
 */
public final class LeaderElector implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

    /** Told when this node gains or loses leadership; called on the elector's thread. */
    public interface Listener {
        void leadershipGained();

        void leadershipLost();
    }

    private final KafkaRuntime kafka;
    private final String nodeId;
    private final int sessionTimeoutMs;
    private final Listener listener;
    private final String topic;
    private volatile boolean leader;
    private volatile boolean stopped;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public LeaderElector(KafkaRuntime kafka, String nodeId, int sessionTimeoutMs, Listener listener) {
        this.kafka = kafka;
        this.nodeId = nodeId;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.listener = listener;
        this.topic = kafka.topic() + ".leader";
    }

    public boolean isLeader() {
        return leader;
    }

    @Override
    public void start() {
        createTopic();
        stopped = false;
        thread = new Thread(this::run, "sluice-leader-elector");
        thread.setDaemon(true);
        thread.start();
    }

    private void createTopic() {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, kafka.topicSpec().replicationFactor()))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the coordination topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> c = new HashMap<>(kafka.consumerConfig());
        c.put("group.id", "sluice." + kafka.topic() + ".leader");
        c.put("group.protocol", "classic");
        c.put("client.id", "sluice-elector-" + nodeId);
        c.put("session.timeout.ms", sessionTimeoutMs);
        c.put("heartbeat.interval.ms", Math.max(100, sessionTimeoutMs / 6));
        c.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
        c.put("enable.auto.commit", "false");
        return c;
    }

    private void run() {
        while (!stopped) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (!partitions.isEmpty() && !leader) {
                            leader = true;
                            LOG.info("node {} is now the syncer leader", nodeId);
                            listener.leadershipGained();
                        }
                    }

                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        if (!partitions.isEmpty()) {
                            lose("revoked");
                        }
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        lose("lost (session expired)");
                    }
                });
                while (!stopped) {
                    c.poll(Duration.ofMillis(200));
                }
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                lose("given up after an error: " + e);
                if (!stopped) {
                    LOG.warn("leader election failed, retrying: {}", e.toString());
                    sleep();
                }
            }
        }
        lose("released at shutdown");
    }

    private void lose(String why) {
        if (leader) {
            leader = false;
            LOG.info("node {} is no longer the syncer leader: leadership {}", nodeId, why);
            listener.leadershipLost();
        }
    }

    private void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        stopped = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
