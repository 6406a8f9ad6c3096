package io.sluice.model.rows;

import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses TABLE_MAP events (see {@link TableMap#parse(byte[], boolean)}), following MySQL's
 * {@code libbinlogevents/src/rows_event.cpp} (Table_map_event::Table_map_event and Optional_metadata_fields)
 * and {@code sql/log_event.cc} (Table_map_log_event::init_metadata_fields, which writes the optional metadata).
 *
 * <p>Body: u48 table_id, u16 flags, u8 schema length, schema, 0x00, u8 table length, table, 0x00, packed column
 * count, one type byte per column, packed metadata length, the metadata of each column (0 to 2 bytes by type), the
 * nullability bitmap (bit i of byte i/8 for column i), then up to the end (MySQL 8.0.1+) TLV optional metadata
 * fields: u8 type, packed length, value.
 */
final class TableMapParser {
    // Optional_metadata_field_type, libbinlogevents/include/rows_event.h
    static final int SIGNEDNESS = 1;
    static final int DEFAULT_CHARSET = 2;
    static final int COLUMN_CHARSET = 3;
    static final int COLUMN_NAME = 4;
    static final int SET_STR_VALUE = 5;
    static final int ENUM_STR_VALUE = 6;
    static final int GEOMETRY_TYPE = 7;
    static final int SIMPLE_PRIMARY_KEY = 8;
    static final int PRIMARY_KEY_WITH_PREFIX = 9;
    static final int ENUM_AND_SET_DEFAULT_CHARSET = 10;
    static final int ENUM_AND_SET_COLUMN_CHARSET = 11;
    /** MySQL 8.0.23+. */
    static final int COLUMN_VISIBILITY = 12;

    private TableMapParser() {
    }

    static TableMap parse(byte[] event, boolean checksum) {
        if (event == null) {
            throw new RowsDecodingException("TABLE_MAP event is null");
        }
        int end = bodyEnd(event, checksum, "TABLE_MAP");
        int type = event[4] & 0xff;
        if (type != EventType.TABLE_MAP) {
            throw new RowsDecodingException("not a TABLE_MAP event: " + EventType.name(type));
        }
        Reader r = new Reader(event, EventHeader.SIZE, end, () -> "TABLE_MAP");
        long tableId = r.u48("table id");
        r.where(() -> "TABLE_MAP of table id " + tableId);
        r.u16("flags");
        String database = name(r, "schema name");
        String table = name(r, "table name");
        String qualified = database + "." + table;
        r.where(() -> "TABLE_MAP of " + qualified + " (table id " + tableId + ")");
        int count = r.packedInt("column count");
        byte[] types = r.bytes(count, "column types");
        int metaLength = r.packedInt("metadata length");
        int metaEnd = r.pos() + metaLength;
        r.take(metaLength, "column metadata");
        Reader m = new Reader(event, metaEnd - metaLength, metaEnd, () -> "TABLE_MAP of " + qualified);
        Builder b = new Builder(count);
        for (int i = 0; i < count; i++) {
            int t = types[i] & 0xff;
            int col = i;
            m.where(() -> "TABLE_MAP of " + qualified + ", column " + col + " (" + ColumnTypes.name(t) + ")");
            int meta = readMeta(m, t);
            b.meta[i] = meta;
            b.type[i] = t == ColumnTypes.STRING ? resolveString(meta) : t;
        }
        if (m.hasRemaining()) {
            throw new RowsDecodingException("TABLE_MAP of " + qualified + ": " + m.remaining()
                    + " bytes of column metadata left over after " + count + " columns");
        }
        int nullAt = r.take((count + 7) / 8, "nullability bitmap");
        for (int i = 0; i < count; i++) {
            b.nullable[i] = (event[nullAt + i / 8] >> (i % 8) & 1) != 0;
        }
        while (r.hasRemaining()) {
            int fieldType = r.u8("optional metadata type");
            int length = r.packedInt("optional metadata length");
            int at = r.take(length, "optional metadata field " + fieldType);
            Reader f = new Reader(event, at, at + length,
                    () -> "TABLE_MAP of " + qualified + ", optional metadata field " + fieldType);
            b.optional(fieldType, f);
        }
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            columns.add(b.column(i));
        }
        return new TableMap(tableId, database, table, columns);
    }

    /** Checks the header and returns where the body ends (before the checksum). */
    static int bodyEnd(byte[] event, boolean checksum, String what) {
        if (event.length < EventHeader.SIZE) {
            throw new RowsDecodingException(what + " event of " + event.length + " bytes is shorter than its header");
        }
        EventHeader header;
        try {
            header = EventHeader.parse(event, 0, event.length);
        } catch (IllegalArgumentException e) {
            throw new RowsDecodingException(what + " event: " + e.getMessage(), e);
        }
        if (header.eventLength() != event.length) {
            throw new RowsDecodingException(EventType.name(header.type()) + " event's header says "
                    + header.eventLength() + " bytes, the array has " + event.length);
        }
        int end = event.length - (checksum ? Checksums.CRC_LEN : 0);
        if (end < EventHeader.SIZE) {
            throw new RowsDecodingException(EventType.name(header.type()) + " event of " + event.length
                    + " bytes has no room for its checksum");
        }
        return end;
    }

    private static String name(Reader r, String what) {
        int length = r.u8(what + " length");
        int at = r.take(length, what);
        if (r.u8(what + " terminator") != 0) {
            throw new RowsDecodingException("TABLE_MAP: " + what + " is not followed by 0x00");
        }
        return new String(r.data(), at, length, StandardCharsets.UTF_8);
    }

    /** Reads a column's metadata as MySQL's Table_def keeps it (see {@link Column#meta()}). */
    private static int readMeta(Reader m, int type) {
        return switch (type) {
            case ColumnTypes.FLOAT, ColumnTypes.DOUBLE, ColumnTypes.BLOB, ColumnTypes.TINY_BLOB,
                    ColumnTypes.MEDIUM_BLOB, ColumnTypes.LONG_BLOB, ColumnTypes.GEOMETRY, ColumnTypes.JSON,
                    ColumnTypes.TIME2, ColumnTypes.DATETIME2, ColumnTypes.TIMESTAMP2 -> m.u8("metadata");
            case ColumnTypes.VARCHAR, ColumnTypes.VAR_STRING -> m.u16("metadata");
            case ColumnTypes.BIT -> m.u16("metadata"); // bits % 8, then bytes
            case ColumnTypes.NEWDECIMAL, ColumnTypes.STRING, ColumnTypes.ENUM, ColumnTypes.SET -> {
                int first = m.u8("metadata");
                yield first << 8 | m.u8("metadata");
            }
            default -> 0;
        };
    }

    private static int resolveString(int meta) {
        int real = ColumnTypes.stringRealType(meta);
        return real == ColumnTypes.ENUM || real == ColumnTypes.SET ? real : ColumnTypes.STRING;
    }

    /** Per-column state while the optional metadata is read. */
    private static final class Builder {
        final int count;
        final int[] type;
        final int[] meta;
        final boolean[] nullable;
        final String[] names;
        final boolean[] unsigned;
        final int[] collation;
        final List<List<byte[]>> enumValues;
        final List<List<byte[]>> setValues;
        final int[] geometryType;
        final boolean[] primaryKey;
        final int[] prefix;
        final boolean[] visible;

        Builder(int count) {
            this.count = count;
            type = new int[count];
            meta = new int[count];
            nullable = new boolean[count];
            names = new String[count];
            unsigned = new boolean[count];
            collation = new int[count];
            Arrays.fill(collation, -1);
            enumValues = new ArrayList<>(java.util.Collections.nCopies(count, List.of()));
            setValues = new ArrayList<>(java.util.Collections.nCopies(count, List.of()));
            geometryType = new int[count];
            Arrays.fill(geometryType, -1);
            primaryKey = new boolean[count];
            prefix = new int[count];
            visible = new boolean[count];
            Arrays.fill(visible, true);
        }

        Column column(int i) {
            return new Column(i, type[i], meta[i], nullable[i], names[i], unsigned[i], collation[i],
                    decode(enumValues.get(i), collation[i]), decode(setValues.get(i), collation[i]),
                    geometryType[i], primaryKey[i], prefix[i], visible[i]);
        }

        /**
         * ENUM and SET member names are written in the column's character set (its typelib), which the
         * ENUM_AND_SET charset fields give; UTF-8 when they do not.
         */
        private static List<String> decode(List<byte[]> members, int collation) {
            java.nio.charset.Charset cs = Collations.charset(collation);
            java.nio.charset.Charset charset = cs == null ? StandardCharsets.UTF_8 : cs;
            return members.stream().map(b -> new String(b, charset)).toList();
        }

        /** The indexes of the columns whose type passes {@code test}, the ones a metadata field counts. */
        int[] columnsOf(java.util.function.IntPredicate test) {
            return java.util.stream.IntStream.range(0, count).filter(i -> test.test(type[i])).toArray();
        }

        void optional(int fieldType, Reader f) {
            switch (fieldType) {
                case SIGNEDNESS -> bitmap(f, columnsOf(ColumnTypes::isNumeric), unsigned, "SIGNEDNESS");
                case DEFAULT_CHARSET -> defaultCharset(f, columnsOf(ColumnTypes::isCharacter));
                case COLUMN_CHARSET -> columnCharset(f, columnsOf(ColumnTypes::isCharacter),
                        columnsOf(t -> ColumnTypes.isCharacter(t) || t == ColumnTypes.GEOMETRY));
                case ENUM_AND_SET_DEFAULT_CHARSET -> defaultCharset(f, columnsOf(ColumnTypes::isEnumOrSet));
                case ENUM_AND_SET_COLUMN_CHARSET -> {
                    int[] columns = columnsOf(ColumnTypes::isEnumOrSet);
                    columnCharset(f, columns, columns);
                }
                case COLUMN_NAME -> {
                    for (int i = 0; i < count; i++) {
                        names[i] = string(f, "name of column " + i);
                    }
                    end(f, "COLUMN_NAME");
                }
                case SET_STR_VALUE -> values(f, columnsOf(t -> t == ColumnTypes.SET), setValues, "SET_STR_VALUE");
                case ENUM_STR_VALUE -> values(f, columnsOf(t -> t == ColumnTypes.ENUM), enumValues, "ENUM_STR_VALUE");
                case GEOMETRY_TYPE -> {
                    for (int i : columnsOf(t -> t == ColumnTypes.GEOMETRY)) {
                        geometryType[i] = f.packedInt("geometry type of column " + i);
                    }
                    end(f, "GEOMETRY_TYPE");
                }
                case SIMPLE_PRIMARY_KEY -> {
                    while (f.hasRemaining()) {
                        primaryKey[columnIndex(f, "SIMPLE_PRIMARY_KEY")] = true;
                    }
                }
                case PRIMARY_KEY_WITH_PREFIX -> {
                    while (f.hasRemaining()) {
                        int i = columnIndex(f, "PRIMARY_KEY_WITH_PREFIX");
                        primaryKey[i] = true;
                        prefix[i] = f.packedInt("prefix length of column " + i);
                    }
                }
                case COLUMN_VISIBILITY -> {
                    int[] all = columnsOf(t -> true);
                    boolean[] bits = new boolean[count];
                    bitmap(f, all, bits, "COLUMN_VISIBILITY");
                    System.arraycopy(bits, 0, visible, 0, count);
                }
                default -> {
                    // a field of a later MySQL version: its length lets us skip it
                }
            }
        }

        private int columnIndex(Reader f, String field) {
            int i = f.packedInt(field + " column index");
            if (i >= count) {
                throw new RowsDecodingException("TABLE_MAP: " + field + " names column " + i + " of " + count);
            }
            return i;
        }

        /** A bitmap with one bit per counted column, most significant bit first. */
        private static void bitmap(Reader f, int[] columns, boolean[] out, String field) {
            int at = f.take((columns.length + 7) / 8, field + " bitmap");
            for (int k = 0; k < columns.length; k++) {
                out[columns[k]] = (f.data()[at + k / 8] & (0x80 >>> (k % 8))) != 0;
            }
        }

        private void defaultCharset(Reader f, int[] columns) {
            int dflt = f.packedInt("default collation");
            for (int i : columns) {
                collation[i] = dflt;
            }
            while (f.hasRemaining()) {
                int k = f.packedInt("column of a non-default collation");
                int c = f.packedInt("collation");
                if (k >= columns.length) {
                    throw new RowsDecodingException("TABLE_MAP: charset metadata names character column " + k
                            + " of " + columns.length);
                }
                collation[columns[k]] = c;
            }
        }

        /**
         * One collation per counted column. MySQL 8.0 counts CHAR, VARCHAR and BLOB/TEXT columns; MariaDB's
         * {@code is_character_type} counts spatial columns too, so when the field holds exactly one more entry per
         * spatial column, {@code orWith} is the list it counts.
         */
        private void columnCharset(Reader f, int[] columns, int[] orWith) {
            List<Integer> collations = new ArrayList<>();
            while (f.hasRemaining()) {
                collations.add(f.packedInt("collation"));
            }
            int[] counted = collations.size() == columns.length ? columns
                    : collations.size() == orWith.length ? orWith : null;
            if (counted == null) {
                throw new RowsDecodingException("TABLE_MAP: a column charset field of " + collations.size()
                        + " collations for " + columns.length + " columns");
            }
            for (int k = 0; k < counted.length; k++) {
                collation[counted[k]] = collations.get(k);
            }
        }

        private static void values(Reader f, int[] columns, List<List<byte[]>> out, String field) {
            for (int i : columns) {
                int n = f.packedInt("member count of column " + i);
                List<byte[]> members = new ArrayList<>(Math.min(n, 1024));
                for (int j = 0; j < n; j++) {
                    int length = f.packedInt("length of member " + j + " of column " + i);
                    members.add(f.bytes(length, "member " + j + " of column " + i));
                }
                out.set(i, members);
            }
            end(f, field);
        }

        private static String string(Reader f, String what) {
            int length = f.packedInt(what + " length");
            int at = f.take(length, what);
            return new String(f.data(), at, length, StandardCharsets.UTF_8);
        }

        private static void end(Reader f, String field) {
            if (f.hasRemaining()) {
                throw new RowsDecodingException("TABLE_MAP: " + f.remaining() + " bytes left over in " + field);
            }
        }
    }
}
