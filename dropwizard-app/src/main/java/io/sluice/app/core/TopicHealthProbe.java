package io.sluice.app.core;

import io.sluice.app.api.ClusterView;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads the binlog topic's partition state from the brokers: for {@code /api/v1/cluster} and the health check. */
public final class TopicHealthProbe {
    private TopicHealthProbe() {
    }

    /** The topic's health now; a failure to read it is reported in {@code error}, never thrown. */
    public static ClusterView.TopicHealth read(KafkaRuntime kafka) {
        String topic = kafka.topic();
        try {
            Admin admin = kafka.admin();
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic);
            TopicPartitionInfo p = d.partitions().get(0);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            int minIsr = Integer.parseInt(config.get("min.insync.replicas").value());
            TopicPartition tp = new TopicPartition(topic, 0);
            long start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
                    .get(10, TimeUnit.SECONDS).offset();
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(10, TimeUnit.SECONDS).offset();
            List<Integer> isr = p.isr().stream().map(Node::id).toList();
            return new ClusterView.TopicHealth(topic, p.leader() == null ? -1 : p.leader().id(),
                    p.replicas().stream().map(Node::id).toList(), isr, minIsr,
                    p.leader() != null && isr.size() >= minIsr, start, end, null);
        } catch (Exception e) {
            return new ClusterView.TopicHealth(topic, -1, List.of(), List.of(), 0, false, -1, -1,
                    "cannot read the topic's health: " + e);
        }
    }
}
