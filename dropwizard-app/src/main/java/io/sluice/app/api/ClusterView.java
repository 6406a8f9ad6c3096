package io.sluice.app.api;

import java.util.List;

/**
 * Body of {@code GET /api/v1/cluster}: the members, the syncer leader and the health of the binlog topic.
 *
 * @param self    the node that answered
 * @param leader  the node running the syncer, or {@code null} when none does
 * @param members every node heard of, this one included
 * @param topic   the binlog topic's partition and offsets
 */
public record ClusterView(String self, String leader, List<MemberView> members, TopicHealth topic) {
    /**
     * @param name               the topic
     * @param partitionLeader    broker id leading partition 0 (-1 when none)
     * @param replicas           broker ids holding a replica
     * @param inSyncReplicas     broker ids in sync
     * @param minInsyncReplicas  the topic's min.insync.replicas
     * @param writable           whether in-sync replicas reach min.insync.replicas (acks=all writes succeed)
     * @param logStartOffset     first offset still held
     * @param logEndOffset       offset after the last record
     * @param error              why health could not be read, or {@code null}
     */
    public record TopicHealth(String name, int partitionLeader, List<Integer> replicas, List<Integer> inSyncReplicas,
                              int minInsyncReplicas, boolean writable, long logStartOffset, long logEndOffset,
                              String error) {
    }
}
