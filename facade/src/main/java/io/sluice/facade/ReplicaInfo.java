package io.sluice.facade;

import java.time.Instant;

/**
 * A connected replica or dump client, as shown by {@code GET /api/v1/replicas}.
 *
 * @param connectionId  the facade's connection id
 * @param serverId      the replica's server_id (from COM_REGISTER_SLAVE or the dump)
 * @param uuid          the replica's server_uuid ({@code @replica_uuid}), when it said
 * @param host          the address it connected from
 * @param reportHost    the host it reported in COM_REGISTER_SLAVE
 * @param reportPort    the port it reported
 * @param user          the account it logged in with
 * @param requestedGtidSet the GTID set sent with COM_BINLOG_DUMP_GTID
 * @param file          the source file of the last event sent
 * @param position      the end position of the last event sent
 * @param bytesSent     bytes of events sent
 * @param connectedAt   when it connected
 * @param dumping       whether a dump is running
 * @param offset        the topic offset of the next record the dump reads (-1 before it starts); what a purge must
 *                      keep for this replica
 * @param gtidSet       the GTIDs the replica has: those it asked with and those sent since (published at most once
 *                      a second); {@code null} before its dump starts
 * @param lagSeconds    0 once the dump has sent everything the topic holds, else the age of the last record sent
 *                      (-1 before the first); {@code null} when not dumping
 * @param lagRecords    topic offsets between the dump and the topic's end (records, and the markers Kafka writes
 *                      at each transaction's end); 0 once it has sent everything, {@code null} when not dumping or
 *                      unknown
 */
public record ReplicaInfo(long connectionId, long serverId, String uuid, String host, String reportHost,
                          int reportPort, String user, String requestedGtidSet, String file, long position,
                          long bytesSent, Instant connectedAt, boolean dumping, long offset, String gtidSet,
                          Long lagSeconds, Long lagRecords) {
}
