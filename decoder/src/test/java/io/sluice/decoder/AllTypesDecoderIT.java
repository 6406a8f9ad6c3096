package io.sluice.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.AllTypesTable;
import io.sluice.testkit.TestLogs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every MySQL column type through the whole chain (source, syncer, topic, decoder, JSON envelope) compared row by
 * row with what the source returns for the same rows ({@link AllTypesTable}'s canonical form): with column names
 * from the binlog ({@code binlog_row_metadata=FULL}), and from the metadata pass-through (MINIMAL).
 */
class AllTypesDecoderIT {
    private static DecoderFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new DecoderFixture(41, 64 * 1024, "--binlog-row-metadata=FULL");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void everyColumnTypeMatchesTheSourceWithNamesFromTheBinlog() {
        assertDecodedLikeTheSource("FULL", false, null, "it-types-full", "rows.types.full");
    }

    @Test
    void everyColumnTypeMatchesTheSourceInCompressedTransactions() {
        assertDecodedLikeTheSource("FULL", true, null, "it-types-compressed", "rows.types.compressed");
    }

    @Test
    void everyColumnTypeMatchesTheSourceWithNamesFromTheMetadataPassThrough() {
        var source = fixture.source;
        DecoderSettings.SchemaSource schema = new DecoderSettings.SchemaSource(source.host(), source.port(), "root",
                "");
        assertDecodedLikeTheSource("MINIMAL", false, schema, "it-types-minimal", "rows.types.minimal");
    }

    private void assertDecodedLikeTheSource(String metadata, boolean compressed, DecoderSettings.SchemaSource schema,
                                            String id, String output) {
        var source = fixture.source;
        source.execute("SET GLOBAL binlog_row_metadata = " + metadata,
                "SET GLOBAL binlog_transaction_compression = " + (compressed ? "ON" : "OFF"));
        source.execute("DROP DATABASE IF EXISTS " + AllTypesTable.DATABASE);
        GtidSet before = GtidSet.parse(source.gtidExecuted());
        source.execute(AllTypesTable.createStatements().toArray(String[]::new));
        source.execute(AllTypesTable.insertStatements().toArray(String[]::new));
        Map<Integer, List<String>> inserted = byId(AllTypesTable.canonicalRows(source));
        source.execute(AllTypesTable.updateStatements().toArray(String[]::new));
        Map<Integer, List<String>> updated = byId(AllTypesTable.canonicalRows(source));
        source.execute(AllTypesTable.deleteStatements().toArray(String[]::new));
        Map<Integer, List<String>> remaining = byId(AllTypesTable.canonicalRows(source));
        source.execute("SET GLOBAL binlog_row_metadata = FULL", "SET GLOBAL binlog_transaction_compression = OFF");
        fixture.awaitSynced();
        if (compressed) {
            // the source did compress them: its binlog holds TRANSACTION_PAYLOAD events
            assertThat(source.query("SHOW BINLOG EVENTS IN '" + source.query("SHOW MASTER STATUS").get(0).get(0)
                    + "'").stream().filter(e -> e.get(2).equals("Transaction_payload")).count()).isPositive();
        }
        int deleted = updated.size() - remaining.size();
        int changed = 0;
        for (Integer rowId : updated.keySet()) {
            if (!updated.get(rowId).equals(inserted.get(rowId))) {
                changed++;
            }
        }
        int expected = inserted.size() + changed + deleted;

        try (RowEventsDecoder decoder = new RowEventsDecoder(fixture.settings(id, OutputMode.ONE_TOPIC, output,
                DecoderFixture.tempDir(id), schema))) {
            decoder.start();
            List<DecoderFixture.Change> changes = fixture.read(Set.of(output),
                    c -> !before.contains(Gtid.parse(c.value().get("gtid").asText())), expected);
            assertThat(decoder.failure()).isNull();
            RowEventsDecoderIT.assertUnique(changes);
            assertThat(changes).hasSize(expected);
            Map<Integer, List<String>> table = new TreeMap<>();
            for (DecoderFixture.Change c : changes) {
                assertThat(c.value().get("table").asText()).isEqualTo(AllTypesTable.TABLE);
                JsonNode b = c.value().get("before");
                JsonNode a = c.value().get("after");
                switch (c.op()) {
                    case "insert" -> {
                        int rowId = a.get("id").asInt();
                        assertThat(canonical(a)).as("row %s inserted", rowId).isEqualTo(inserted.get(rowId));
                        table.put(rowId, canonical(a));
                    }
                    case "update" -> {
                        int rowId = a.get("id").asInt();
                        assertThat(canonical(b)).as("row %s before its update", rowId)
                                .isEqualTo(inserted.get(rowId));
                        assertThat(canonical(a)).as("row %s after its update", rowId)
                                .isEqualTo(updated.get(rowId));
                        table.put(rowId, canonical(a));
                    }
                    case "delete" -> {
                        int rowId = b.get("id").asInt();
                        assertThat(canonical(b)).as("row %s deleted", rowId).isEqualTo(updated.get(rowId));
                        table.remove(rowId);
                    }
                    default -> throw new AssertionError(c.op());
                }
                assertThat(c.key().get("key").toString()).isEqualTo("{\"id\":" + (a.isNull() ? b : a).get("id")
                        + "}");
            }
            assertThat(table).isEqualTo(remaining);
            TestLogs.response("decoder: row 2 of every type, " + metadata,
                    changes.stream().filter(c -> c.op().equals("insert") && c.value().get("after").get("id")
                            .asInt() == 2).findFirst().orElseThrow().value().toString());
        }
    }

    private static Map<Integer, List<String>> byId(List<List<String>> rows) {
        Map<Integer, List<String>> byId = new TreeMap<>();
        rows.forEach(r -> byId.put(Integer.parseInt(r.get(0)), normalise(r)));
        return byId;
    }

    /** A decoded row in {@link AllTypesTable}'s canonical form (the float columns rounded as the source shows them). */
    static List<String> canonical(JsonNode row) {
        List<String> out = new ArrayList<>();
        for (String name : AllTypesTable.columnNames()) {
            JsonNode v = row.get(name);
            assertThat(v).as("column %s in %s", name, row).isNotNull();
            out.add(v.isNull() ? null : canonical(name, v));
        }
        return normalise(out);
    }

    private static final Set<String> BINARY = Set.of("c_binary", "c_varbinary", "c_tinyblob", "c_blob",
            "c_mediumblob", "c_longblob");
    private static final Set<String> GEOMETRY = Set.of("c_geometry", "c_point", "c_linestring", "c_polygon",
            "c_multipoint", "c_multilinestring", "c_multipolygon", "c_geometrycollection");
    private static final Set<String> TEXT = Set.of("c_char", "c_char100", "c_varchar", "c_varchar_small",
            "c_tinytext", "c_text", "c_mediumtext", "c_longtext", "c_latin1", "c_char_latin1", "c_utf16",
            "c_cp1251");

    private static String canonical(String name, JsonNode v) {
        HexFormat hex = HexFormat.of().withUpperCase();
        if (BINARY.contains(name)) {
            return hex.formatHex(Base64.getDecoder().decode(v.asText()));
        }
        if (TEXT.contains(name)) {
            return hex.formatHex(v.asText().getBytes(StandardCharsets.UTF_8));
        }
        if (GEOMETRY.contains(name)) {
            byte[] wkb = Base64.getDecoder().decode(v.get("wkb").asText());
            ByteBuffer b = ByteBuffer.allocate(4 + wkb.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(v.get("srid").asInt()).put(wkb);
            return hex.formatHex(b.array());
        }
        if (name.equals("c_set")) {
            List<String> members = new ArrayList<>();
            v.forEach(m -> members.add(m.asText()));
            return String.join(",", members);
        }
        if (name.equals("c_json")) {
            return v.asText();
        }
        return v.asText();
    }

    /**
     * One text for values that two correct programs may print differently: FLOAT to the 6 significant digits MySQL
     * shows, DOUBLE as Java prints the double, JSON as Jackson writes the parsed document.
     */
    static List<String> normalise(List<String> row) {
        List<String> out = new ArrayList<>(row);
        int f = AllTypesTable.columnIndex("c_float");
        int d = AllTypesTable.columnIndex("c_double");
        int j = AllTypesTable.columnIndex("c_json");
        if (out.get(f) != null) {
            out.set(f, new BigDecimal(out.get(f)).round(new MathContext(6)).stripTrailingZeros().toString());
        }
        if (out.get(d) != null) {
            out.set(d, Double.toString(Double.parseDouble(out.get(d))));
        }
        if (out.get(j) != null) {
            out.set(j, DecoderFixture.parse(out.get(j)).toString());
        }
        return out;
    }
}
