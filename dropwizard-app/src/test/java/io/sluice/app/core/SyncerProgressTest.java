package io.sluice.app.core;

import io.sluice.app.api.SyncerView;
import io.sluice.ingest.SyncerState;
import io.sluice.ingest.SyncerStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The syncer's progress while catching up, as {@code GET /api/v1/syncer} shows it. */
class SyncerProgressTest {
    private static SyncerStatus status(Long lagSeconds, Long lagBytes, Long lagTransactions, double txPerSecond,
                                       double bytesPerSecond) {
        return new SyncerStatus(SyncerState.RUNNING, "h", 3306, "repl", 7, null, null, "", "binlog.000001", 4, 10,
                100, null, 0, null, null, "h", 3306, 0, 1, Map.of(), lagSeconds, lagBytes, lagTransactions, 50,
                txPerSecond, bytesPerSecond, null, null);
    }

    @Test
    void theEstimateUsesBytesWhenTheSourceListsItsFiles() {
        SyncerView v = SyncerManager.view(status(30L, 10_000_000L, 500L, 100, 1_000_000), "PREFERRED");
        assertThat(v.progress()).isEqualTo(new SyncerView.Progress(500, 10_000_000L, 10L));
        assertThat(v.lagSeconds()).isEqualTo(30);
        assertThat(v.throughput().bytesPerSecond()).isEqualTo(1_000_000);
    }

    @Test
    void theEstimateFallsBackOnTransactionsWithoutBytes() {
        assertThat(SyncerManager.view(status(30L, null, 500L, 100, 1_000_000), "PREFERRED").progress())
                .isEqualTo(new SyncerView.Progress(500, null, 5L));
    }

    @Test
    void noRateMeansNoEstimateAndCaughtUpMeansNoProgress() {
        assertThat(SyncerManager.view(status(30L, 1000L, 5L, 0, 0), "PREFERRED").progress())
                .isEqualTo(new SyncerView.Progress(5, 1000L, null));
        assertThat(SyncerManager.view(status(0L, 0L, 0L, 10, 10), "PREFERRED").progress()).isNull();
        assertThat(SyncerManager.view(status(null, null, null, 10, 10), "PREFERRED").progress()).isNull();
    }
}
