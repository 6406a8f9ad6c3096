package io.sluice.model.consumer;

import io.sluice.model.gtid.GtidSet;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the consumer forces on the Kafka client, and its argument checks (no Kafka needed). */
class BinlogTopicConsumerTest {
    @Test
    void forcesReadCommittedNoAutoCommitNoTopicCreationAndKeepsTheCallersOtherProperties() {
        Map<String, Object> config = BinlogTopicConsumer.kafkaConfig(Map.of(
                "bootstrap.servers", "k1:9092", "security.protocol", "SASL_SSL",
                "isolation.level", "read_uncommitted", "enable.auto.commit", "true",
                "allow.auto.create.topics", "true", "auto.offset.reset", "latest", "value.deserializer", "org.example.Strings"));
        assertThat(config).containsEntry("bootstrap.servers", "k1:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("allow.auto.create.topics", false)
                .containsEntry("auto.offset.reset", "none")
                .doesNotContainKey("value.deserializer");
    }

    @Test
    void optionsAreChecked() {
        BinlogTopicConsumer.Options defaults = BinlogTopicConsumer.Options.defaults();
        assertThat(defaults.maxTransactionBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(defaults.withMaxTransactionBytes(10).maxTransactionBytes()).isEqualTo(10);
        assertThatThrownBy(() -> defaults.withMaxTransactionBytes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTransactionBytes 0");
        assertThatThrownBy(() -> defaults.withMaxTransactionBytes(3L << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one array");
    }

    @Test
    void positionsAndTransactionsAreChecked() {
        assertThatThrownBy(() -> new ConsumerPosition(-1, GtidSet.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        byte[] event = RecordAssemblerTest.fde(true);
        assertThatThrownBy(() -> new SourceTransaction(null, "binlog.000001", 4, 130, 7, 7, null, 0,
                java.util.List.of(BinlogEvent.of(event)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nextOffset 7 is not after offset 7");
        assertThatThrownBy(() -> BinlogEvent.of(java.util.Arrays.copyOf(event, event.length + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declares");
        assertThat(BinlogEvent.of(event).bytes()).isEqualTo(event);
    }
}
