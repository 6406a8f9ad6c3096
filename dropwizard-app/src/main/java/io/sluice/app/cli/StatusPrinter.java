package io.sluice.app.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The human-readable form of {@code sluice status}: sections Cluster, Syncer, Replicas and Topic, with labels and
 * table columns aligned. Works on the node's answers as JSON trees: an absent or null field shows as {@code -} or
 * its line is left out, a field it does not know is ignored, and a replica field added later ({@code lagSeconds},
 * {@code gtidSet}) gets a column as soon as a replica has it.
 */
final class StatusPrinter {
    private static final String NONE = "-";
    private static final Map<String, String> RATE_UNITS = Map.of(
            "eventsPerSecond", "events/s",
            "transactionsPerSecond", "transactions/s",
            "bytesPerSecond", "bytes/s");

    private final PrintStream out;

    StatusPrinter(PrintStream out) {
        this.out = out;
    }

    void print(URI url, JsonNode cluster, JsonNode syncer, JsonNode replicas) {
        out.println("Sluice node at " + url);
        out.println();
        cluster(cluster);
        out.println();
        syncer(syncer);
        out.println();
        replicas(replicas);
        out.println();
        topic(cluster.path("topic"));
    }

    private void cluster(JsonNode cluster) {
        JsonNode members = cluster.path("members");
        List<String[]> rows = new ArrayList<>();
        rows.add(row("this node", text(cluster, "self")));
        rows.add(row("leader", has(cluster, "leader") ? text(cluster, "leader") : "none (no node runs the syncer)"));
        rows.add(row("members", Integer.toString(members.size())));
        section("Cluster", rows);
        List<String[]> table = new ArrayList<>();
        for (JsonNode m : members) {
            table.add(row(text(m, "nodeId"), text(m, "state"), text(m, "role"),
                    text(m, "facadeHost") + ":" + text(m, "facadePort"), text(m, "lag"), text(m, "replicas"),
                    has(m, "ageMs") ? text(m, "ageMs") + " ms ago" : NONE));
        }
        if (!table.isEmpty()) {
            table(row("NODE", "STATE", "ROLE", "FACADE", "RECORDS BEHIND", "REPLICAS", "LAST HEARD"), table);
        }
    }

    private void syncer(JsonNode syncer) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("state", text(syncer, "state")));
        if (has(syncer, "source")) {
            rows.add(row("source", endpoint(syncer.get("source"))));
        }
        if (has(syncer, "currentSource") && !syncer.get("currentSource").equals(syncer.get("source"))) {
            rows.add(row("reading from", endpoint(syncer.get("currentSource"))));
        }
        String gtids = text(syncer, "executedGtidSet");
        rows.add(row("executed GTIDs", gtids.isEmpty() ? "(none)" : gtids));
        if (has(syncer, "file")) {
            rows.add(row("position", text(syncer, "file") + ":" + text(syncer, "position")));
        }
        rows.add(row("lag", lag(syncer)));
        if (has(syncer, "throughput")) {
            rows.add(row("throughput", rates(syncer.get("throughput"))));
        }
        if (has(syncer, "progress")) {
            rows.add(row("progress", progress(syncer.get("progress"))));
        }
        if (has(syncer, "lastError")) {
            JsonNode e = syncer.get("lastError");
            rows.add(row("last error", text(e, "message") + (has(e, "code") ? " (code " + text(e, "code") + ")" : "")
                    + (has(e, "at") ? " at " + text(e, "at") : "")));
        }
        section("Syncer", rows);
    }

    private void replicas(JsonNode replicas) {
        out.println("Replicas");
        if (replicas.size() == 0) {
            out.println("  none connected");
            return;
        }
        boolean lag = any(replicas, "lagSeconds");
        boolean gtids = any(replicas, "gtidSet");
        List<String[]> table = new ArrayList<>();
        for (JsonNode r : replicas) {
            List<String> cells = new ArrayList<>(List.of(text(r, "connectionId"), text(r, "serverId"), text(r, "host"),
                    text(r, "user"), has(r, "file") ? text(r, "file") + ":" + text(r, "position") : NONE,
                    text(r, "bytesSent"), text(r, "connectedAt"), text(r, "dumping")));
            if (lag) {
                cells.add(has(r, "lagSeconds") ? text(r, "lagSeconds") + " s" : NONE);
            }
            if (gtids) {
                cells.add(text(r, "gtidSet"));
            }
            table.add(cells.toArray(String[]::new));
        }
        List<String> header = new ArrayList<>(List.of("CONNECTION", "SERVER ID", "HOST", "USER", "POSITION",
                "BYTES SENT", "CONNECTED AT", "DUMPING"));
        if (lag) {
            header.add("LAG");
        }
        if (gtids) {
            header.add("GTID SET");
        }
        table(header.toArray(String[]::new), table);
    }

    private void topic(JsonNode topic) {
        List<String[]> rows = new ArrayList<>();
        if (topic.isMissingNode() || topic.isNull()) {
            rows.add(row("name", "unknown (the node did not say)"));
            section("Topic", rows);
            return;
        }
        rows.add(row("name", text(topic, "name")));
        int leader = topic.path("partitionLeader").asInt(-1);
        rows.add(row("partition leader", leader < 0 ? "none" : "broker " + leader));
        rows.add(row("replicas", list(topic.path("replicas"))));
        rows.add(row("in sync", list(topic.path("inSyncReplicas"))
                + (has(topic, "minInsyncReplicas") ? " (min.insync.replicas " + text(topic, "minInsyncReplicas") + ")"
                : "")));
        if (has(topic, "writable")) {
            rows.add(row("writable", topic.get("writable").asBoolean() ? "yes"
                    : "no: fewer in-sync replicas than min.insync.replicas, or no leader"));
        }
        rows.add(row("offsets", text(topic, "logStartOffset") + " to " + text(topic, "logEndOffset")));
        if (has(topic, "error")) {
            rows.add(row("error", text(topic, "error")));
        }
        section("Topic", rows);
    }

    private static String lag(JsonNode syncer) {
        StringJoiner parts = new StringJoiner(", ");
        if (has(syncer, "lagSeconds")) {
            parts.add(text(syncer, "lagSeconds") + " s");
        }
        if (has(syncer, "lagBytes")) {
            parts.add(text(syncer, "lagBytes") + " bytes");
        }
        if (has(syncer, "lagTransactions")) {
            parts.add(text(syncer, "lagTransactions") + " transactions");
        }
        return parts.length() == 0 ? "unknown" : parts.toString();
    }

    private static String rates(JsonNode throughput) {
        StringJoiner parts = new StringJoiner(", ");
        for (Map.Entry<String, JsonNode> rate : throughput.properties()) {
            String value = rate.getValue().isNumber()
                    ? String.format(Locale.ROOT, "%.1f", rate.getValue().asDouble()) : rate.getValue().asText();
            String unit = RATE_UNITS.get(rate.getKey());
            parts.add(unit == null ? rate.getKey() + " " + value : value + " " + unit);
        }
        return parts.length() == 0 ? NONE : parts.toString();
    }

    private static String progress(JsonNode progress) {
        StringJoiner parts = new StringJoiner(", ");
        parts.add(text(progress, "behindTransactions") + " transactions behind");
        if (has(progress, "behindBytes")) {
            parts.add(text(progress, "behindBytes") + " bytes");
        }
        parts.add(has(progress, "etaSeconds") ? "caught up in about " + text(progress, "etaSeconds") + " s"
                : "no estimate yet");
        return parts.toString();
    }

    private static String endpoint(JsonNode source) {
        return (has(source, "user") ? text(source, "user") + "@" : "") + text(source, "host") + ":"
                + text(source, "port");
    }

    private static String list(JsonNode array) {
        if (!array.isArray()) {
            return NONE;
        }
        StringJoiner items = new StringJoiner(", ");
        array.forEach(item -> items.add(item.asText()));
        return items.length() == 0 ? "none" : items.toString();
    }

    private static boolean any(JsonNode array, String field) {
        for (JsonNode item : array) {
            if (has(item, field)) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return !value.isMissingNode() && !value.isNull();
    }

    private static String text(JsonNode node, String field) {
        return has(node, field) ? node.get(field).asText() : NONE;
    }

    private static String[] row(String... cells) {
        return cells;
    }

    private void section(String title, List<String[]> rows) {
        out.println(title);
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            out.printf("  %-" + width + "s  %s%n", r[0], r[1]);
        }
    }

    private void table(String[] header, List<String[]> rows) {
        int[] widths = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            widths[i] = header[i].length();
            for (String[] r : rows) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        printRow(header, widths);
        rows.forEach(r -> printRow(r, widths));
    }

    private void printRow(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("   ");
        for (int i = 0; i < cells.length; i++) {
            line.append(' ').append(i == cells.length - 1 ? cells[i] : String.format("%-" + widths[i] + "s ",
                    cells[i]));
        }
        out.println(line.toString().stripTrailing());
    }
}
