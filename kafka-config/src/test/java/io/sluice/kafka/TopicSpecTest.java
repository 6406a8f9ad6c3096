package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void defaultsAreOnePartitionRf3MinIsr2() {
        TopicSpec spec = TopicSpec.defaults("sluice.binlog");
        assertThat(spec.partitions()).isEqualTo(1);
        assertThat(spec.replicationFactor()).isEqualTo((short) 3);
        assertThat(spec.minInsyncReplicas()).isEqualTo(2);
        assertThat(spec.maxMessageBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(spec.allowSingleReplica()).isFalse();
        assertThat(spec.retentionMs()).isEmpty();
        assertThat(spec.retentionBytes()).isEmpty();
    }

    @Test
    void embeddedIsASingleReplica() {
        TopicSpec spec = TopicSpec.embedded("sluice.binlog");
        assertThat(spec.replicationFactor()).isEqualTo((short) 1);
        assertThat(spec.minInsyncReplicas()).isEqualTo(1);
        assertThat(spec.allowSingleReplica()).isTrue();
    }

    @Test
    void withersKeepTheRest() {
        TopicSpec spec = TopicSpec.defaults("t").withReplication(5, 3).withRetentionMs(86_400_000L)
                .withRetentionBytes(-1).withMaxMessageBytes(1 << 20);
        assertThat(spec.replicationFactor()).isEqualTo((short) 5);
        assertThat(spec.minInsyncReplicas()).isEqualTo(3);
        assertThat(spec.retentionMs()).hasValue(86_400_000L);
        assertThat(spec.retentionBytes()).hasValue(-1L);
        assertThat(spec.maxMessageBytes()).isEqualTo(1 << 20);
        assertThat(spec.name()).isEqualTo("t");
    }

    @Test
    void compressionTypeIsOneKafkaKnowsAndProducerByDefault() {
        assertThat(TopicSpec.defaults("t").compressionType()).isEqualTo("producer");
        assertThat(TopicSpec.defaults("t").withCompressionType("zstd").topicConfigs())
                .containsEntry("compression.type", "zstd");
        assertThatThrownBy(() -> TopicSpec.defaults("t").withCompressionType("lz5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compression.type must be one of").hasMessageContaining("'lz5'");
    }

    @Test
    void topicConfigsAreEverySettingTheTopicIsCreatedWith() {
        assertThat(TopicSpec.defaults("t").withRetentionMs(86_400_000L).withRetentionBytes(-1).topicConfigs())
                .containsExactly(
                        java.util.Map.entry("min.insync.replicas", "2"),
                        java.util.Map.entry("unclean.leader.election.enable", "false"),
                        java.util.Map.entry("cleanup.policy", "delete"),
                        java.util.Map.entry("max.message.bytes", Integer.toString(16 * 1024 * 1024)),
                        java.util.Map.entry("compression.type", "producer"),
                        java.util.Map.entry("retention.ms", "86400000"),
                        java.util.Map.entry("retention.bytes", "-1"));
        assertThat(TopicSpec.embedded("t").topicConfigs()).containsEntry("min.insync.replicas", "1")
                .containsEntry("unclean.leader.election.enable", "false")
                .doesNotContainKeys("retention.ms", "retention.bytes");
    }

    @Test
    void onlyOnePartition() {
        assertThatThrownBy(() -> new TopicSpec("t", 3, (short) 3, 2, 1 << 20, false, OptionalLong.empty(),
                OptionalLong.empty(), "producer"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions must be 1");
    }

    @Test
    void unsafeReplicationIsRefusedOutsideEmbeddedMode() {
        TopicSpec spec = TopicSpec.defaults("t");
        assertThatThrownBy(() -> spec.withReplication(1, 1)).hasMessageContaining("replication factor 1");
        assertThatThrownBy(() -> spec.withReplication(2, 2)).hasMessageContaining("replication factor 2");
        assertThatThrownBy(() -> spec.withReplication(3, 1)).hasMessageContaining("min.insync.replicas 1");
        assertThatThrownBy(() -> spec.withReplication(3, 3)).hasMessageContaining("min.insync.replicas 3");
        assertThatThrownBy(() -> spec.withReplication(3, 4)).hasMessageContaining("min.insync.replicas");
        assertThat(spec.withReplication(4, 3).minInsyncReplicas()).isEqualTo(3);
    }

    @Test
    void embeddedModeAcceptsOneReplicaButNotMoreMinIsrThanReplicas() {
        TopicSpec spec = TopicSpec.embedded("t");
        assertThat(spec.withReplication(1, 1).replicationFactor()).isEqualTo((short) 1);
        assertThatThrownBy(() -> spec.withReplication(1, 2)).hasMessageContaining("min.insync.replicas");
    }

    @Test
    void topicNamesFollowKafkasRules() {
        assertThatThrownBy(() -> TopicSpec.defaults("")).hasMessageContaining("illegal topic name");
        assertThatThrownBy(() -> TopicSpec.defaults("a b")).hasMessageContaining("illegal topic name");
        assertThatThrownBy(() -> TopicSpec.defaults("..")).hasMessageContaining("illegal topic name");
        assertThatThrownBy(() -> TopicSpec.defaults("x".repeat(250))).hasMessageContaining("illegal topic name");
        assertThat(TopicSpec.defaults("sluice.binlog_main-1").name()).isEqualTo("sluice.binlog_main-1");
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> TopicSpec.defaults("t").withMaxMessageBytes(100))
                .hasMessageContaining("max.message.bytes");
        assertThatThrownBy(() -> TopicSpec.defaults("t").withRetentionMs(-2)).hasMessageContaining("retention.ms");
        assertThatThrownBy(() -> TopicSpec.defaults("t").withRetentionBytes(-5))
                .hasMessageContaining("retention.bytes");
    }
}
