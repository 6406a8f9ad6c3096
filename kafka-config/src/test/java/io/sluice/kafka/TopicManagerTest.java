package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The rules of {@link TopicManager}, without a broker. */
class TopicManagerTest {

    private static final TopicSpec DEFAULTS = TopicSpec.defaults("sluice.binlog");
    private static final TopicSpec EMBEDDED = TopicSpec.embedded("sluice.binlog");

    private static TopicManager.Observed topic(int partitions, int rf, String... configs) {
        Map<String, String> map = new HashMap<>();
        map.put("min.insync.replicas", "2");
        map.put("unclean.leader.election.enable", "false");
        map.put("cleanup.policy", "delete");
        map.put("max.message.bytes", Integer.toString(16 * 1024 * 1024));
        for (int i = 0; i < configs.length; i += 2) {
            map.put(configs[i], configs[i + 1]);
        }
        return new TopicManager.Observed(partitions, rf, map);
    }

    @Test
    void aSafeTopicPasses() {
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3))).isEmpty();
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 5, "min.insync.replicas", "3"))).isEmpty();
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "max.message.bytes", "33554432"))).isEmpty();
    }

    @Test
    void severalPartitionsAreRefused() {
        assertThat(TopicManager.problems(DEFAULTS, topic(3, 3))).singleElement().asString()
                .contains("topic sluice.binlog has 3 partitions; Sluice needs exactly 1")
                .contains("create a new topic");
    }

    @Test
    void uncleanElectionIsRefused() {
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "unclean.leader.election.enable", "true")))
                .singleElement().asString()
                .startsWith("unclean.leader.election.enable=true")
                .contains("kafka-configs.sh --bootstrap-server <broker:port> --alter --entity-type topics "
                        + "--entity-name sluice.binlog --add-config unclean.leader.election.enable=false");
    }

    @Test
    void compactionIsRefused() {
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "cleanup.policy", "compact,delete")))
                .singleElement().asString()
                .startsWith("cleanup.policy=compact,delete")
                .contains("--add-config cleanup.policy=delete");
    }

    @Test
    void replicationRulesOutsideEmbeddedMode() {
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 1, "min.insync.replicas", "1"))).singleElement()
                .asString().startsWith("replication factor 1 outside embedded mode");
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 2, "min.insync.replicas", "2"))).singleElement()
                .asString().startsWith("replication factor 2");
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 2, "min.insync.replicas", "1"))).hasSize(2);
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "min.insync.replicas", "1"))).singleElement()
                .asString().startsWith("min.insync.replicas=1 with replication factor 3")
                .contains("set 2").contains("--add-config min.insync.replicas=2");
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "min.insync.replicas", "3"))).singleElement()
                .asString().startsWith("min.insync.replicas=3 with replication factor 3")
                .contains("--add-config min.insync.replicas=2");
    }

    @Test
    void embeddedModeAcceptsASingleReplica() {
        assertThat(TopicManager.problems(EMBEDDED, topic(1, 1, "min.insync.replicas", "1"))).isEmpty();
        assertThat(TopicManager.problems(EMBEDDED, topic(1, 1, "min.insync.replicas", "2"))).singleElement()
                .asString().startsWith("min.insync.replicas=2 with replication factor 1");
        // the other rules still hold in embedded mode
        assertThat(TopicManager.problems(EMBEDDED, topic(2, 1, "min.insync.replicas", "1",
                "unclean.leader.election.enable", "true"))).hasSize(2);
    }

    @Test
    void aSmallerRecordLimitIsRefused() {
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "max.message.bytes", "1048588"))).singleElement()
                .asString().startsWith("max.message.bytes=1048588 is below the 16777216 bytes")
                .contains("--add-config max.message.bytes=16777216");
    }

    @Test
    void everyProblemIsNamedInOneException() {
        List<String> problems = TopicManager.problems(DEFAULTS, topic(3, 3, "unclean.leader.election.enable", "true",
                "min.insync.replicas", "1", "cleanup.policy", "compact"));
        assertThat(problems).hasSize(4);
        UnsafeTopicException e = new UnsafeTopicException("sluice.binlog", problems);
        assertThat(e).hasMessageStartingWith("Sluice refuses to use topic sluice.binlog: 4 unsafe settings")
                .hasMessageContaining("\n  1. topic sluice.binlog has 3 partitions")
                .hasMessageContaining("\n  2. unclean.leader.election.enable=true")
                .hasMessageContaining("\n  3. cleanup.policy=compact")
                .hasMessageContaining("\n  4. min.insync.replicas=1 with replication factor 3");
        assertThat(e.problems()).isEqualTo(problems);
        assertThat(e.topic()).isEqualTo("sluice.binlog");
        assertThatThrownBy(() -> new UnsafeTopicException("t", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everySettingIsReportedWithItsValueAndOnlyTheUnsafeOnesWithAFix() {
        List<TopicVerification.Check> checks = TopicManager.checks(DEFAULTS, topic(1, 3, "cleanup.policy", "compact"));
        assertThat(checks).extracting(TopicVerification.Check::setting, TopicVerification.Check::value)
                .containsExactly(
                        tuple("partitions", "1"),
                        tuple("unclean.leader.election.enable", "false"),
                        tuple("cleanup.policy", "compact"),
                        tuple("replication.factor", "3"),
                        tuple("min.insync.replicas", "2"),
                        tuple("max.message.bytes", "16777216"));
        assertThat(checks).filteredOn(c -> !c.ok()).singleElement()
                .satisfies(c -> assertThat(c.setting()).isEqualTo("cleanup.policy"))
                .satisfies(c -> assertThat(c.problem()).contains("--add-config cleanup.policy=delete"));
        assertThat(TopicManager.problems(DEFAULTS, topic(1, 3, "cleanup.policy", "compact")))
                .containsExactly(checks.get(2).problem());

        TopicVerification report = new TopicVerification("sluice.binlog", true, checks, Map.of());
        assertThat(report.safe()).isFalse();
        assertThat(report.problems()).containsExactly(checks.get(2).problem());
        assertThat(new TopicVerification("sluice.binlog", true, TopicManager.checks(DEFAULTS, topic(1, 3)), Map.of())
                .safe()).isTrue();
    }

    @Test
    void aMissingTopicIsNotSafeAndHasNoSettings() {
        TopicVerification missing = new TopicVerification("absent", false, List.of(), Map.of());
        assertThat(missing.safe()).isFalse();
        assertThat(missing.problems()).isEmpty();
        assertThatThrownBy(() -> new TopicVerification("absent", false,
                TopicManager.checks(DEFAULTS, topic(1, 3)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
