package io.sluice.model.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Golden binary JSON documents written by hand from {@code sql-common/json_binary.cc} (MySQL 8.0), every field
 * commented; offsets inside containers count from the byte after the container's type byte.
 */
class JsonBinaryTest {

    /** Joins hex parts, ignoring spaces. */
    static byte[] hex(String... parts) {
        return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
    }

    private static String json(String... parts) {
        return JsonBinary.toJson(hex(parts));
    }

    // ---- scalars ------------------------------------------------------------------------------------------

    @Test
    void literals() {
        assertThat(json("04", "00")).isEqualTo("null");  // literal, 0 = null
        assertThat(json("04", "01")).isEqualTo("true");  // literal, 1 = true
        assertThat(json("04", "02")).isEqualTo("false"); // literal, 2 = false
    }

    @Test
    void emptyDocumentIsNull() {
        assertThat(JsonBinary.toJson(new byte[0])).isEqualTo("null");
        assertThat(JsonBinary.toJson(hex("ffff"), 1, 0)).isEqualTo("null");
    }

    @Test
    void integersOfEveryWidth() {
        assertThat(json("05", "ffff")).isEqualTo("-1");                          // int16 -1
        assertThat(json("05", "0080")).isEqualTo("-32768");                      // int16 min
        assertThat(json("06", "ffff")).isEqualTo("65535");                       // uint16 max
        assertThat(json("07", "00000080")).isEqualTo("-2147483648");             // int32 min
        assertThat(json("08", "ffffffff")).isEqualTo("4294967295");              // uint32 max
        assertThat(json("09", "0000000000000080")).isEqualTo("-9223372036854775808"); // int64 min
        assertThat(json("09", "ffffffffffffff7f")).isEqualTo("9223372036854775807");  // int64 max
        assertThat(json("0a", "ffffffffffffffff")).isEqualTo("18446744073709551615"); // uint64 max
    }

    @Test
    void doubles() {
        assertThat(json("0b", "000000000000f83f")).isEqualTo("1.5");   // double 1.5 (0x3ff8000000000000)
        assertThat(json("0b", "000000000000f03f")).isEqualTo("1.0");   // double 1.0: MySQL appends ".0"
        assertThat(json("0b", "0000000000000080")).isEqualTo("-0.0");  // double -0.0
    }

    @Test
    void doubleLayoutFollowsMyGcvt() {
        assertThat(text(0.1)).isEqualTo("0.1");
        assertThat(text(-2.5)).isEqualTo("-2.5");
        assertThat(text(100)).isEqualTo("100.0");
        assertThat(text(1e14)).isEqualTo("100000000000000.0");
        assertThat(text(1e15)).isEqualTo("1e15");
        assertThat(text(1.25e15)).isEqualTo("1.25e15");
        assertThat(text(1234567890123456.8)).isEqualTo("1234567890123456.8");
        assertThat(text(12345678901234567.0)).isEqualTo("1.2345678901234568e16");
        assertThat(text(0.001)).isEqualTo("0.001");
        assertThat(text(1e-15)).isEqualTo("0.000000000000001");
        assertThat(text(1e-16)).isEqualTo("1e-16");
        assertThat(text(-1.5e-16)).isEqualTo("-1.5e-16");
        assertThat(text(1.0 / 3)).isEqualTo("0.3333333333333333");
        assertThat(text(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e308");
        assertThat(text(Double.MIN_VALUE)).isEqualTo("5e-324");   // Java's Double.toString says 4.9E-324
        assertThat(text(2e23)).isEqualTo("2e23");                // JDK 17's Double.toString says 1.9999999999999998E23
        assertThat(text(0)).isEqualTo("0.0");
    }

    @Test
    void doublesAreShortestAndReadBack() {
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            // every bit pattern, and numbers of the sizes that data has (a few digits, exponents near zero)
            double d = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong())
                    : Math.round(random.nextGaussian() * 1e6) / Math.pow(10, random.nextInt(12));
            if (!Double.isFinite(d)) {
                continue;
            }
            String text = text(d);
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(d);
            // never more significant digits than Java's own (which reads back, but is not always the shortest)
            assertThat(significantDigits(text)).as(text).isLessThanOrEqualTo(significantDigits(Double.toString(d)));
        }
    }

    private static String text(double d) {
        StringBuilder out = new StringBuilder();
        JsonText.appendDouble(out, d, 0);
        return out.toString();
    }

    private static int significantDigits(String number) {
        String mantissa = number.toLowerCase().split("e")[0].replace("-", "").replace(".", "");
        String trimmed = mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, trimmed.length());
    }

    @Test
    void strings() {
        assertThat(json("0c", "03", "616263")).isEqualTo("\"abc\"");   // string, length 3, "abc"
        assertThat(json("0c", "00")).isEqualTo("\"\"");                // empty string
        // "\"", "\\", "\n", U+0001, U+001F, "/" and U+007F are printed as JSON wants them
        assertThat(json("0c", "07", "22 5c 0a 01 1f 2f 7f"))
                .isEqualTo("\"\\\"\\\\\\n\\u0001\\u001f/\u007f\"");
        // "é" (c3 a9), "€" (e2 82 ac), U+1F600 (f0 9f 98 80): UTF-8 as is
        assertThat(json("0c", "09", "c3a9 e282ac f09f9880")).isEqualTo("\"é€\uD83D\uDE00\"");
        // 200 bytes: the length 200 = 0b1_1001000 takes two bytes, c8 (0x48 | continuation) then 01
        assertThat(json("0c", "c801", "78".repeat(200))).isEqualTo("\"" + "x".repeat(200) + "\"");
    }

    // ---- containers ---------------------------------------------------------------------------------------

    @Test
    void smallArray() {
        assertThat(json(
                "02",        // small array
                "0400",      // 4 elements
                "1200",      // 18 bytes: 4 + 4 value entries of 3, then "a" (2 bytes)
                "05 0100",   // [0] int16 1, inlined
                "0c 1000",   // [1] string at offset 16
                "04 0000",   // [2] literal null, inlined
                "04 0100",   // [3] literal true, inlined
                "01 61"))    // offset 16: string length 1, "a"
                .isEqualTo("[1,\"a\",null,true]");
    }

    @Test
    void smallArrayKeepsInt32OutOfLine() {
        assertThat(json(
                "02",          // small array
                "0100",        // 1 element
                "0b00",        // 11 bytes: 4 + 3 + 4
                "07 0700",     // [0] int32 at offset 7 (only large containers inline int32)
                "70110100"))   // offset 7: 70000
                .isEqualTo("[70000]");
    }

    @Test
    void smallObject() {
        assertThat(json(
                "00",          // small object
                "0200",        // 2 members
                "1700",        // 23 bytes
                "1200 0100",   // key 0 at offset 18, length 1
                "1300 0200",   // key 1 at offset 19, length 2 (MySQL sorts keys by length, then bytes)
                "05 0100",     // value 0: int16 1, inlined
                "0c 1500",     // value 1: string at offset 21
                "61",          // offset 18: "a"
                "6263",        // offset 19: "bc"
                "01 78"))      // offset 21: string length 1, "x"
                .isEqualTo("{\"a\":1,\"bc\":\"x\"}");
    }

    @Test
    void emptyContainers() {
        assertThat(json("02", "0000", "0400")).isEqualTo("[]");           // small array, 0 elements, 4 bytes
        assertThat(json("00", "0000", "0400")).isEqualTo("{}");           // small object, 0 members, 4 bytes
        assertThat(json("03", "00000000", "08000000")).isEqualTo("[]");   // large array, 0 elements, 8 bytes
    }

    @Test
    void largeArray() {
        assertThat(json(
                "03",                   // large array
                "04000000",             // 4 elements
                "2c000000",             // 44 bytes: 8 + 4 value entries of 5 + 8 + 8
                "07 fbffffff",          // [0] int32 -5, inlined in a large array
                "08 00286bee",          // [1] uint32 4000000000 (0xee6b2800), inlined
                "09 1c000000",          // [2] int64 at offset 28
                "0b 24000000",          // [3] double at offset 36
                "0000000000010000",     // offset 28: 2^40 = 1099511627776
                "000000000000f83f"))    // offset 36: 1.5
                .isEqualTo("[-5,4000000000,1099511627776,1.5]");
    }

    @Test
    void largeObject() {
        assertThat(json(
                "01",                   // large object
                "02000000",             // 2 members
                "21000000",             // 33 bytes: 8 + 2 key entries of 6 + 2 value entries of 5 + 3 key bytes
                "1e000000 0100",        // key 0 at offset 30, length 1
                "1f000000 0200",        // key 1 at offset 31, length 2
                "04 02000000",          // value 0: literal false, inlined
                "05 9cff0000",          // value 1: int16 -100, inlined
                "6b",                   // offset 30: "k"
                "6b6b"))                // offset 31: "kk"
                .isEqualTo("{\"k\":false,\"kk\":-100}");
    }

    static final String[] NESTED = {
        "00",            // small object
        "0100",          // 1 member
        "1f00",          // 31 bytes: 4 + 4 + 3 + 1 + 19
        "0b00 0100",     // key at offset 11, length 1
        "02 0c00",       // value: small array at offset 12
        "61",            // offset 11: "a"
        // offset 12: the array
        "0100",          //   1 element
        "1300",          //   19 bytes: 4 + 3 + 12
        "00 0700",       //   [0] small object at offset 7 of the array
        // offset 7 of the array: the inner object
        "0100",          //     1 member
        "0c00",          //     12 bytes: 4 + 4 + 3 + 1
        "0b00 0100",     //     key at offset 11, length 1
        "04 0000",       //     value: null, inlined
        "62",            //     offset 11: "b"
    };

    @Test
    void nested() {
        assertThat(json(NESTED)).isEqualTo("{\"a\":[{\"b\":null}]}");
    }

    @Test
    void unicodeKeys() {
        assertThat(json(
                "00",           // small object
                "0100",         // 1 member
                "0f00",         // 15 bytes: 4 + 4 + 3 + 4
                "0b00 0400",    // key at offset 11, length 4
                "05 0200",      // int16 2
                "f09f9880"))    // U+1F600
                .isEqualTo("{\"\uD83D\uDE00\":2}");
    }

    @Test
    void documentInsideALargerArray() {
        byte[] padded = hex("ffff", "0c 02 6869", "eeee");   // junk, the string "hi", junk
        assertThat(JsonBinary.toJson(padded, 2, 4)).isEqualTo("\"hi\"");
    }

    @Test
    void hundredLevelsNestAndAHundredAndOneDoNot() {
        assertThat(JsonBinary.toJson(nestedArrays(100, false))).isEqualTo("[".repeat(100) + "]".repeat(100));
        assertThatThrownBy(() -> JsonBinary.toJson(nestedArrays(101, false)))
                .isInstanceOf(JsonBinaryException.class)
                .hasMessageContaining("deeper than 100");
        // far deeper than any stack would allow, were the depth not bounded
        assertThatThrownBy(() -> JsonBinary.toJson(nestedArrays(200_000, true)))
                .isInstanceOf(JsonBinaryException.class)
                .hasMessageContaining("deeper than 100");
    }

    /** {@code levels} arrays, each the only element of the one around it. */
    static byte[] nestedArrays(int levels, boolean large) {
        int offsetSize = large ? 4 : 2;
        int entry = 1 + offsetSize;
        long total = 1 + (long) levels * (2L * offsetSize) + (long) (levels - 1) * entry;
        byte[] doc = new byte[(int) total];
        doc[0] = (byte) (large ? 0x03 : 0x02);
        int pos = 1;
        for (int level = 0; level < levels; level++) {
            boolean innermost = level == levels - 1;
            long size = total - pos;
            put(doc, pos, innermost ? 0 : 1, offsetSize);
            put(doc, pos + offsetSize, size, offsetSize);
            pos += 2 * offsetSize;
            if (!innermost) {
                doc[pos] = (byte) (large ? 0x03 : 0x02);
                put(doc, pos + 1, 2L * offsetSize + entry, offsetSize);
                pos += entry;
            }
        }
        return doc;
    }

    private static void put(byte[] b, int pos, long v, int size) {
        for (int i = 0; i < size; i++) {
            b[pos + i] = (byte) (v >>> (8 * i));
        }
    }

    // ---- opaque values ------------------------------------------------------------------------------------

    @Test
    void opaqueDecimal() {
        // CAST(1.25 AS DECIMAL(10,3)): 7 integer digits (one group of 7: 4 bytes), 3 fraction digits (2 bytes)
        assertThat(json("0f", "f6", "08", "0a 03", "80000001", "00fa")).isEqualTo("1.250");
        // -1.250: every bit of the digits flipped, the first bit then left clear
        assertThat(json("0f", "f6", "08", "0a 03", "7ffffffe", "ff05")).isEqualTo("-1.250");
        // DECIMAL(20,10) 1234567890.0123456789: integer "1" (1 byte) + "234567890" (4), fraction
        // "012345678" (4) + "9" (1)
        assertThat(json("0f", "f6", "0c", "14 0a", "81", "0dfb38d2", "00bc614e", "09"))
                .isEqualTo("1234567890.0123456789");
        // DECIMAL(3,2) 0.00: one integer digit (1 byte), two fraction digits (1 byte)
        assertThat(json("0f", "f6", "04", "03 02", "80", "00")).isEqualTo("0.00");
        // DECIMAL(5,0) -12345: no fraction, no point
        assertThat(json("0f", "f6", "05", "05 00", "7fcfc6")).isEqualTo("-12345");
    }

    @Test
    void opaqueTemporals() {
        // DATE 2015-01-15: ((2015 * 13 + 1) << 5 | 15) << 17, as the integer part (<< 24) of a packed longlong
        assertThat(json("0f", "0a", "08", "00000000001e9519")).isEqualTo("\"2015-01-15\"");
        // TIME 23:24:25: (23 << 12 | 24 << 6 | 25) << 24
        assertThat(json("0f", "0b", "08", "0000001976010000")).isEqualTo("\"23:24:25.000000\"");
        // TIME -838:59:59.5: the packed value negated
        assertThat(json("0f", "0b", "08", "e05ef80491cbffff")).isEqualTo("\"-838:59:59.500000\"");
        // DATETIME 2015-01-15 23:24:25.123456: (ymd << 17 | hms) << 24 | 123456
        assertThat(json("0f", "0c", "08", "40e20119761f9519")).isEqualTo("\"2015-01-15 23:24:25.123456\"");
        // TIMESTAMP: the same packing, field type 7
        assertThat(json("0f", "07", "08", "40e20119761f9519")).isEqualTo("\"2015-01-15 23:24:25.123456\"");
    }

    @Test
    void otherOpaqueValuesAreBase64() {
        // field type 252 (BLOB), 3 bytes "abc"
        assertThat(json("0f", "fc", "03", "616263")).isEqualTo("\"base64:type252:YWJj\"");
        // 60 bytes: 80 base64 characters, broken after 76 as MySQL's base64_encode does
        StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            bytes.append(String.format("%02x", i));
        }
        assertThat(json("0f", "fc", "3c", bytes.toString())).isEqualTo("\"base64:type252:"
                + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\\nOTo7\"");
        // field type 253 (VAR_STRING) prints as a plain string, as MySQL does
        assertThat(json("0f", "fd", "02", "6869")).isEqualTo("\"hi\"");
    }

    // ---- malformed input ----------------------------------------------------------------------------------

    @Test
    void malformedDocuments() {
        assertMalformed("unknown value type 0xd at byte offset 0", "0d", "00");
        assertMalformed("literal 3 is none of", "04", "03");
        assertMalformed("literal 7 is none of", "02", "0100", "0700", "04 0700");
        assertMalformed("small array of 9 bytes where only 4 are left at byte offset 1", "02", "0000", "0900");
        assertMalformed("needs a 10-byte header but is 4 bytes", "02", "0200", "0400");
        assertMalformed("key of 1 bytes at offset 3", "00", "0100", "0c00", "0300 0100", "04 0000", "61");
        assertMalformed("key of 2 bytes at offset 11", "00", "0100", "0c00", "0b00 0200", "04 0000", "61");
        assertMalformed("value at offset 7 lies outside", "02", "0100", "0700", "0c 0700");
        assertMalformed("value at offset 2 lies outside", "02", "0100", "0900", "0c 0200", "0161");
        assertThat(catchThrowableOfType(JsonBinaryException.class,
                () -> json("02", "0100", "0800", "0e 0700", "00")).offset()).isEqualTo(5);   // its value entry
        assertMalformed("unknown value type 0xe at byte offset 5", "02", "0100", "0800", "0e 0700", "00");
        assertMalformed("string of 5 bytes where only 1 are left", "0c", "05", "61");
        assertMalformed("length has more than 5 bytes", "0c", "8080808080", "00");
        assertMalformed("length 34359738367 is over 32 bits", "0c", "ffffffff7f");
        assertMalformed("string is not well-formed UTF-8", "0c", "01", "ff");
        assertMalformed("key is not well-formed UTF-8", "00", "0100", "0c00", "0b00 0100", "04 0000", "c3");
        assertMalformed("string is not well-formed UTF-8", "0c", "03", "eda080");   // a UTF-16 surrogate
        assertMalformed("double NaN has no JSON form", "0b", "000000000000f87f");
        assertMalformed("double Infinity has no JSON form", "0b", "000000000000f07f");
        assertMalformed("int64 needs 8 bytes where only 7 are left", "09", "00000000000000");
    }

    @Test
    void malformedOpaqueValues() {
        assertMalformed("DECIMAL(0,0) is not a valid", "0f", "f6", "02", "0000");
        assertMalformed("DECIMAL(82,0) is not a valid", "0f", "f6", "02", "5200");
        assertMalformed("DECIMAL(3,4) is not a valid", "0f", "f6", "02", "0304");
        assertMalformed("DECIMAL(10,3) takes 6 bytes, not 5", "0f", "f6", "07", "0a03", "8000000100");
        assertMalformed("DECIMAL digit group 1000 has more than 3 digits", "0f", "f6", "08", "0a03", "80000001",
                "03e8");
        assertMalformed("DECIMAL of 1 bytes has no precision", "0f", "f6", "01", "0a");
        assertMalformed("packed temporal value of 4 bytes, not 8", "0f", "0a", "04", "00000000");
        // DATETIME 2015-01-15 23:60:25: minute 60
        assertMalformed("out of range", "0f", "0c", "08", "000000197f1f9519");
        // TIME with a fraction of 16777215 microseconds
        assertMalformed("out of range", "0f", "0b", "08", "ffffff1976010000");
        assertMalformed("negative packed DATETIME", "0f", "0c", "08", "0000000000000080");
        assertMalformed("opaque value of 3 bytes where only 2 are left", "0f", "fc", "03", "6162");
    }

    private static void assertMalformed(String message, String... parts) {
        assertThatThrownBy(() -> json(parts))
                .isInstanceOf(JsonBinaryException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("at byte offset");
    }

    /** Golden documents above, for the truncation and corruption sweeps. */
    private static List<byte[]> goldens() {
        List<byte[]> docs = new ArrayList<>();
        docs.add(hex(NESTED));
        docs.add(hex("03 04000000 2c000000 07fbffffff 0800286bee 091c000000 0b24000000 0000000000010000"
                + " 000000000000f83f"));
        docs.add(hex("01 02000000 21000000 1e0000000100 1f0000000200 0402000000 059cff0000 6b 6b6b"));
        docs.add(hex("00 0200 1700 12000100 13000200 050100 0c1500 61 6263 0178"));
        docs.add(hex("0f f6 0c 140a 81 0dfb38d2 00bc614e 09"));
        docs.add(hex("0f 0c 08 40e20119761f9519"));
        docs.add(hex("0f fc 03 616263"));
        docs.add(hex("0c c801" + "78".repeat(200)));
        docs.add(hex("0b 000000000000f83f"));
        docs.add(hex("04 01"));
        return docs;
    }

    @Test
    void everyTruncationIsAJsonBinaryException() {
        for (byte[] doc : goldens()) {
            JsonBinary.toJson(doc);   // whole: fine
            for (int length = 1; length < doc.length; length++) {
                int len = length;
                assertThat(catchThrowable(() -> JsonBinary.toJson(doc, 0, len)))
                        .as("%s cut to %d bytes", HexFormat.of().formatHex(doc), len)
                        .isInstanceOf(JsonBinaryException.class);
            }
        }
    }

    @Test
    void corruptedBytesGiveTextOrAJsonBinaryExceptionNeverAnotherException() {
        Random random = new Random(42);
        for (byte[] doc : goldens()) {
            for (int pos = 0; pos < doc.length; pos++) {
                for (int trial = 0; trial < 16; trial++) {
                    byte[] copy = Arrays.copyOf(doc, doc.length);
                    copy[pos] = (byte) (trial < 8 ? (1 << trial) ^ copy[pos] : random.nextInt());
                    Throwable thrown = catchThrowable(() -> JsonBinary.toJson(copy));
                    if (thrown != null) {
                        assertThat(thrown).as(HexFormat.of().formatHex(copy)).isInstanceOf(JsonBinaryException.class);
                    }
                }
            }
        }
    }

    @Test
    void randomBytesGiveTextOrAJsonBinaryException() {
        Random random = new Random(7);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        for (int i = 0; i < 50_000; i++) {
            byte[] doc = new byte[1 + random.nextInt(40)];
            random.nextBytes(doc);
            doc[0] = (byte) random.nextInt(16);
            Throwable thrown = catchThrowable(() -> sink.writeBytes(JsonBinary.toJson(doc).getBytes()));
            if (thrown != null) {
                assertThat(thrown).as(HexFormat.of().formatHex(doc)).isInstanceOf(JsonBinaryException.class);
            }
        }
    }

    @Test
    void argumentsOutsideTheArrayAreRefused() {
        assertThatThrownBy(() -> JsonBinary.toJson(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> JsonBinary.toJson(new byte[4], -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
