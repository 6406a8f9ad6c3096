package io.sluice.app.api;

import java.time.Instant;
import java.util.List;

/**
 * Body of {@code GET /api/v1/binlog}: what the binlog topic holds.
 *
 * @param topic          the topic
 * @param logStartOffset the first offset it still holds
 * @param logEndOffset   the offset after its last committed record
 * @param earliest       where the oldest transaction it holds starts, {@code null} when it holds none
 * @param latest         the end of the newest event it holds, {@code null} when empty
 * @param gtidExecuted   every GTID written to it ({@code @@gtid_executed} of the facade)
 * @param gtidPurged     the GTIDs it no longer holds ({@code @@gtid_purged})
 * @param files          the source's files it holds, oldest first (what SHOW BINARY LOGS lists)
 * @param sourceBytes    the bytes of those files it holds: the sum of the files' sizes, less what retention or a
 *                       purge took from the first one
 * @param topicBytes     the partition's size on the disk of its leader, with Kafka's own overhead; {@code null} when
 *                       the broker would not tell
 * @param retention      the topic's retention settings
 */
public record BinlogView(String topic, long logStartOffset, long logEndOffset, Point earliest, Point latest,
                         String gtidExecuted, String gtidPurged, List<FileView> files, long sourceBytes,
                         Long topicBytes, RetentionView retention) {
    /**
     * A place in the binlog.
     *
     * @param offset   the topic offset
     * @param file     the source file
     * @param position the position in that file: where the transaction starts (earliest), or where the last event
     *                 ends (latest); -1 when unknown
     * @param gtid     the GTID of the transaction there, {@code null} when none
     */
    public record Point(long offset, String file, long position, String gtid) {
    }

    /**
     * One source file in the topic.
     *
     * @param name          its name
     * @param size          the end of its last event (SHOW BINARY LOGS' File_size)
     * @param firstOffset   where its records start in the topic
     * @param lastOffset    its last record's offset
     * @param lastWrittenAt when Sluice wrote its last record
     */
    public record FileView(String name, long size, long firstOffset, long lastOffset, Instant lastWrittenAt) {
    }
}
