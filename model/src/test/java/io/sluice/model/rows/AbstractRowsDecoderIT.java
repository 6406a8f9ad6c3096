package io.sluice.model.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.testkit.AllTypesTable;
import io.sluice.testkit.MysqlServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link AllTypesTable}'s inserts, updates and deletes on a real MySQL 8.0.31, reads the binlog files from its
 * data directory, decodes them with {@link RowsDecoder} and compares every row image with what the source returned
 * for the same row ({@link AllTypesTable#canonicalRows}). Subclasses choose {@code binlog_row_metadata}.
 */
abstract class AbstractRowsDecoderIT {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};

    /** {@code FULL} or {@code MINIMAL}. */
    abstract String rowMetadata();

    abstract int serverId();

    private boolean full() {
        return rowMetadata().equals("FULL");
    }

    @Test
    void decodesEveryRowImageAsTheSourceHoldsIt() throws IOException {
        try (MysqlServer source = MysqlServer.start(serverId(), "--binlog-row-metadata=" + rowMetadata())) {
            source.execute(AllTypesTable.createStatements().toArray(String[]::new));
            source.execute(AllTypesTable.insertStatements().toArray(String[]::new));
            Map<Long, List<String>> inserted = byId(AllTypesTable.canonicalRows(source));
            source.execute(AllTypesTable.updateStatements().toArray(String[]::new));
            Map<Long, List<String>> updated = byId(AllTypesTable.canonicalRows(source));
            source.execute(AllTypesTable.deleteStatements().toArray(String[]::new));
            Map<Long, List<String>> remaining = byId(AllTypesTable.canonicalRows(source));
            source.execute("FLUSH BINARY LOGS");

            List<RowChange> changes = decodeBinlog(source.dataDir());
            assertThat(changes).extracting(RowChange::op, c -> id(c))
                    .containsExactly(
                            tuple(Operation.INSERT, 1L),
                            tuple(Operation.INSERT, 2L),
                            tuple(Operation.INSERT, 3L),
                            tuple(Operation.INSERT, 4L),
                            tuple(Operation.INSERT, 5L),
                            tuple(Operation.INSERT, 6L),
                            tuple(Operation.INSERT, 7L),
                            tuple(Operation.UPDATE, 1L),
                            tuple(Operation.UPDATE, 2L),
                            tuple(Operation.UPDATE, 5L),
                            tuple(Operation.DELETE, 3L),
                            tuple(Operation.DELETE, 4L),
                            tuple(Operation.DELETE, 6L));
            assertThat(remaining.keySet()).containsExactly(1L, 2L, 5L, 7L);

            TableMap map = changes.get(0).table();
            checkTableMap(map);
            int compared = 0;
            for (RowChange change : changes) {
                long id = id(change);
                switch (change.op()) {
                    case INSERT -> compared += compare(change.after(), inserted.get(id), "insert of row " + id);
                    case UPDATE -> {
                        compared += compare(change.before(), inserted.get(id), "before image of update of row " + id);
                        compared += compare(change.after(), updated.get(id), "after image of update of row " + id);
                    }
                    case DELETE -> compared += compare(change.before(), updated.get(id), "delete of row " + id);
                }
            }
            assertThat(compared).isEqualTo(16 * AllTypesTable.columnNames().size());
        }
    }

    private void checkTableMap(TableMap map) {
        List<String> names = AllTypesTable.columnNames();
        assertThat(map.database()).isEqualTo(AllTypesTable.DATABASE);
        assertThat(map.table()).isEqualTo(AllTypesTable.TABLE);
        assertThat(map.columns()).hasSize(names.size());
        assertThat(map.hasColumnNames()).isEqualTo(full());
        Column enumColumn = map.columns().get(AllTypesTable.columnIndex("c_enum"));
        Column setColumn = map.columns().get(AllTypesTable.columnIndex("c_set"));
        Column id = map.columns().get(0);
        assertThat(enumColumn.typeName()).isEqualTo("enum");
        assertThat(setColumn.typeName()).isEqualTo("set");
        if (full()) {
            assertThat(map.columns()).extracting(Column::name).containsExactlyElementsOf(names);
            assertThat(enumColumn.enumValues()).isEqualTo(AllTypesTable.ENUM_VALUES);
            assertThat(setColumn.setValues()).isEqualTo(AllTypesTable.SET_VALUES);
            assertThat(id.primaryKey()).isTrue();
            assertThat(map.columns().stream().filter(Column::primaryKey).count()).isEqualTo(1);
        } else {
            assertThat(map.columns()).extracting(Column::name).containsOnlyNulls();
            assertThat(enumColumn.enumValues()).isEmpty();
            assertThat(id.primaryKey()).isFalse();
        }
        assertThat(id.nullable()).isFalse();
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_bigint_u")).typeName()).isEqualTo("bigint unsigned");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_bigint")).typeName()).isEqualTo("bigint");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_datetime6")).typeName()).isEqualTo("datetime(6)");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_dec65_30")).typeName()).isEqualTo("decimal(65,30)");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_char100")).typeName()).isEqualTo("char");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_char100")).charMaxLength()).isEqualTo(400);
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_binary")).typeName()).isEqualTo("binary");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_mediumtext")).typeName()).isEqualTo("mediumtext");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_longblob")).typeName()).isEqualTo("longblob");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_bit13")).typeName()).isEqualTo("bit(13)");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_multipolygon")).typeName())
                .isEqualTo("multipolygon");
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_latin1")).collation()).isEqualTo(8);
        assertThat(map.columns().get(AllTypesTable.columnIndex("c_varchar")).collation()).isEqualTo(255);
    }

    /** Compares one image column by column; returns the number of columns compared. */
    private int compare(RowImage image, List<String> expected, String what) {
        assertThat(expected).as(what + ": the source's row").isNotNull();
        assertThat(image).as(what).isNotNull();
        assertThat(image.values()).as(what + ": column count").hasSize(expected.size());
        int n = 0;
        for (int i = 0; i < expected.size(); i++) {
            String name = AllTypesTable.columnNames().get(i);
            assertThat(image.isPresent(i)).as(what + ", " + name + " present").isTrue();
            Object value = image.value(i);
            String want = expected.get(i);
            String context = what + ", column " + i + " " + name;
            if (want == null || value == null) {
                assertThat(value).as(context + " (decoded " + describe(value) + ")").isEqualTo(want);
            } else if (name.equals("c_float")) {
                BigDecimal got = new BigDecimal(Float.toString((Float) value)).round(new MathContext(6));
                assertThat(got.compareTo(new BigDecimal(want))).as(context + ": " + value + " vs " + want).isZero();
            } else if (name.equals("c_double")) {
                assertThat((Double) value).as(context).isEqualTo(Double.parseDouble(want));
            } else {
                assertThat(canonical(name, value)).as(context).isEqualTo(want);
            }
            n++;
        }
        return n;
    }

    private String canonical(String name, Object value) {
        if (name.equals("c_enum") && !full()) {
            assertThat(value).as(name + " without ENUM_STR_VALUE").isInstanceOf(Integer.class);
            int index = (Integer) value;
            return index == 0 ? "" : AllTypesTable.ENUM_VALUES.get(index - 1);
        }
        if (name.equals("c_set") && !full()) {
            assertThat(value).as(name + " without SET_STR_VALUE").isInstanceOf(Long.class);
            StringJoiner j = new StringJoiner(",");
            for (int bit = 0; bit < AllTypesTable.SET_VALUES.size(); bit++) {
                if (((Long) value >>> bit & 1) != 0) {
                    j.add(AllTypesTable.SET_VALUES.get(bit));
                }
            }
            return j.toString();
        }
        if (value instanceof Long || value instanceof BigInteger || value instanceof Integer) {
            return value.toString();
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof String s) {
            boolean temporal = name.startsWith("c_date") || name.startsWith("c_time");
            return temporal || name.equals("c_enum") ? s : HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
        }
        if (value instanceof byte[] b) {
            return HEX.formatHex(b);
        }
        if (value instanceof List<?> members) {
            StringJoiner j = new StringJoiner(",");
            members.forEach(m -> j.add((String) m));
            return j.toString();
        }
        if (value instanceof MysqlJson json) {
            return mysqlJsonText(JsonBinary.toJson(json.binary()));
        }
        if (value instanceof Geometry g) {
            byte[] srid = new byte[4];
            io.sluice.model.binlog.Bytes.put32(srid, 0, g.srid());
            return HEX.formatHex(srid) + HEX.formatHex(g.wkb());
        }
        return fail("unexpected Java type " + value.getClass() + " for " + name);
    }

    /**
     * JsonBinary's compact text laid out as MySQL's {@code CAST(j AS CHAR)}: a space after every {@code ,} and
     * {@code :} outside strings.
     */
    static String mysqlJsonText(String compact) {
        StringBuilder out = new StringBuilder(compact.length() + 64);
        boolean inString = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            out.append(c);
            if (inString) {
                if (c == '\\') {
                    out.append(compact.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ',' || c == ':') {
                out.append(' ');
            }
        }
        return out.toString();
    }

    private static String describe(Object value) {
        if (value instanceof byte[] b) {
            return "byte[" + b.length + "] " + HEX.formatHex(b, 0, Math.min(b.length, 32));
        }
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }

    private static long id(RowChange change) {
        RowImage image = change.after() != null ? change.after() : change.before();
        return (Long) image.value(0);
    }

    private static Map<Long, List<String>> byId(List<List<String>> rows) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        rows.forEach(r -> out.put(Long.parseLong(r.get(0)), r));
        return out;
    }

    /** Reads every binlog file of the index, splits it into events and decodes those of the all-types table. */
    private static List<RowChange> decodeBinlog(Path dataDir) throws IOException {
        List<String> files = Files.readAllLines(dataDir.resolve("binlog.index"));
        assertThat(files).isNotEmpty();
        List<RowChange> changes = new ArrayList<>();
        for (String file : files) {
            byte[] bytes = Files.readAllBytes(dataDir.resolve(Path.of(file).getFileName()));
            assertThat(Arrays.copyOf(bytes, 4)).as(file + " magic").isEqualTo(MAGIC);
            RowsDecoder decoder = null;
            boolean crc = false;
            int pos = 4;
            while (pos < bytes.length) {
                EventHeader header = EventHeader.parse(bytes, pos, bytes.length - pos);
                int length = Math.toIntExact(header.eventLength());
                byte[] event = Arrays.copyOfRange(bytes, pos, pos + length);
                assertThat(header.logPos()).as(file + " event at " + pos).isEqualTo(pos + length);
                if (header.type() == EventType.FORMAT_DESCRIPTION) {
                    crc = FormatDescription.parse(event).hasCrc32();
                    decoder = new RowsDecoder(crc);
                } else {
                    assertThat(decoder).as(file + ": an event before the FORMAT_DESCRIPTION").isNotNull();
                    if (crc) {
                        assertThat(Checksums.verify(event, 0, event.length)).as(file + " CRC at " + pos).isTrue();
                    }
                    for (RowChange change : decoder.accept(event)) {
                        if (change.table().database().equals(AllTypesTable.DATABASE)) {
                            changes.add(change);
                        }
                    }
                }
                pos += length;
            }
        }
        return changes;
    }
}
