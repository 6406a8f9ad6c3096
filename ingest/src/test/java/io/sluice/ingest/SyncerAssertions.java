package io.sluice.ingest;

import io.sluice.model.gtid.GtidSet;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Waits and checks shared by the syncer's integration tests. */
final class SyncerAssertions {
    private SyncerAssertions() {
    }

    /** Waits until the syncer's committed set holds {@code gtids}; fails at once if it stops in ERROR. */
    static void awaitTopicHas(Syncer syncer, String gtids, Duration timeout) {
        GtidSet expected = GtidSet.parse(gtids);
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            SyncerStatus s = syncer.status();
            assertThat(s.state()).as("status %s", s).isNotEqualTo(SyncerState.ERROR);
            assertThat(GtidSet.parse(s.executedGtidSet()).containsAll(expected))
                    .as("topic has %s (status %s)", expected, s).isTrue();
        });
    }

    /** The topic holds exactly {@code gtids}, each once, and every event's CRC32 is right. */
    static void assertHoldsExactly(TopicContent content, String gtids) {
        assertThat(content.duplicates).as("GTIDs written twice").isEmpty();
        assertThat(content.badChecksums).as("events with a bad CRC32 in %s", content).isZero();
        assertThat(content.gtids).as("GTIDs of the topic").isEqualTo(GtidSet.parse(gtids));
        assertThat(content.events).as("events checked").isGreaterThan(content.transactions.size());
    }
}
