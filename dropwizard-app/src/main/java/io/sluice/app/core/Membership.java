package io.sluice.app.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.sluice.app.api.MemberView;
import io.sluice.app.api.SyncerView;
import io.sluice.kafka.binlog.TopicFollower;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The membership view: every node publishes its state to the compacted topic {@code <topic>.members} once per
 * heartbeat and reads everybody else's. States are Group Replication's: RECOVERING until the node has caught up
 * with the binlog topic, then ONLINE; ERROR when its syncer or its reading of the topic fails; OFFLINE after a
 * clean shutdown; UNREACHABLE when nothing was heard from it for three heartbeats.
 */
public final class Membership implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private final KafkaRuntime kafka;
    private final ObjectMapper mapper;
    private final String nodeId;
    private final String memberId;
    private final int heartbeatMs;
    private final String topic;
    private final Supplier<MemberView> self;
    private final Map<String, Heard> members = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread publisher;
    private Thread reader;

    private record Heard(MemberView view, long atNanos) {
    }

    /** @param self builds this node's current record (state, role, syncer status…) */
    public Membership(KafkaRuntime kafka, ObjectMapper mapper, String nodeId, int heartbeatMs,
                      Supplier<MemberView> self) {
        this.kafka = kafka;
        this.mapper = mapper;
        this.nodeId = nodeId;
        this.memberId = Identity.memberUuid(nodeId);
        this.heartbeatMs = heartbeatMs;
        this.topic = kafka.topic() + ".members";
        this.self = self;
    }

    public String nodeId() {
        return nodeId;
    }

    public String memberId() {
        return memberId;
    }

    @Override
    public void start() {
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, kafka.topicSpec().replicationFactor())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Object> p = new HashMap<>(kafka.adminConfig());
        p.put("acks", "all");
        p.put("linger.ms", 0);
        p.put("max.block.ms", 5000);
        p.put("delivery.timeout.ms", Math.max(10_000, heartbeatMs * 10));
        p.put("request.timeout.ms", 5000);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(kafka.consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        publisher = new Thread(this::publishLoop, "sluice-membership-publish");
        publisher.setDaemon(true);
        publisher.start();
        reader = new Thread(this::readLoop, "sluice-membership-read");
        reader.setDaemon(true);
        reader.start();
    }

    private void publishLoop() {
        while (!stopped) {
            publish(self.get());
            try {
                Thread.sleep(heartbeatMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void publish(MemberView view) {
        try {
            producer.send(new ProducerRecord<>(topic, nodeId.getBytes(StandardCharsets.UTF_8),
                    mapper.writeValueAsBytes(view)));
            members.put(nodeId, new Heard(view, System.nanoTime()));
        } catch (Exception e) {
            LOG.debug("cannot publish this node's state: {}", e.toString());
        }
    }

    private void readLoop() {
        TopicPartition tp = new TopicPartition(topic, 0);
        try {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (id.equals(nodeId)) {
                        continue;
                    }
                    try {
                        members.put(id, new Heard(mapper.readValue(r.value(), MemberView.class), System.nanoTime()));
                    } catch (java.io.IOException e) {
                        LOG.warn("unreadable member record for {} in {}", id, topic);
                    }
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Every node heard of, with its state as this node judges it now; this node first. */
    public List<MemberView> members() {
        long now = System.nanoTime();
        List<MemberView> out = new ArrayList<>();
        out.add(self.get());
        for (Map.Entry<String, Heard> e : members.entrySet()) {
            if (e.getKey().equals(nodeId)) {
                continue;
            }
            MemberView v = e.getValue().view();
            long age = TimeUnit.NANOSECONDS.toMillis(now - e.getValue().atNanos());
            String state = v.state();
            if (!"OFFLINE".equals(state) && age > 3L * heartbeatMs) {
                state = "UNREACHABLE";
            }
            out.add(v.withState(state, age));
        }
        out.subList(1, out.size()).sort(Comparator.comparing(MemberView::nodeId));
        return out;
    }

    /** The node running the syncer, as far as this node can tell. */
    public MemberView leader() {
        return members().stream().filter(m -> "PRIMARY".equals(m.role()) && !"OFFLINE".equals(m.state())
                && !"UNREACHABLE".equals(m.state())).findFirst().orElse(null);
    }

    /** The status of a syncer running on another node. */
    public java.util.Optional<SyncerView> leaderSyncer() {
        MemberView l = leader();
        return l == null || l.nodeId().equals(nodeId) ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(l.syncer());
    }

    @Override
    public void stop() {
        stopped = true;
        if (publisher != null) {
            publisher.interrupt();
            try {
                publisher.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MemberView last = self.get();
        try {
            producer.send(new ProducerRecord<>(topic, nodeId.getBytes(StandardCharsets.UTF_8),
                    mapper.writeValueAsBytes(last.withState("OFFLINE", 0)))).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("could not publish OFFLINE: {}", e.toString());
        }
        producer.close(Duration.ofSeconds(5));
        consumer.wakeup();
    }

    /** For a follower-based state. */
    static String state(TopicFollower follower, boolean syncerError) {
        if (syncerError || follower.error() != null) {
            return "ERROR";
        }
        return follower.caughtUp() ? "ONLINE" : "RECOVERING";
    }
}
