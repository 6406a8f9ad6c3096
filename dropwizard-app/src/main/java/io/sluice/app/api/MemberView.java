package io.sluice.app.api;

/**
 * One node of the cluster, as it publishes itself (and as others see it).
 *
 * @param nodeId     the node's name
 * @param memberId   a UUID naming the node (MEMBER_ID in performance_schema.replication_group_members)
 * @param restUrl    where its REST API answers
 * @param facadeHost where replicas reach its facade
 * @param facadePort the facade's port
 * @param state      ONLINE, RECOVERING, OFFLINE, ERROR or UNREACHABLE (Group Replication's words)
 * @param role       PRIMARY (runs the syncer) or SECONDARY
 * @param version    the version it reports to replicas
 * @param lag        committed records of the binlog topic it has not read yet (-1 unknown)
 * @param replicas   replicas connected to it
 * @param ageMs      milliseconds since this node last heard from it (0 for itself)
 * @param syncer     its syncer's status when it runs the syncer, else {@code null}
 * @param oldestReplicaOffset the lowest topic offset one of its replicas still needs, -1 when none dumps: a purge
 *                   past it is refused unless forced
 */
public record MemberView(String nodeId, String memberId, String restUrl, String facadeHost, int facadePort,
                         String state, String role, String version, long lag, int replicas, long ageMs,
                         SyncerView syncer, long oldestReplicaOffset) {
    public MemberView withState(String newState, long newAgeMs) {
        return new MemberView(nodeId, memberId, restUrl, facadeHost, facadePort, newState, role, version, lag,
                replicas, newAgeMs, syncer, oldestReplicaOffset);
    }
}
