package io.sluice.kafka.binlog;

import io.sluice.model.gtid.GtidSet;

/**
 * What the end of the binlog topic says: everything a syncer needs to resume with no gap and no duplicate, and a
 * facade needs to judge a replica's GTID set.
 *
 * @param empty       whether the topic holds no record at all
 * @param executed    every GTID in the topic, or before it (the last checkpoint and the transactions after it)
 * @param file        the source file of the last record ({@code null} when empty)
 * @param position    the end position of the last complete event in {@code file}
 * @param fde         the FORMAT_DESCRIPTION event in effect at the end ({@code null} when empty)
 * @param sourceUuid  the server_uuid of the source of the last checkpoint ({@code null} when unknown)
 * @param endOffset   the offset after the last committed record
 */
public record TopicTail(boolean empty, GtidSet executed, String file, long position, byte[] fde, String sourceUuid,
                        long endOffset) {
    /** An empty topic. */
    public static TopicTail empty(long endOffset) {
        return new TopicTail(true, GtidSet.EMPTY, null, 0, null, null, endOffset);
    }
}
