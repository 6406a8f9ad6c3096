package io.sluice.app.api;

import java.util.List;

/**
 * Body of the answer to {@code POST /api/v1/binlog/purge}: 200 when purged (or, with {@code dryRun}, when it could
 * be), 409 when a connected replica still needs what would be purged and {@code force} was not given.
 *
 * @param purged              whether records were deleted
 * @param dryRun              whether this only says what would be purged
 * @param forced              whether replicas that needed the records were overridden
 * @param logStartOffsetBefore the first offset held before
 * @param logStartOffset      the first offset held after (or that would be)
 * @param files               the files purged (or that would be), oldest first; the first may have been partly
 *                            gone already
 * @param gtidPurged          the topic's purged GTID set after the purge ({@code null} for a dry run or a refusal)
 * @param replicas            the replicas that still need what is purged
 * @param message             what happened, in words
 */
public record PurgeResult(boolean purged, boolean dryRun, boolean forced, long logStartOffsetBefore,
                          long logStartOffset, List<String> files, String gtidPurged, List<ReplicaNeed> replicas,
                          String message) {
    /**
     * A replica that reads records a purge removes.
     *
     * @param node         the Sluice node it is connected to
     * @param connectionId its connection on that node (-1 when only the node's summary is known)
     * @param serverId     its server_id (0 when unknown)
     * @param host         where it connects from ({@code null} when unknown)
     * @param offset       the lowest offset it needs
     */
    public record ReplicaNeed(String node, long connectionId, long serverId, String host, long offset) {
    }
}
