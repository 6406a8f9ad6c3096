package io.sluice.app.api;

import java.time.Instant;
import java.util.List;

/**
 * Body of {@code GET /api/v1/syncer/history}: the syncer's lag as sampled on this node, oldest first, so that the
 * status page can plot the last hour without keeping state of its own.
 *
 * @param intervalSeconds the period between samples ({@code status.historySampleSeconds})
 * @param samples         the samples of the period asked for, oldest first
 */
public record SyncerHistory(int intervalSeconds, List<Sample> samples) {
    public SyncerHistory {
        samples = List.copyOf(samples);
    }

    /**
     * The syncer's status at one instant; a lag is {@code null} when the syncer could not tell it then (see
     * {@link SyncerView}).
     *
     * @param at              when it was taken
     * @param state           the syncer's state, as {@link SyncerView#state()}
     * @param lagSeconds      as {@link SyncerView#lagSeconds()}
     * @param lagBytes        as {@link SyncerView#lagBytes()}
     * @param lagTransactions as {@link SyncerView#lagTransactions()}
     */
    public record Sample(Instant at, String state, Long lagSeconds, Long lagBytes, Long lagTransactions) {
    }
}
