package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The request bodies of kingbus's management API, as its {@code config/server_config.go} declares them. */
public final class KingbusRequests {
    private KingbusRequests() {
    }

    /**
     * {@code PUT /binlog/syncer/start}.
     *
     * @param syncerId   the server_id towards the source (0: Sluice derives one from the topic's name)
     * @param syncerUuid kingbus's replica UUID; accepted and not used: Sluice derives its own from the topic's name
     * @param mysqlAddr  the source, {@code host:port}
     * @param mysqlUser  the replication account
     * @param mysqlPassword its password (never returned)
     * @param semiSync   kingbus's semi-synchronous acknowledgement to the source, which Sluice does not do
     */
    public record SyncerArgs(@JsonProperty("syncer_id") long syncerId, @JsonProperty("syncer_uuid") String syncerUuid,
                             @JsonProperty("mysql_addr") String mysqlAddr, @JsonProperty("mysql_user") String mysqlUser,
                             @JsonProperty("mysql_password") String mysqlPassword,
                             @JsonProperty("semi_sync") boolean semiSync) {
        /** Never shows the password. */
        @Override
        public String toString() {
            return "SyncerArgs[" + mysqlUser + "@" + mysqlAddr + ", syncer_id " + syncerId + "]";
        }
    }

    /**
     * {@code PUT /binlog/server/start}.
     *
     * @param addr     where the facade listens, {@code host:port}
     * @param user     an account replicas log in with
     * @param password its password (never returned)
     */
    public record ServerArgs(@JsonProperty("addr") String addr, @JsonProperty("user") String user,
                             @JsonProperty("password") String password) {
        /** Never shows the password. */
        @Override
        public String toString() {
            return "ServerArgs[" + user + "@" + addr + "]";
        }
    }
}
