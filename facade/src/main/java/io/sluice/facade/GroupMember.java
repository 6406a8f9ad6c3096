package io.sluice.facade;

/**
 * One row of {@code performance_schema.replication_group_members} as Sluice shows its cluster, in MySQL Group
 * Replication's words.
 *
 * @param memberId  a UUID naming the node
 * @param host      the host replicas reach the node's facade at
 * @param port      the facade's port
 * @param state     ONLINE, RECOVERING, OFFLINE, ERROR or UNREACHABLE
 * @param role      PRIMARY (the node running the syncer) or SECONDARY
 * @param version   the version the node reports
 */
public record GroupMember(String memberId, String host, int port, String state, String role, String version) {
}
