package io.sluice.model.rows;

import static io.sluice.model.binlog.V4Events.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.binlog.Bytes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden events captured from MySQL 8.0.31 ({@code --binlog-row-metadata=FULL}, binlog_checksum=CRC32), read
 * from {@code binlog.000001} of a fresh server after:
 * <pre>
 * CREATE TABLE g.t (id INT UNSIGNED NOT NULL PRIMARY KEY, c CHAR(100), d DECIMAL(10,3), tm TIME(3),
 *                   e ENUM('x','y')) DEFAULT CHARSET=utf8mb4;
 * INSERT INTO g.t VALUES (7, 'hi', -1234567.891, '-12:34:56.789', 'y');
 * </pre>
 */
class RowsDecoderTest {

    static final byte[] TABLE_MAP = hex(
            "6a90106b",         // timestamp
            "13",               // type 19 = TABLE_MAP_EVENT
            "4e000000",         // server_id 78
            "5c000000",         // event_size 92
            "69030000",         // log_pos 873
            "0000",             // flags
            "6a0000000000",     // table_id 106
            "0100",             // flags: TM_BIT_LEN_EXACT_F
            "01", "67", "00",   // schema "g", NUL
            "01", "74", "00",   // table "t", NUL
            "05",               // 5 columns
            "03fef613fe",       // types: LONG, STRING, NEWDECIMAL, TIME2, STRING
            "07",               // 7 bytes of metadata
            "ee90",             // CHAR(100) utf8mb4 = 400 bytes: real type 0xfe ^ (0x100 >> 4), low byte 0x90
            "0a03",             // DECIMAL precision 10, scale 3
            "03",               // TIME(3)
            "f701",             // ENUM (real type 0xf7), pack length 1
            "1e",               // nullable: columns 1 to 4
            "01", "01", "80",   // SIGNEDNESS, 1 byte: numeric columns (id, d) -> id unsigned
            "02", "03", "fcff00", // DEFAULT_CHARSET, 3 bytes: collation 255 (utf8mb4_0900_ai_ci), no exceptions
            "04", "0c", "026964", "0163", "0164", "02746d", "0165", // COLUMN_NAME: id, c, d, tm, e
            "0a", "03", "fcff00", // ENUM_AND_SET_DEFAULT_CHARSET: 255
            "06", "05", "02", "0178", "0179", // ENUM_STR_VALUE: one ENUM of 2 members, x and y
            "08", "01", "00",   // SIMPLE_PRIMARY_KEY: column 0
            "0c", "01", "f8",   // COLUMN_VISIBILITY: 5 columns visible
            "05fb1904");        // CRC32

    static final byte[] WRITE_ROWS = hex(
            "6a90106b",         // timestamp
            "1e",               // type 30 = WRITE_ROWS_EVENT (v2)
            "4e000000",         // server_id 78
            "38000000",         // event_size 56
            "a1030000",         // log_pos 929
            "0000",             // flags
            "6a0000000000",     // table_id 106
            "0100",             // flags: STMT_END_F
            "0200",             // extra data length 2 (itself only)
            "05",               // 5 columns
            "ff",               // all columns in the image
            "00",               // row 1: no NULLs
            "07000000",         // id 7
            "0200", "6869",     // c: 2-byte length (the column is 400 bytes) 2, "hi"
            "7fed2978fc84",     // d: -1234567.891 (0x80 12d687 037b inverted)
            "7f3747e12e",       // tm: -12:34:56.789: int part -51385 + 0x800000, fraction -7890 as u16
            "02",               // e: index 2 = 'y'
            "60085b10");        // CRC32

    @Test
    void parsesTheTableMapAndEveryOptionalMetadataField() {
        TableMap map = TableMap.parse(TABLE_MAP, true);
        assertThat(map.tableId()).isEqualTo(106);
        assertThat(map.database()).isEqualTo("g");
        assertThat(map.table()).isEqualTo("t");
        assertThat(map.hasColumnNames()).isTrue();
        assertThat(map.columns()).extracting(Column::name).containsExactly("id", "c", "d", "tm", "e");
        assertThat(map.columns()).extracting(Column::type).containsExactly(
                ColumnTypes.LONG, ColumnTypes.STRING, ColumnTypes.NEWDECIMAL, ColumnTypes.TIME2, ColumnTypes.ENUM);
        assertThat(map.columns()).extracting(Column::typeName)
                .containsExactly("int unsigned", "char", "decimal(10,3)", "time(3)", "enum");
        assertThat(map.columns()).extracting(Column::nullable).containsExactly(false, true, true, true, true);
        assertThat(map.columns()).extracting(Column::unsigned).containsExactly(true, false, false, false, false);
        assertThat(map.columns()).extracting(Column::collation).containsExactly(-1, 255, -1, -1, 255);
        assertThat(map.columns()).extracting(Column::primaryKey).containsExactly(true, false, false, false, false);
        assertThat(map.columns()).extracting(Column::visible).containsOnly(true);
        assertThat(map.columns().get(4).enumValues()).containsExactly("x", "y");
        assertThat(map.columns().get(2).meta()).isEqualTo(10 << 8 | 3);
    }

    @Test
    void stringMetaQuirkCarriesTheHighBitsOfTheCharLength() {
        Column c = TableMap.parse(TABLE_MAP, true).columns().get(1);
        assertThat(c.meta()).isEqualTo(0xee90);
        assertThat(c.charMaxLength()).isEqualTo(400);
        assertThat(ColumnTypes.stringLength(0xfe0a)).isEqualTo(10); // CHAR(10) latin1: no high bits
        assertThat(ColumnTypes.stringLength(0xde00)).isEqualTo(512); // 0x200: 0xfe ^ 0x20
        assertThat(ColumnTypes.stringLength(0xcefc)).isEqualTo(1020); // CHAR(255) utf8mb4: 0x3fc
        assertThat(ColumnTypes.stringRealType(0xcefc)).isEqualTo(ColumnTypes.STRING);
        assertThat(ColumnTypes.stringRealType(0xf801)).isEqualTo(ColumnTypes.SET);
    }

    @Test
    void decodesTheGoldenRow() {
        RowsDecoder decoder = new RowsDecoder(true);
        assertThat(decoder.accept(TABLE_MAP)).isEmpty();
        List<RowChange> rows = decoder.accept(WRITE_ROWS);
        assertThat(rows).hasSize(1);
        RowChange row = rows.get(0);
        assertThat(row.op()).isEqualTo(Operation.INSERT);
        assertThat(row.before()).isNull();
        assertThat(row.table().table()).isEqualTo("t");
        assertThat(row.after().values())
                .containsExactly(7L, "hi", new BigDecimal("-1234567.891"), "-12:34:56.789", "y");
        assertThat(row.after().present().cardinality()).isEqualTo(5);
    }

    @Test
    void decodesAVersion1RowsEventAndATableMapWithoutChecksum() {
        // WRITE_ROWS_EVENT_V1 (23): the v2 event without its extra-data length, and no CRC
        byte[] v1 = withoutChecksum(WRITE_ROWS);
        v1 = cut(v1, 27, 2);
        v1[4] = 23;
        RowsDecoder decoder = new RowsDecoder(false);
        decoder.accept(withoutChecksum(TABLE_MAP));
        assertThat(decoder.accept(v1)).singleElement()
                .satisfies(r -> assertThat(r.after().value(3)).isEqualTo("-12:34:56.789"));
    }

    @Test
    void withoutEnumNamesTheIndexIsTheValue() {
        // the TABLE_MAP without its ENUM_STR_VALUE field (7 bytes from offset 75)
        byte[] map = cut(TABLE_MAP, 75, 7);
        RowsDecoder decoder = new RowsDecoder(true);
        decoder.accept(map);
        assertThat(decoder.table(106).columns().get(4).enumValues()).isEmpty();
        assertThat(decoder.accept(WRITE_ROWS).get(0).after().value(4)).isEqualTo(2);
    }

    @Test
    void skipsOptionalMetadataOfUnknownTypes() {
        byte[] unknown = hex("7f", "03", "010203"); // type 127, 3 bytes
        byte[] map = insert(TABLE_MAP, TABLE_MAP.length - 4, unknown);
        assertThat(TableMap.parse(map, true).columns()).hasSize(5);
    }

    @Test
    void decimals() {
        assertThat(Decimals.binarySize(65, 30)).isEqualTo(30);
        assertThat(Decimals.binarySize(10, 0)).isEqualTo(5);
        assertThat(Decimals.binarySize(5, 5)).isEqualTo(3);
        // DECIMAL(5,5) -0.00001: fraction 5 digits in 3 bytes = 1, sign bit set for positive, then inverted
        assertThat(Decimals.decode(hex("7ffffe"), 0, 5, 5, "t")).isEqualTo(new BigDecimal("-0.00001"));
        // DECIMAL(10,0) 1234567890: a 1-digit group (1 byte) then 234567890 in 4 bytes
        assertThat(Decimals.decode(hex("81", "0dfb38d2"), 0, 10, 0, "t")).isEqualTo(new BigDecimal("1234567890"));
        // DECIMAL(4,2) 0.00 keeps its scale
        assertThat(Decimals.decode(hex("8000"), 0, 4, 2, "t")).isEqualTo(new BigDecimal("0.00"));
        // a group of 9 digits holding 0xffffffff is garbled
        assertThatThrownBy(() -> Decimals.decode(hex("ffffffffff"), 0, 10, 0, "t"))
                .isInstanceOf(RowsDecodingException.class).hasMessageContaining("garbled DECIMAL");
    }

    @Test
    void negativeTime2WithFractionsOfEveryPrecision() {
        assertThat(time2("7ffffe", "ce", 1)).isEqualTo("-00:00:01.5"); // -2 + borrow, fraction 0xce - 0x100
        assertThat(time2("7ffffe", "fa", 2)).isEqualTo("-00:00:01.06");
        assertThat(time2("800000", "32", 1)).isEqualTo("00:00:00.5");
        assertThat(time2("7fffff", "", 0)).isEqualTo("-00:00:01");
        assertThat(time2("7f3747", "e12e", 3)).isEqualTo("-12:34:56.789");
        assertThat(time2("7f3747", "e12e", 4)).isEqualTo("-12:34:56.7890");
        // fsp 5/6: one 6-byte value, -(hms << 24 | micros) + 0x800000000000; -838:59:58.999999
        long hms = 838L << 12 | 59 << 6 | 58;
        long packed = 0x800000000000L - (hms << 24 | 999_999);
        String six = String.format("%012x", packed);
        assertThat(time2(six.substring(0, 6), six.substring(6), 6)).isEqualTo("-838:59:58.999999");
        assertThat(time2(six.substring(0, 6), six.substring(6), 5)).isEqualTo("-838:59:58.99999");
    }

    @Test
    void temporalsOfOlderTypes() {
        assertThat(Temporals.time(-8385959 & 0xffffff)).isEqualTo("-838:59:59");
        assertThat(Temporals.datetime(20240229131415L)).isEqualTo("2024-02-29 13:14:15");
        assertThat(Temporals.timestamp(0)).isEqualTo("0000-00-00 00:00:00");
        assertThat(Temporals.timestamp(2147483647L)).isEqualTo("2038-01-19 03:14:07");
        assertThat(Temporals.date(0)).isEqualTo("0000-00-00");
    }

    @Test
    void everyTruncationOfTheRowsEventIsAnError() {
        byte[] body = withoutChecksum(WRITE_ROWS);
        int rowsStart = 19 + 6 + 2 + 2 + 1 + 1; // header, table id, flags, extra length, width, column bitmap
        for (int length = 19; length < body.length; length++) {
            byte[] truncated = withChecksumRoom(Arrays.copyOf(body, length));
            RowsDecoder decoder = new RowsDecoder(true);
            decoder.accept(TABLE_MAP);
            if (length == rowsStart) {
                assertThat(decoder.accept(truncated)).as("no rows at all").isEmpty();
                continue;
            }
            int cut = length;
            assertThatThrownBy(() -> decoder.accept(truncated)).as("cut at " + cut)
                    .isInstanceOf(RowsDecodingException.class)
                    .hasMessageContaining("WRITE_ROWS");
        }
    }

    @Test
    void aTruncatedValueNamesTheTableColumnAndType() {
        byte[] body = withoutChecksum(WRITE_ROWS);
        byte[] truncated = withChecksumRoom(Arrays.copyOf(body, body.length - 3)); // inside tm
        RowsDecoder decoder = new RowsDecoder(true);
        decoder.accept(TABLE_MAP);
        assertThatThrownBy(() -> decoder.accept(truncated))
                .isInstanceOf(RowsDecodingException.class)
                .hasMessageContaining("g.t")
                .hasMessageContaining("column 3 tm (time(3))");
    }

    @Test
    void everyTruncationOfTheTableMapIsAnErrorOrDropsWholeMetadataFields() {
        byte[] body = withoutChecksum(TABLE_MAP);
        int mandatoryEnd = 19 + 8 + 3 + 3 + 1 + 5 + 1 + 7 + 1;
        List<Integer> parsed = new ArrayList<>();
        for (int length = 0; length < body.length; length++) {
            byte[] prefix = Arrays.copyOf(body, length);
            byte[] truncated = length < 19 ? prefix : withChecksumRoom(prefix);
            try {
                TableMap.parse(truncated, length >= 19);
                parsed.add(length);
            } catch (RowsDecodingException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        // only the cuts between whole optional metadata fields leave a valid event
        assertThat(parsed).containsExactly(mandatoryEnd, mandatoryEnd + 3, mandatoryEnd + 8, mandatoryEnd + 22,
                mandatoryEnd + 27, mandatoryEnd + 34, mandatoryEnd + 37);
    }

    @Test
    void rowsOfAnUnknownTableAndPartialUpdatesAreErrors() {
        RowsDecoder decoder = new RowsDecoder(true);
        assertThatThrownBy(() -> decoder.accept(WRITE_ROWS))
                .isInstanceOf(RowsDecodingException.class)
                .hasMessageContaining("table id 106 without a TABLE_MAP");
        byte[] partial = WRITE_ROWS.clone();
        partial[4] = 39;
        assertThatThrownBy(() -> decoder.accept(partial))
                .isInstanceOf(RowsDecodingException.class)
                .hasMessageContaining("binlog_row_value_options=PARTIAL_JSON is not supported");
        byte[] query = WRITE_ROWS.clone();
        query[4] = 2;
        assertThat(decoder.accept(query)).isEmpty();
        assertThatThrownBy(() -> decoder.accept(new byte[3])).isInstanceOf(RowsDecodingException.class);
        byte[] shortLength = WRITE_ROWS.clone();
        Bytes.put32(shortLength, 9, 5); // event_size below the header's 19 bytes
        assertThatThrownBy(() -> decoder.accept(shortLength)).isInstanceOf(RowsDecodingException.class)
                .hasMessageContaining("shorter than its header");
    }

    @Test
    void aWidthOtherThanTheTableMapsIsAnError() {
        byte[] rows = WRITE_ROWS.clone();
        rows[29] = 4;
        RowsDecoder decoder = new RowsDecoder(true);
        decoder.accept(TABLE_MAP);
        assertThatThrownBy(() -> decoder.accept(rows))
                .isInstanceOf(RowsDecodingException.class).hasMessageContaining("4 columns, its TABLE_MAP 5");
    }

    @Test
    void anImageOfNoColumnsIsAnErrorNotAnEndlessRowLoop() {
        byte[] rows = WRITE_ROWS.clone();
        rows[30] = 0; // the columns bitmap: no column in the image, so a row would take no bytes
        RowsDecoder decoder = new RowsDecoder(true);
        decoder.accept(TABLE_MAP);
        assertThatThrownBy(() -> decoder.accept(rows))
                .isInstanceOf(RowsDecodingException.class).hasMessageContaining("a row image of no columns");
    }

    @Test
    void valuesAreCopiedInAndOut() {
        byte[] wkb = {1, 2};
        Geometry g = new Geometry(4326, wkb);
        wkb[0] = 9;
        g.wkb()[1] = 9;
        assertThat(g.wkb()).containsExactly(1, 2);
        assertThat(g).isEqualTo(new Geometry(4326, new byte[] {1, 2}));
        byte[] json = {4, 0};
        MysqlJson j = new MysqlJson(json);
        json[0] = 0;
        assertThat(j.binary()).containsExactly(4, 0);
        assertThat(Collations.charset(255)).hasToString("UTF-8");
        assertThat(Collations.charset(8)).hasToString("windows-1252");
        assertThat(Collations.charset(63)).isNull();
        assertThat(Collations.charset(-1)).isNull();
        assertThat(Collations.charsetName(33)).isEqualTo("utf8mb3");
    }

    private static String time2(String intPart, String frac, int fsp) {
        byte[] b = hex(intPart, frac);
        return Temporals.time2(new Reader(b, 0, b.length, () -> "test"), fsp);
    }

    private static byte[] withoutChecksum(byte[] event) {
        byte[] out = Arrays.copyOf(event, event.length - 4);
        Bytes.put32(out, 9, out.length);
        return out;
    }

    /** The event with 4 bytes of room for a CRC (not computed: the decoder does not verify it). */
    private static byte[] withChecksumRoom(byte[] event) {
        byte[] out = Arrays.copyOf(event, event.length + 4);
        Bytes.put32(out, 9, out.length);
        return out;
    }

    private static byte[] cut(byte[] event, int from, int n) {
        byte[] out = new byte[event.length - n];
        System.arraycopy(event, 0, out, 0, from);
        System.arraycopy(event, from + n, out, from, event.length - from - n);
        Bytes.put32(out, 9, out.length);
        return out;
    }

    private static byte[] insert(byte[] event, int at, byte[] extra) {
        byte[] out = new byte[event.length + extra.length];
        System.arraycopy(event, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(event, at, out, at + extra.length, event.length - at);
        Bytes.put32(out, 9, out.length);
        return out;
    }
}
