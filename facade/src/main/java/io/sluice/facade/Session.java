package io.sluice.facade;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one client connection has said about itself. Used by one thread at a time: the connection's event loop, or
 * the query thread answering its statement while the loop waits (the hand-over orders the writes).
 */
final class Session {
    final long connectionId;
    final String remoteHost;
    String user;
    /** Whether the account may run administrative statements (see {@link Account#admin()}). */
    volatile boolean admin;
    int capabilities;
    final Map<String, String> userVariables = new HashMap<>();
    /** The default database (connect-with-db, COM_INIT_DB, USE); {@code null} = none. */
    String database;
    /** Session settings to replay on the metadata backend when its connection opens, in order, without repeats. */
    final java.util.LinkedHashSet<String> backendSetup = new java.util.LinkedHashSet<>();
    /** The connection to the metadata backend, once a statement was forwarded; closed with the session. */
    volatile BackendConnection backend;

    Session(long connectionId, String remoteHost) {
        this.connectionId = connectionId;
        this.remoteHost = remoteHost;
    }

    String variable(String name) {
        return userVariables.get(name.toLowerCase(Locale.ROOT));
    }

    void setVariable(String name, String value) {
        userVariables.put(name.toLowerCase(Locale.ROOT), value);
    }

    /** The checksum the replica agreed to: {@code @source_binlog_checksum} or {@code @master_binlog_checksum}. */
    String agreedChecksum() {
        String v = variable("source_binlog_checksum");
        return v != null ? v : variable("master_binlog_checksum");
    }

    /** The heartbeat period asked for, in nanoseconds; -1 when the replica did not say. */
    long heartbeatPeriodNanos() {
        String v = variable("source_heartbeat_period");
        if (v == null) {
            v = variable("master_heartbeat_period");
        }
        if (v == null) {
            return -1;
        }
        try {
            return (long) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The replica's UUID from {@code SET @replica_uuid} / {@code @slave_uuid}. */
    String replicaUuid() {
        String v = variable("replica_uuid");
        return v != null ? v : variable("slave_uuid");
    }
}
