package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.app.DebeziumCapture.Change;
import io.sluice.testkit.MysqlServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's MySQL connector, run through its embedded engine by {@link DebeziumCapture}, against a real MySQL
 * source: the harness the facade's Debezium compatibility is checked with. With {@code snapshot.mode=initial} it
 * reads the table's rows, then streams a workload of inserts, updates, deletes and a multi-statement transaction
 * with their row images and the source's GTIDs.
 *
 * <p>It also records, from the source's general query log, every statement Debezium's connections send for
 * {@code snapshot.mode} {@code initial}, {@code no_data} (also without snapshot locks) and the equivalent of the
 * former {@code never}, to {@code target/debezium-statements.txt}: what a binlog server must answer (or forward)
 * for Debezium. The raw general log is copied to {@code target/debezium-general.log}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebeziumIT {
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String USER = "debezium";
    static final String PASSWORD = io.sluice.testkit.TestPasswords.used("dbz-pass");
    private static final Path STATEMENTS = Paths.get("target", "debezium-statements.txt");

    private static MysqlServer source;
    private static final Map<String, String> statementLogs = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        // log_raw: statements that fail to parse (Debezium probes SHOW BINARY LOG STATUS) are logged too
        source = MysqlServer.start(41, "--log-raw=ON");
        // the privileges Debezium documents for its MySQL user (RELOAD for the global read lock of the snapshot)
        source.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED WITH caching_sha2_password BY '" + PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO '"
                        + USER + "'@'%'");
        source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2),"
                        + " created DATETIME(3), doc JSON, data BLOB)",
                "INSERT INTO shop.item VALUES (1, 'apple', 1.50, '2024-01-02 03:04:05.678', '{\"a\": 1}', 0x0102)",
                "INSERT INTO shop.item VALUES (2, 'pear', NULL, '2024-05-06 07:08:09.000', NULL, NULL)");
        // every statement of every connection, to mysql.general_log (parsed below) and to a file (kept as is)
        source.execute("SET GLOBAL general_log_file = '" + source.instanceDir().resolve("general.log") + "'",
                "SET GLOBAL log_output = 'FILE,TABLE'", "SET GLOBAL general_log = ON");
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (!statementLogs.isEmpty()) {
                StringBuilder out = new StringBuilder();
                statementLogs.forEach((mode, log) -> out.append("##### snapshot.mode=").append(mode).append("\n\n")
                        .append(log).append('\n'));
                Files.createDirectories(STATEMENTS.getParent());
                Files.writeString(STATEMENTS, out);
                LOG.info("Debezium's statements written to {}", STATEMENTS.toAbsolutePath());
                Path raw = source.instanceDir().resolve("general.log");
                if (Files.exists(raw)) {
                    Files.copy(raw, STATEMENTS.resolveSibling("debezium-general.log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            SluicePipeline.closeQuietly(source);
        }
    }

    @Test
    @Order(1)
    void initialSnapshotThenStreamsTheWorkloadWithRowImagesAndGtids() throws Exception {
        source.execute("TRUNCATE TABLE mysql.general_log");
        List<Change> streamed;
        List<String> gtids = new ArrayList<>();
        try (DebeziumCapture capture = capture("initial", 5401)) {
            capture.awaitStreaming(TIMEOUT);
            List<Change> snapshot = capture.awaitEvents(2, TIMEOUT);
            assertThat(snapshot).extracting(Change::op).containsExactly("r", "r");
            // a snapshot read has JSON as MySQL prints it ({"a": 1}); the binlog decoder writes it compact ({"a":1})
            assertThat(snapshot.get(0).after()).isEqualTo(row(1, "apple", "1.50", "2024-01-02T03:04:05.678",
                    "{\"a\": 1}", "0x0102"));
            assertThat(snapshot.get(1).after()).isEqualTo(row(2, "pear", null, "2024-05-06T07:08:09", null, null));
            assertThat(snapshot).allSatisfy(c -> {
                assertThat(c.table()).isEqualTo("shop.item");
                assertThat(c.before()).isNull();
                assertThat(c.file()).startsWith("binlog.");
            });
            assertThat(snapshot.get(0).key()).isEqualTo(Map.of("id", 1));

            // the workload, while Debezium streams
            source.execute("INSERT INTO shop.item VALUES (3, 'plum', 0.99, '2025-12-31 23:59:59.999',"
                    + " '[1, \"x\", null]', 0xdeadbeef)");
            gtids.add(lastGtid());
            source.execute("UPDATE shop.item SET name = 'apple2', price = 2.25 WHERE id = 1");
            gtids.add(lastGtid());
            source.execute("DELETE FROM shop.item WHERE id = 2");
            gtids.add(lastGtid());
            source.execute("BEGIN",
                    "INSERT INTO shop.item VALUES (4, 'fig', 4.00, '2000-01-01 00:00:00.001', '{}', '')",
                    "INSERT INTO shop.item VALUES (5, 'kiwi', 5.55, NULL, '{\"k\": [true, false]}', 0x00ff)",
                    "UPDATE shop.item SET doc = JSON_OBJECT('b', 'two'), price = 1.00 WHERE id = 3",
                    "DELETE FROM shop.item WHERE id = 4",
                    "COMMIT");
            gtids.add(lastGtid());

            List<Change> all = capture.awaitEvents(2 + 7, TIMEOUT);
            streamed = all.subList(2, all.size());
            streamed.forEach(c -> LOG.info("streamed {}", c));
            assertThat(all).hasSize(9);
        }

        assertThat(streamed).extracting(Change::op).containsExactly("c", "u", "d", "c", "c", "u", "d");
        assertThat(streamed).extracting(Change::gtid).containsExactly(gtids.get(0), gtids.get(1), gtids.get(2),
                gtids.get(3), gtids.get(3), gtids.get(3), gtids.get(3));
        assertThat(streamed).allSatisfy(c -> {
            assertThat(c.table()).isEqualTo("shop.item");
            assertThat(c.gtid()).startsWith(source.serverUuid() + ":");
            assertThat(c.file()).startsWith("binlog.");
            assertThat(c.pos()).isPositive();
            assertThat(c.snapshot()).isEqualTo("false");
        });
        Map<String, Object> plum = row(3, "plum", "0.99", "2025-12-31T23:59:59.999", "[1,\"x\",null]", "0xdeadbeef");
        Map<String, Object> apple = row(1, "apple", "1.50", "2024-01-02T03:04:05.678", "{\"a\":1}", "0x0102");
        Map<String, Object> apple2 = row(1, "apple2", "2.25", "2024-01-02T03:04:05.678", "{\"a\":1}", "0x0102");
        Map<String, Object> pear = row(2, "pear", null, "2024-05-06T07:08:09", null, null);
        Map<String, Object> fig = row(4, "fig", "4.00", "2000-01-01T00:00:00.001", "{}", "0x");
        Map<String, Object> kiwi = row(5, "kiwi", "5.55", null, "{\"k\":[true,false]}", "0x00ff");
        Map<String, Object> plumB =
                row(3, "plum", "1.00", "2025-12-31T23:59:59.999", "{\"b\":\"two\"}", "0xdeadbeef");

        assertThat(streamed.get(0).before()).isNull();
        assertThat(streamed.get(0).after()).isEqualTo(plum);
        assertThat(streamed.get(1).before()).isEqualTo(apple);
        assertThat(streamed.get(1).after()).isEqualTo(apple2);
        assertThat(streamed.get(2).before()).isEqualTo(pear);
        assertThat(streamed.get(2).after()).isNull();
        assertThat(streamed.get(3).after()).isEqualTo(fig);
        assertThat(streamed.get(4).after()).isEqualTo(kiwi);
        assertThat(streamed.get(5).before()).isEqualTo(plum);
        assertThat(streamed.get(5).after()).isEqualTo(plumB);
        assertThat(streamed.get(6).before()).isEqualTo(fig);
        assertThat(streamed.get(6).after()).isNull();
        assertThat(streamed).extracting(c -> c.key().get("id")).containsExactly(3, 1, 2, 4, 5, 3, 4);
        // the rows of the one transaction: one binlog event each here, row 0 of it
        assertThat(streamed.subList(3, 7)).extracting(Change::row).containsOnly(0);

        statementLogs.put("initial", statements());
    }

    @Test
    @Order(2)
    void noDataSnapshotStreamsOnlyNewChanges() throws Exception {
        source.execute("TRUNCATE TABLE mysql.general_log");
        try (DebeziumCapture capture = capture("no_data", 5402)) {
            capture.awaitStreaming(TIMEOUT);
            awaitStreamed(capture, 10);
            // only what was written after the connector started
            assertThat(capture.changes()).hasSize(1);
        }
        statementLogs.put("no_data", statements());
    }

    @Test
    @Order(3)
    void noDataSnapshotWithoutLocks() throws Exception {
        // as pointed at a binlog server: no FLUSH TABLES WITH READ LOCK / LOCK TABLES, only the schema is read
        source.execute("TRUNCATE TABLE mysql.general_log");
        try (DebeziumCapture capture = DebeziumCapture.start(source.host(), source.port(), USER, PASSWORD, 5404,
                "shop", "no_data", Map.of("snapshot.locking.mode", "none"))) {
            capture.awaitStreaming(TIMEOUT);
            awaitStreamed(capture, 30);
            assertThat(capture.changes()).hasSize(1);
        }
        statementLogs.put("no_data with snapshot.locking.mode=none", statements());
    }

    @Test
    @Order(4)
    void noSnapshotStreamsFromTheStartOfTheBinlog() throws Exception {
        // Debezium 3.6 has no snapshot.mode=never any more; configuration_based without schema and data is the same
        source.execute("TRUNCATE TABLE mysql.general_log");
        try (DebeziumCapture capture = DebeziumCapture.start(source.host(), source.port(), USER, PASSWORD, 5403,
                "shop", "configuration_based", Map.of(
                        "snapshot.mode.configuration.based.snapshot.schema", "false",
                        "snapshot.mode.configuration.based.snapshot.data", "false",
                        "snapshot.mode.configuration.based.start.stream", "true"))) {
            capture.awaitStreaming(TIMEOUT);
            awaitStreamed(capture, 20);
            // from the first transaction of the binary log: the row inserted before any capture started
            Change first = capture.changes().get(0);
            assertThat(first.op()).isEqualTo("c");
            assertThat(first.after()).isEqualTo(row(1, "apple", "1.50", "2024-01-02T03:04:05.678", "{\"a\":1}",
                    "0x0102"));
            assertThat(first.gtid()).startsWith(source.serverUuid() + ":");
        }
        statementLogs.put("never (configuration_based: no schema, no data, stream)", statements());
    }

    // ---------------------------------------------------------------------------------------------

    private static DebeziumCapture capture(String snapshotMode, long serverId) {
        return DebeziumCapture.start(source.host(), source.port(), USER, PASSWORD, serverId, "shop", snapshotMode,
                Map.of());
    }

    /** Inserts row {@code id} and waits until the capture streams it, with its GTID. */
    private static void awaitStreamed(DebeziumCapture capture, int id) throws InterruptedException {
        source.execute("INSERT INTO shop.item (id, name) VALUES (" + id + ", 'row " + id + "')");
        String gtid = lastGtid();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (capture.changes().stream().noneMatch(c -> "c".equals(c.op()) && c.after().get("id").equals(id))) {
            assertThat(System.nanoTime()).as("row %d streamed by now; got %s", id, capture.changes())
                    .isLessThan(deadline);
            assertThat(capture.failure()).isNull();
            Thread.sleep(50);
        }
        Change c = capture.changes().stream().filter(x -> "c".equals(x.op()) && x.after().get("id").equals(id))
                .findFirst().orElseThrow();
        assertThat(c.gtid()).isEqualTo(gtid);
    }

    private static Map<String, Object> row(int id, String name, String price, String created, String doc,
            String data) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("price", price == null ? null : new java.math.BigDecimal(price));
        row.put("created", created);
        row.put("doc", doc);
        row.put("data", data);
        return row;
    }

    /** The last GTID the source committed, {@code uuid:N} (the source has only its own GTIDs). */
    private static String lastGtid() {
        String executed = source.gtidExecuted();
        String interval = executed.substring(executed.lastIndexOf(':') + 1);
        return source.serverUuid() + ":" + interval.substring(interval.indexOf('-') + 1);
    }

    /**
     * Every command the {@value #USER} account's connections sent since the general log was last truncated, in
     * order, each with its connection's thread id; then the same per connection.
     */
    private static String statements() {
        // the Connect command is logged before the account is known: select by connection
        List<List<String>> rows = source.query("SELECT thread_id, command_type, CONVERT(argument USING utf8mb4)"
                + " FROM mysql.general_log WHERE thread_id IN (SELECT thread_id FROM mysql.general_log"
                + " WHERE user_host LIKE '" + USER + "[%') ORDER BY event_time, thread_id");
        StringBuilder all = new StringBuilder("# in order: [thread id] command: argument\n");
        Map<String, List<String>> byThread = new LinkedHashMap<>();
        for (List<String> r : rows) {
            String line = r.get(1) + ": " + r.get(2).replace("\n", " ");
            all.append('[').append(r.get(0)).append("] ").append(line).append('\n');
            byThread.computeIfAbsent(r.get(0), t -> new ArrayList<>()).add(line);
        }
        all.append("\n# per connection\n");
        byThread.forEach((thread, lines) -> {
            boolean binlog = lines.stream().anyMatch(l -> l.startsWith("Binlog Dump"));
            all.append("## thread ").append(thread).append(binlog ? " (binlog client)" : " (JDBC)").append('\n');
            lines.forEach(l -> all.append("  ").append(l).append('\n'));
        });
        return all.toString();
    }
}
