package io.sluice.ingest;

import io.sluice.ingest.client.SourceClient;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the syncer asks a server before it streams from another one than the topic followed: its GTID sets, whether it
 * is a replica, and its Group Replication membership. Read with the replication account (REPLICATION CLIENT).
 *
 * @param endpoint         where it was reached
 * @param uuid             its {@code server_uuid}
 * @param executed         {@code @@GLOBAL.gtid_executed}
 * @param purged           {@code @@GLOBAL.gtid_purged}: transactions no longer in its binary logs
 * @param replicaChannels  its replication channels other than Group Replication's ({@code SHOW REPLICA STATUS});
 *                         {@code ["?"]} when the account may not ask, so that it counts as a replica
 * @param groupName        {@code group_replication_group_name}, or {@code null} when the plugin is not there or the
 *                         name is empty
 * @param viewChangeUuid   {@code group_replication_view_change_uuid} (8.0.26+) when set to a UUID, else {@code null}
 * @param groupOnline      whether it is an ONLINE member of its group
 */
record SourceFacts(SourceEndpoint endpoint, String uuid, GtidSet executed, GtidSet purged,
                   List<String> replicaChannels, String groupName, String viewChangeUuid, boolean groupOnline) {
    SourceFacts {
        replicaChannels = List.copyOf(replicaChannels);
    }

    /** Whether it replicates from some server (a configured channel, running or not). */
    boolean replica() {
        return !replicaChannels.isEmpty();
    }

    static SourceFacts read(SourceClient c, SourceEndpoint endpoint, String uuid) throws IOException {
        GtidSet executed = GtidSet.parse(text(c.queryValue("SELECT @@GLOBAL.GTID_EXECUTED")));
        GtidSet purged = GtidSet.parse(text(c.queryValue("SELECT @@GLOBAL.GTID_PURGED")));
        List<String> channels = replicaChannels(c);
        String groupName = null;
        String viewChange = null;
        for (List<String> row : c.query("SHOW GLOBAL VARIABLES LIKE 'group\\_replication\\_%'")) {
            String name = row.get(0).toLowerCase(Locale.ROOT);
            String value = row.get(1);
            if (name.equals("group_replication_group_name") && value != null && !value.isBlank()) {
                groupName = value.trim().toLowerCase(Locale.ROOT);
            } else if (name.equals("group_replication_view_change_uuid") && value != null
                    && value.trim().matches("[0-9a-fA-F-]{36}")) {
                viewChange = value.trim().toLowerCase(Locale.ROOT);
            }
        }
        boolean online = false;
        if (groupName != null) {
            try {
                online = "ONLINE".equalsIgnoreCase(c.queryValue("SELECT MEMBER_STATE FROM "
                        + "performance_schema.replication_group_members WHERE MEMBER_ID = @@server_uuid"));
            } catch (MysqlException e) {
                online = false; // no SELECT on performance_schema: not known to be a member
            }
        }
        return new SourceFacts(endpoint, uuid, executed, purged, channels, groupName, viewChange, online);
    }

    /** Channels of SHOW REPLICA STATUS (8.0.22+; SHOW SLAVE STATUS before), Group Replication's left out. */
    private static List<String> replicaChannels(SourceClient c) throws IOException {
        List<Map<String, String>> rows;
        try {
            rows = c.queryNamed("SHOW REPLICA STATUS");
        } catch (MysqlException e) {
            if (e.code() != 1064) {
                return List.of("?"); // e.g. 1227, no REPLICATION CLIENT: assume the worst, a replica
            }
            rows = c.queryNamed("SHOW SLAVE STATUS");
        }
        List<String> channels = new ArrayList<>();
        for (Map<String, String> row : rows) {
            String channel = row.getOrDefault("Channel_Name", row.getOrDefault("Channel_name", ""));
            channel = channel == null ? "" : channel;
            if (!channel.startsWith("group_replication_")) {
                channels.add(channel);
            }
        }
        return channels;
    }

    private static String text(String value) {
        return value == null ? "" : value.replaceAll("\\s+", "");
    }
}
