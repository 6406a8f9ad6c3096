package io.sluice.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testkit.TestLogs;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The decoder against Sluice's syncer, a real MySQL 8.0.31 source ({@code binlog_row_metadata=FULL}) and a real
 * Kafka broker: row changes compared with the source row by row, a large split transaction, a decoder killed in the
 * middle and started again, one topic per table, and column names from the metadata pass-through.
 */
class RowEventsDecoderIT {
    private static DecoderFixture fixture;

    @BeforeAll
    static void start() {
        // 64 KiB records: the large transaction below is split into many parts
        fixture = new DecoderFixture(31, 64 * 1024, "--binlog-row-metadata=FULL");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static final String COLUMNS = "id, name, qty, CAST(price AS CHAR), note,"
            + " DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s.%f'), HEX(data)";

    @Test
    void insertsUpdatesDeletesAndALargeTransactionMatchTheSourceRowByRow() {
        var source = fixture.source;
        source.execute("CREATE DATABASE shop", "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(100),"
                + " qty INT, price DECIMAL(10,2), note TEXT, updated DATETIME(6), data LONGBLOB)");
        for (int i = 1; i <= 200; i++) {
            source.execute("INSERT INTO shop.items VALUES (" + i + ", 'item " + i + " ✓', " + i * 3 + ", "
                    + (i * 1.25) + ", NULL, '2026-12-02 10:00:00." + String.format("%06d", i) + "', x'0a0b')");
        }
        source.execute("UPDATE shop.items SET qty = qty - 1, note = CONCAT('sold ', id) WHERE id % 2 = 0");
        source.execute("DELETE FROM shop.items WHERE id % 5 = 0");
        // one large transaction: 3000 rows and a 300 KiB BLOB, far above the 64 KiB records it is split into
        StringBuilder bulk = new StringBuilder("INSERT INTO shop.items VALUES ");
        for (int i = 1000; i < 4000; i++) {
            bulk.append(i > 1000 ? "," : "").append("(").append(i).append(", REPEAT('n', 50), ").append(i)
                    .append(", -").append(i).append(".5, 'bulk', NOW(6), ")
                    .append(i == 1500 ? "REPEAT(x'ff00', 150000)" : "NULL").append(")");
        }
        source.execute("BEGIN", bulk.toString(), "UPDATE shop.items SET name = 'last' WHERE id = 1",
                "COMMIT");
        fixture.awaitSynced();
        int expected = 200 + 100 + 40 + 3000 + 1;

        String output = "rows.shop";
        try (RowEventsDecoder decoder = new RowEventsDecoder(fixture.settings("it-shop", OutputMode.ONE_TOPIC,
                output, DecoderFixture.tempDir("shop"), null))) {
            decoder.start();
            List<DecoderFixture.Change> changes = fixture.read(Set.of(output), "shop", expected);
            assertThat(decoder.failure()).isNull();
            assertThat(decoder.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(changes).hasSize(expected);
            assertUnique(changes);
            Map<String, Long> ops = new HashMap<>();
            changes.forEach(c -> ops.merge(c.op(), 1L, Long::sum));
            assertThat(ops).containsExactlyInAnyOrderEntriesOf(Map.of("insert", 3200L, "update", 101L,
                    "delete", 40L));

            Map<Integer, JsonNode> rows = apply(changes);
            List<List<String>> sourceRows = source.query("SELECT " + COLUMNS + " FROM shop.items ORDER BY id");
            assertThat(rows).hasSize(sourceRows.size());
            for (List<String> s : sourceRows) {
                JsonNode row = rows.get(Integer.parseInt(s.get(0)));
                assertThat(row).as("row %s", s.get(0)).isNotNull();
                assertThat(java.util.Arrays.asList(text(row.get("id")), text(row.get("name")), text(row.get("qty")),
                        text(row.get("price")), text(row.get("note")), text(row.get("updated")),
                        hex(row.get("data")))).as("row %s", s.get(0)).isEqualTo(s);
            }
            DecoderFixture.Change large = changes.stream().filter(c -> c.value().get("after") != null
                    && c.value().get("after").path("id").asInt() == 1500).findFirst().orElseThrow();
            assertThat(large.key().toString()).isEqualTo("{\"database\":\"shop\",\"table\":\"items\","
                    + "\"key\":{\"id\":1500}}");
            assertThat(large.value().get("file").asText()).startsWith("binlog.");
            assertThat(large.value().get("pos").asLong()).isPositive();
            assertThat(large.value().get("commitTimeUs").asLong() / 1000)
                    .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(600_000L));
            TestLogs.response("decoder: the envelope of row 1500 (data cut)",
                    large.value().toString().substring(0, 400));
        }
    }

    /** Applies the changes in order to an empty table, checking every before image against the row it replaces. */
    static Map<Integer, JsonNode> apply(List<DecoderFixture.Change> changes) {
        Map<Integer, JsonNode> rows = new LinkedHashMap<>();
        for (DecoderFixture.Change c : changes) {
            JsonNode before = c.value().get("before");
            JsonNode after = c.value().get("after");
            switch (c.op()) {
                case "insert" -> {
                    assertThat(before.isNull()).isTrue();
                    assertThat(rows.put(after.get("id").asInt(), after)).as("insert of an existing row").isNull();
                }
                case "update" -> {
                    assertThat(rows.remove(before.get("id").asInt())).as("before image").isEqualTo(before);
                    rows.put(after.get("id").asInt(), after);
                }
                case "delete" -> {
                    assertThat(after.isNull()).isTrue();
                    assertThat(rows.remove(before.get("id").asInt())).as("before image").isEqualTo(before);
                }
                default -> throw new AssertionError("unknown op " + c.op());
            }
        }
        return rows;
    }

    static void assertUnique(List<DecoderFixture.Change> changes) {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (DecoderFixture.Change c : changes) {
            if (!seen.add(c.identity())) {
                twice.add(c.identity());
            }
        }
        assertThat(twice).as("row changes written twice").isEmpty();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String hex(JsonNode node) {
        return node == null || node.isNull() ? null
                : HexFormat.of().withUpperCase().formatHex(Base64.getDecoder().decode(node.asText()));
    }

    @Test
    void aDecoderKilledInTheMiddleNeitherRepeatsNorLosesARowChange() throws Exception {
        var source = fixture.source;
        source.execute("CREATE DATABASE crash", "CREATE TABLE crash.t (id INT PRIMARY KEY, v VARCHAR(200))");
        int transactions = 3000;
        for (int i = 0; i < transactions; i += 100) {
            StringBuilder txns = new StringBuilder();
            List<String> statements = new ArrayList<>();
            for (int j = i; j < i + 100; j++) {
                statements.add("INSERT INTO crash.t VALUES (" + j + ", REPEAT('v', 150))");
            }
            source.execute(statements.toArray(String[]::new));
        }
        fixture.awaitSynced();
        String output = "rows.crash";
        Path dir = DecoderFixture.tempDir("crash");
        Path properties = dir.resolve("decoder.properties");
        Files.writeString(properties, String.join("\n",
                "bootstrap.servers=" + fixture.kafka.bootstrapServers(),
                "session.timeout.ms=6000",
                "sluice.binlog.topic=" + DecoderFixture.TOPIC,
                "sluice.decoder.application.id=it-crash",
                "sluice.decoder.output.topic=" + output,
                "sluice.decoder.replication.factor=1",
                "sluice.decoder.min.insync.replicas=1",
                "sluice.decoder.state.dir=" + dir.resolve("state").toAbsolutePath()));

        Process first = decoderProcess(properties, dir.resolve("first.log"));
        // killed in the middle: once a few hundred row changes are committed
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> fixture.committedEnd(output) > 300);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int beforeKill = fixture.read(Set.of(output), "crash", 1).size();
        assertThat(beforeKill).as("row changes before the kill").isLessThan(transactions);

        Process second = decoderProcess(properties, dir.resolve("second.log"));
        try {
            List<DecoderFixture.Change> changes = fixture.read(Set.of(output), "crash", transactions);
            assertUnique(changes);
            assertThat(changes).hasSize(transactions);
            assertThat(changes.stream().map(c -> c.value().get("after").get("id").asInt()).toList())
                    .as("every row, in the source's order").isEqualTo(java.util.stream.IntStream
                            .range(0, transactions).boxed().toList());
            System.out.println("MEASURE decoder crash: " + beforeKill + " of " + transactions
                    + " row changes committed before the kill");
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneTopicPerTableHoldsThatTableOnly() {
        var source = fixture.source;
        source.execute("CREATE DATABASE multi", "CREATE TABLE multi.a (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE multi.`b$x` (k VARCHAR(10) PRIMARY KEY, n INT)");
        for (int i = 0; i < 20; i++) {
            source.execute("BEGIN", "INSERT INTO multi.a VALUES (" + i + ", " + i + ")",
                    "INSERT INTO multi.`b$x` VALUES ('k" + i + "', " + i + ")", "COMMIT");
        }
        source.execute("UPDATE multi.a SET v = v + 1 WHERE id < 5", "DELETE FROM multi.`b$x` WHERE n >= 15");
        fixture.awaitSynced();
        String prefix = "rows.per-table.";
        try (RowEventsDecoder decoder = new RowEventsDecoder(fixture.settings("it-per-table",
                OutputMode.TOPIC_PER_TABLE, prefix, DecoderFixture.tempDir("per-table"), null))) {
            decoder.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try (var admin = fixture.kafka.admin()) {
                    return admin.listTopics().names().get().containsAll(Set.of(prefix + "multi.a",
                            prefix + "multi.b_x"));
                }
            });
            List<DecoderFixture.Change> a = fixture.read(Set.of(prefix + "multi.a"), "multi", 25);
            List<DecoderFixture.Change> b = fixture.read(Set.of(prefix + "multi.b_x"), "multi", 25);
            assertThat(decoder.failure()).isNull();
            assertThat(a).hasSize(25).allMatch(c -> c.value().get("table").asText().equals("a"));
            assertThat(b).hasSize(25).allMatch(c -> c.value().get("table").asText().equals("b$x"));
            assertThat(a.stream().filter(c -> c.op().equals("update")).count()).isEqualTo(5);
            assertThat(b.stream().filter(c -> c.op().equals("delete")).map(c -> c.key().toString()).toList())
                    .containsExactly("{\"database\":\"multi\",\"table\":\"b$x\",\"key\":{\"k\":\"k15\"}}",
                            "{\"database\":\"multi\",\"table\":\"b$x\",\"key\":{\"k\":\"k16\"}}",
                            "{\"database\":\"multi\",\"table\":\"b$x\",\"key\":{\"k\":\"k17\"}}",
                            "{\"database\":\"multi\",\"table\":\"b$x\",\"key\":{\"k\":\"k18\"}}",
                            "{\"database\":\"multi\",\"table\":\"b$x\",\"key\":{\"k\":\"k19\"}}");
            // a transaction's changes to two tables went to two topics, with the same GTID and their own rows
            assertThat(a.get(0).value().get("gtid")).isEqualTo(b.get(0).value().get("gtid"));
            assertThat(a.get(0).value().get("row").asInt()).isZero();
            assertThat(b.get(0).value().get("row").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aDecoderStandingByTakesOverWhenTheWorkingOneStops() {
        var source = fixture.source;
        source.execute("CREATE DATABASE standby", "CREATE TABLE standby.t (id INT PRIMARY KEY)");
        for (int i = 0; i < 100; i++) {
            source.execute("INSERT INTO standby.t VALUES (" + i + ")");
        }
        fixture.awaitSynced();
        String output = "rows.standby";
        RowEventsDecoder first = new RowEventsDecoder(fixture.settings("it-standby", OutputMode.ONE_TOPIC, output,
                DecoderFixture.tempDir("standby-1"), null));
        try (RowEventsDecoder second = new RowEventsDecoder(fixture.settings("it-standby", OutputMode.ONE_TOPIC,
                output, DecoderFixture.tempDir("standby-2"), null))) {
            first.start();
            assertThat(fixture.read(Set.of(output), "standby", 100)).hasSize(100);
            second.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> second.state() == KafkaStreams.State.RUNNING
                    && first.state() == KafkaStreams.State.RUNNING);
            long secondBefore = second.rowChanges();
            long stoppedAt = System.nanoTime();
            first.close();
            for (int i = 100; i < 200; i++) {
                source.execute("INSERT INTO standby.t VALUES (" + i + ")");
            }
            fixture.awaitSynced();
            List<DecoderFixture.Change> changes = fixture.read(Set.of(output), "standby", 200);
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            assertUnique(changes);
            assertThat(changes).hasSize(200);
            assertThat(changes.stream().map(c -> c.value().get("after").get("id").asInt()).toList())
                    .isEqualTo(java.util.stream.IntStream.range(0, 200).boxed().toList());
            assertThat(second.rowChanges() - secondBefore).as("row changes the second decoder wrote").isPositive();
            assertThat(second.failure()).isNull();
            System.out.printf(java.util.Locale.ROOT, "MEASURE decoder standby: the second decoder had written all"
                    + " 100 row changes of after the stop %.1f s after the first one stopped%n", seconds);
        } finally {
            first.close();
        }
    }

    private static Process decoderProcess(Path properties, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                DecoderMain.class.getName(), properties.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
