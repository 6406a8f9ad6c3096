package io.sluice.model.rows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.testkit.MysqlServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * MySQL 8.0.31 writes JSON documents of every kind; their binary form is taken from the row events of its binlog
 * file and {@link JsonBinary#toJson} must parse to the same JSON tree as the server's own {@code CAST(j AS CHAR)}
 * (numbers compared by value, strings, keys and key order exactly).
 */
class JsonBinaryIT {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    /** A value to insert: an SQL expression, with at most one {@code ?} bound to {@code parameter}. */
    private record Doc(String expression, String parameter) {
        static Doc text(String json) {
            return new Doc("CAST(? AS JSON)", json);
        }

        static Doc sql(String expression) {
            return new Doc(expression, null);
        }
    }

    private static List<Doc> documents() {
        List<Doc> docs = new ArrayList<>();
        // every scalar kind, at the top level
        for (String scalar : List.of("null", "true", "false", "0", "-1", "32767", "-32768", "32768", "65535",
                "2147483647", "-2147483648", "2147483648", "4294967295", "9223372036854775807",
                "-9223372036854775808", "9223372036854775808", "18446744073709551615", "1.5", "-2.25", "0.1",
                "100.0", "1e14", "1e15", "1.25e15", "1e-15", "1e-16", "1e300", "-1e-300", "1.7976931348623157e308",
                "5e-324", "0.30000000000000004", "1234567890123456.8", "3.141592653589793", "-0.0",
                "\"\"", "\"abc\"", "\"quote \\\" backslash \\\\ slash / tab \\t newline \\n nul \\u0000 \\u001f\"",
                "\"h\u00e9llo \u20ac \uD83D\uDE00 \u4e2d\u6587\"")) {
            docs.add(Doc.text(scalar));
        }
        // containers, small
        docs.add(Doc.text("[]"));
        docs.add(Doc.text("{}"));
        docs.add(Doc.text("[1, \"a\", null, true, false, 70000, -70000, 5000000000, 2.5, [], {}]"));
        docs.add(Doc.text("{\"b\": 1, \"a\": 2, \"aa\": [3], \"\": null, \"ccc\": {\"x\": \"y\"}}"));
        docs.add(Doc.text("{\"\u043a\u043b\u044e\u0447\": 1, \"\uD83D\uDE00\": 2, \"caf\u00e9\": \"\u00e9\", "
                + "\"a\\\"b\": \"\\\\\"}"));
        docs.add(Doc.sql("JSON_ARRAY(CAST(65535 AS UNSIGNED), CAST(4000000000 AS UNSIGNED), "
                + "CAST(18446744073709551615 AS UNSIGNED), CAST(7 AS UNSIGNED))"));
        // opaque values: DECIMAL, the temporal types, other field types
        docs.add(Doc.sql("CAST(CAST(1.25 AS DECIMAL(10,3)) AS JSON)"));
        docs.add(Doc.sql("JSON_OBJECT('d', CAST(1.25 AS DECIMAL(10,3)), 'n', CAST(-0.5 AS DECIMAL(4,2)), "
                + "'z', CAST(0 AS DECIMAL(5,2)), 'i', CAST(-12345 AS DECIMAL(5,0)))"));
        docs.add(Doc.sql("JSON_ARRAY(CAST('-12345678901234567890123456789012345.123456789012345678901234567890' "
                + "AS DECIMAL(65,30)), CAST(99999999999999999999 AS DECIMAL(20,0)))"));
        docs.add(Doc.sql("CAST(CAST('2020-01-02' AS DATE) AS JSON)"));
        docs.add(Doc.sql("JSON_ARRAY(CAST('2020-01-02' AS DATE), CAST('1000-01-01' AS DATE))"));
        docs.add(Doc.sql("CAST(CAST('12:34:56.789' AS TIME(3)) AS JSON)"));
        docs.add(Doc.sql("JSON_ARRAY(CAST('12:34:56.789' AS TIME(3)), CAST('-838:59:59' AS TIME), "
                + "CAST('100:00:00.000001' AS TIME(6)), CAST('00:00:00' AS TIME))"));
        docs.add(Doc.sql("CAST(NOW(6) AS JSON)"));
        docs.add(Doc.sql("JSON_OBJECT('now', NOW(6), 'dt', CAST('2015-01-15 23:24:25' AS DATETIME), "
                + "'dt6', CAST('9999-12-31 23:59:59.999999' AS DATETIME(6)))"));
        docs.add(Doc.sql("(SELECT JSON_ARRAY(ts, ts0) FROM js.src)"));
        docs.add(Doc.sql("(SELECT CAST(ts AS JSON) FROM js.src)"));
        docs.add(Doc.sql("CAST(x'0102ff' AS JSON)"));
        docs.add(Doc.sql("CAST(UNHEX(REPEAT('00ff7f80', 40)) AS JSON)"));
        docs.add(Doc.sql("CAST(b'101' AS JSON)"));
        docs.add(Doc.sql("JSON_ARRAY(CAST(x'cafe' AS BINARY), (SELECT bits FROM js.src), (SELECT blob_col FROM js.src))"));
        // large containers (over 64 KiB), with int32 and uint32 inlined in their value entries
        docs.add(Doc.sql("JSON_ARRAY(CAST(4000000000 AS UNSIGNED), -5, 70000, -70000, 1, 2.5, NULL, TRUE, "
                + "CAST(1.5 AS DECIMAL(3,1)), REPEAT('x', 70000))"));
        docs.add(Doc.text(bigArray()));
        docs.add(Doc.text(bigObject()));
        docs.add(Doc.sql("JSON_OBJECT('big', REPEAT('\u00e9', 40000), 'n', 70000, 'u', CAST(70000 AS UNSIGNED))"));
        // deep nesting: MySQL allows 100 levels
        docs.add(Doc.text("[".repeat(100) + "]".repeat(100)));
        docs.add(Doc.text("{\"a\": [".repeat(50) + "1" + "]}".repeat(50)));
        return docs;
    }

    private static String bigArray() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            b.append(i > 0 ? ", " : "").append(switch (i % 6) {
                case 0 -> Integer.toString(i * 100_003);
                case 1 -> "\"s" + i + "\"";
                case 2 -> i + ".5";
                case 3 -> "{\"k\": " + i + "}";
                case 4 -> "[" + (-i) + ", null]";
                default -> Long.toString(i * 1_000_000_007L);
            });
        }
        return b.append(']').toString();
    }

    private static String bigObject() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 6_000; i++) {
            b.append(i > 0 ? ", " : "").append("\"key").append(i).append("\u00e9\": ")
                    .append(i % 2 == 0 ? Integer.toString(i * 1000) : "\"value " + i + "\"");
        }
        return b.append('}').toString();
    }

    @Test
    void decodesTheBinaryJsonMysqlWritesToItsBinlog() throws Exception {
        List<Doc> docs = documents();
        try (MysqlServer mysql = MysqlServer.start(1)) {
            mysql.execute("CREATE DATABASE js",
                    "CREATE TABLE js.t (id INT PRIMARY KEY, j JSON)",
                    "CREATE TABLE js.src (ts TIMESTAMP(6), ts0 TIMESTAMP, bits BIT(12), blob_col BLOB)",
                    "INSERT INTO js.src VALUES ('2021-03-04 05:06:07.080900', '2021-03-04 05:06:07', b'101010101010', "
                            + "x'00010203')");
            try (Connection c = mysql.connect()) {
                for (int id = 0; id < docs.size(); id++) {
                    Doc doc = docs.get(id);
                    try (PreparedStatement st = c.prepareStatement("INSERT INTO js.t VALUES (?, "
                            + doc.expression() + ")")) {
                        st.setInt(1, id);
                        if (doc.parameter() != null) {
                            st.setString(2, doc.parameter());
                        }
                        st.executeUpdate();
                    }
                }
            }
            mysql.execute("FLUSH BINARY LOGS");

            Map<Integer, String> expected = new TreeMap<>();
            for (List<String> row : mysql.query("SELECT id, CAST(j AS CHAR) FROM js.t")) {
                expected.put(Integer.valueOf(row.get(0)), row.get(1));
            }
            Map<Integer, byte[]> binary = jsonColumnsFromBinlog(mysql.dataDir(), "js", "t");

            assertThat(binary.keySet()).containsExactlyElementsOf(expected.keySet()).hasSize(docs.size());
            TreeSet<Integer> topLevelTypes = new TreeSet<>();
            for (Map.Entry<Integer, byte[]> e : binary.entrySet()) {
                int id = e.getKey();
                String ours = JsonBinary.toJson(e.getValue());
                String theirs = expected.get(id);
                String where = "document " + id + " (" + docs.get(id) + "), MySQL: " + abbreviate(theirs)
                        + ", ours: " + abbreviate(ours);
                assertThat(sameTree(MAPPER.readTree(ours), MAPPER.readTree(theirs))).as(where).isTrue();
                assertThat(ours).as("compact, no spaces outside strings: " + where)
                        .doesNotContain(", ").doesNotContain("\": ");
                topLevelTypes.add(e.getValue()[0] & 0xff);
            }
            // the documents covered both container formats, every scalar type and opaque values at the top
            assertThat(topLevelTypes).contains(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x09, 0x0a, 0x0b, 0x0c,
                    0x0f);
            // MySQL prints these temporal values with six fraction digits, DATE without time
            assertThat(JsonBinary.toJson(binary.get(indexOf(docs, "CAST(CAST('12:34:56.789' AS TIME(3)) AS JSON)"))))
                    .isEqualTo("\"12:34:56.789000\"");
            assertThat(JsonBinary.toJson(binary.get(indexOf(docs, "CAST(CAST('2020-01-02' AS DATE) AS JSON)"))))
                    .isEqualTo("\"2020-01-02\"");
            assertThat(JsonBinary.toJson(binary.get(indexOf(docs, "CAST(CAST(1.25 AS DECIMAL(10,3)) AS JSON)"))))
                    .isEqualTo("1.250");
        }
    }

    private static int indexOf(List<Doc> docs, String expression) {
        for (int i = 0; i < docs.size(); i++) {
            if (docs.get(i).expression().equals(expression)) {
                return i;
            }
        }
        throw new IllegalArgumentException(expression);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " characters)";
    }

    /** Equal JSON trees: same key order, numbers equal by value (and both integral or both not). */
    private static boolean sameTree(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.isIntegralNumber() == b.isIntegralNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
            return false;
        }
        if (a.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> x = a.properties().iterator();
            Iterator<Map.Entry<String, JsonNode>> y = b.properties().iterator();
            while (x.hasNext()) {
                Map.Entry<String, JsonNode> ex = x.next();
                Map.Entry<String, JsonNode> ey = y.next();
                if (!ex.getKey().equals(ey.getKey()) || !sameTree(ex.getValue(), ey.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            for (int i = 0; i < a.size(); i++) {
                if (!sameTree(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /**
     * The JSON column of every row that WRITE_ROWS events (v2, type 30) of the closed binlog files inserted into
     * {@code schema.table}, a table {@code (id INT PRIMARY KEY, j JSON)}, by id. Layout from
     * {@code libbinlogevents/include/rows_event.h}: post-header table_id (6 bytes), flags (2), extra data length
     * (2, counting itself) and extra data; body column count (packed integer), the columns-present bitmap, then
     * per row a null bitmap, the 4-byte int and the JSON value as a 4-byte length and its bytes.
     */
    private static Map<Integer, byte[]> jsonColumnsFromBinlog(Path dataDir, String schema, String table)
            throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dataDir)) {
            files = list.filter(p -> p.getFileName().toString().matches("binlog\\.\\d{6}")).sorted()
                    .collect(Collectors.toList());
        }
        // the last file is the one FLUSH BINARY LOGS opened: empty of rows, and still being written
        files = files.subList(0, files.size() - 1);
        Map<Integer, byte[]> rows = new TreeMap<>();
        for (Path file : files) {
            byte[] bin = Files.readAllBytes(file);
            int pos = 4;   // after the magic number fe 62 69 6e
            boolean crc = false;
            long tableId = -1;
            while (pos < bin.length) {
                EventHeader header = EventHeader.parse(bin, pos, bin.length - pos);
                int end = pos + (int) header.eventLength();
                int bodyEnd = end - (crc ? 4 : 0);
                int body = pos + EventHeader.SIZE;
                if (header.type() == EventType.FORMAT_DESCRIPTION) {
                    crc = FormatDescription.parse(Arrays.copyOfRange(bin, pos, end)).hasCrc32();
                } else if (header.type() == EventType.TABLE_MAP) {
                    long id = Bytes.u48(bin, body);
                    int p = body + 8;
                    String db = new String(bin, p + 1, bin[p] & 0xff, StandardCharsets.UTF_8);
                    p += 1 + (bin[p] & 0xff) + 1;
                    String name = new String(bin, p + 1, bin[p] & 0xff, StandardCharsets.UTF_8);
                    if (db.equals(schema) && name.equals(table)) {
                        tableId = id;
                    }
                } else if (header.type() == EventType.WRITE_ROWS && Bytes.u48(bin, body) == tableId) {
                    int p = body + 8;
                    p += Bytes.u16(bin, p);            // extra data length counts its own two bytes
                    int columns = bin[p++] & 0xff;     // packed integer: one byte below 251
                    assertThat(columns).isEqualTo(2);
                    p += 1;                            // columns-present bitmap: both present
                    while (p < bodyEnd) {
                        int nulls = bin[p++] & 0xff;
                        assertThat(nulls & 1).as("id is never NULL").isZero();
                        int id = (int) Bytes.u32(bin, p);
                        p += 4;
                        if ((nulls & 2) != 0) {
                            continue;
                        }
                        int length = (int) Bytes.u32(bin, p);
                        rows.put(id, Arrays.copyOfRange(bin, p + 4, p + 4 + length));
                        p += 4 + length;
                    }
                }
                pos = end;
            }
        }
        return rows;
    }
}
