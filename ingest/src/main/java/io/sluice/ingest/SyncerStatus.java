package io.sluice.ingest;

import java.time.Instant;

/**
 * A snapshot of the syncer for status endpoints. Holds no password.
 *
 * @param state              where the syncer is
 * @param host               source host ({@code null} when not configured)
 * @param port               source port
 * @param user               replication account
 * @param serverId           Sluice's server_id towards the source
 * @param sourceUuid         the source's server_uuid, once connected
 * @param sourceVersion      the source's version, once connected
 * @param executedGtidSet    every GTID durable in the topic
 * @param file               the source file of the last event written
 * @param position           the end position of that event
 * @param transactions       source transactions committed to Kafka since start
 * @param bytes              bytes committed to Kafka since start
 * @param lastError          the last failure, or {@code null}
 * @param lastErrorCode      its MySQL error code, or 0
 * @param lastErrorAt        when it happened
 * @param lastEventAt        when the last event (or heartbeat) arrived from the source
 */
public record SyncerStatus(SyncerState state, String host, int port, String user, long serverId, String sourceUuid,
                           String sourceVersion, String executedGtidSet, String file, long position,
                           long transactions, long bytes, String lastError, int lastErrorCode, Instant lastErrorAt,
                           Instant lastEventAt) {
}
