package io.sluice.app.api;

/**
 * Body of {@code GET /api/v1/facade}: this node's MySQL listener.
 *
 * @param state          RUNNING or STOPPED
 * @param bindHost       the address it binds
 * @param port           the port it listens on (the configured one when stopped)
 * @param serverId       the server_id it reports to replicas
 * @param serverUuid     the server_uuid it reports
 * @param serverVersion  the version it reports
 * @param connections    client connections now, replicas or not
 * @param replicas       connections that registered as replicas or dump the binlog
 * @param sharedReaders  dumps reading the shared window of the topic
 * @param maxConnections the connection limit
 */
public record FacadeView(String state, String bindHost, int port, long serverId, String serverUuid,
                         String serverVersion, int connections, int replicas, int sharedReaders,
                         int maxConnections) {
}
