package io.sluice.model.rows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The opaque values of MySQL's binary JSON (type {@code 0x0f}: a field type byte, a length, the data) as
 * {@code CAST(j AS CHAR)} prints them: DECIMAL through {@code bin2decimal} of {@code strings/decimal.cc}, the
 * temporal types through {@code TIME_from_longlong_*_packed} of {@code mysys/my_time.cc} and {@code my_TIME_to_str}
 * with six fraction digits, anything else as {@code base64:typeNN:} and MySQL's {@code base64_encode}. See
 * {@code Json_wrapper} in {@code sql-common/json_dom.cc}.
 */
final class JsonOpaque {
    static final int TIMESTAMP = 7;
    static final int DATE = 10;
    static final int TIME = 11;
    static final int DATETIME = 12;
    static final int NEWDECIMAL = 246;
    static final int VAR_STRING = 253;

    /** Bytes of a packed temporal value ({@code Json_datetime::PACKED_SIZE}). */
    private static final int PACKED_SIZE = 8;
    /** {@code dig2bytes} of decimal.cc: bytes that hold a group of 0..9 decimal digits. */
    private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    private static final int DIGITS_PER_WORD = 9;
    /**
     * Not 65, MySQL's largest DECIMAL: MySQL 8.0.31 records a precision of 66 for some DECIMAL(65,30) values in
     * JSON, and reads back any precision its decimal buffer holds, {@code DECIMAL_BUFF_LENGTH} (9) words of 9 digits.
     */
    private static final int MAX_PRECISION = 81;
    private static final int MAX_SCALE = 30;
    /** MySQL's {@code base64_encode} breaks its output into lines of 76 characters. */
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, new byte[] {'\n'});

    private JsonOpaque() {
    }

    /**
     * Appends the opaque value of {@code fieldType} whose data is {@code data[start, start + len)}; {@code offset}
     * is where the value (its field type byte) is in the document, for errors.
     */
    static void append(StringBuilder out, int fieldType, byte[] data, int start, int len, int offset) {
        switch (fieldType) {
            case NEWDECIMAL -> decimal(out, data, start, len, offset);
            case DATE, DATETIME, TIMESTAMP -> JsonText.appendQuoted(out,
                    datetime(fieldType, packed(data, start, len, offset), offset));
            case TIME -> JsonText.appendQuoted(out, time(packed(data, start, len, offset), offset));
            default -> {
                byte[] value = new byte[len];
                System.arraycopy(data, start, value, 0, len);
                JsonText.appendQuoted(out, "base64:type" + fieldType + ":"
                        + new String(BASE64.encode(value), StandardCharsets.US_ASCII));
            }
        }
    }

    private static long packed(byte[] data, int start, int len, int offset) {
        if (len != PACKED_SIZE) {
            throw new JsonBinaryException("packed temporal value of " + len + " bytes, not " + PACKED_SIZE, offset);
        }
        long v = 0;
        for (int i = PACKED_SIZE - 1; i >= 0; i--) {
            v = v << 8 | (data[start + i] & 0xff);
        }
        return v;
    }

    /** {@code TIME_from_longlong_datetime_packed} (and {@code _date_packed}), printed as {@code my_TIME_to_str}. */
    private static String datetime(int fieldType, long packed, int offset) {
        if (packed < 0) {
            throw new JsonBinaryException("negative packed " + typeName(fieldType) + " " + packed, offset);
        }
        long fraction = packed & 0xffffffL;
        long ymdhms = packed >>> 24;
        long ymd = ymdhms >>> 17;
        long ym = ymd >>> 5;
        long hms = ymdhms & 0x1ffff;
        long year = ym / 13;
        long month = ym % 13;
        long day = ymd & 0x1f;
        long hour = hms >>> 12;
        long minute = hms >>> 6 & 0x3f;
        long second = hms & 0x3f;
        if (year > 9999 || hour > 23 || minute > 59 || second > 59 || fraction > 999_999) {
            throw new JsonBinaryException("packed " + typeName(fieldType) + " " + packed + " is out of range ("
                    + year + "-" + month + "-" + day + " " + hour + ":" + minute + ":" + second + "." + fraction
                    + ")", offset);
        }
        String date = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
        if (fieldType == DATE) {
            return date;
        }
        return date + String.format(Locale.ROOT, " %02d:%02d:%02d.%06d", hour, minute, second, fraction);
    }

    /** {@code TIME_from_longlong_time_packed}, printed as {@code my_TIME_to_str}. */
    private static String time(long packed, int offset) {
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long fraction = abs & 0xffffffL;
        long hms = abs >>> 24;
        long hour = hms >>> 12;
        long minute = hms >>> 6 & 0x3f;
        long second = hms & 0x3f;
        // TIME spans -838:59:59 to 838:59:59 (Long.MIN_VALUE, whose Math.abs stays negative, fails here too)
        if (packed == Long.MIN_VALUE || hour > 838 || minute > 59 || second > 59 || fraction > 999_999) {
            throw new JsonBinaryException("packed TIME " + packed + " is out of range", offset);
        }
        return String.format(Locale.ROOT, "%s%02d:%02d:%02d.%06d", negative ? "-" : "", hour, minute, second, fraction);
    }

    private static String typeName(int fieldType) {
        return switch (fieldType) {
            case DATE -> "DATE";
            case DATETIME -> "DATETIME";
            default -> "TIMESTAMP";
        };
    }

    /**
     * {@code bin2decimal} of decimal.cc after the precision and scale bytes: the integer digits right-aligned in
     * groups of nine (four bytes each, big-endian) with a shorter leading group, then the fraction digits in groups
     * of nine with a shorter trailing group; the first bit flipped, and every bit flipped when negative.
     */
    private static void decimal(StringBuilder out, byte[] data, int start, int len, int offset) {
        if (len < 2) {
            throw new JsonBinaryException("DECIMAL of " + len + " bytes has no precision and scale", offset);
        }
        int precision = data[start] & 0xff;
        int scale = data[start + 1] & 0xff;
        if (precision < 1 || precision > MAX_PRECISION || scale > MAX_SCALE || scale > precision) {
            throw new JsonBinaryException("DECIMAL(" + precision + "," + scale + ") is not a valid precision and "
                    + "scale", offset);
        }
        int intg = precision - scale;
        int intg0 = intg / DIGITS_PER_WORD;
        int intg0x = intg % DIGITS_PER_WORD;
        int frac0 = scale / DIGITS_PER_WORD;
        int frac0x = scale % DIGITS_PER_WORD;
        int size = intg0 * 4 + DIG2BYTES[intg0x] + frac0 * 4 + DIG2BYTES[frac0x];
        if (len - 2 != size) {
            throw new JsonBinaryException("DECIMAL(" + precision + "," + scale + ") takes " + size
                    + " bytes, not " + (len - 2), offset);
        }
        byte[] bytes = new byte[size];
        System.arraycopy(data, start + 2, bytes, 0, size);
        boolean negative = (bytes[0] & 0x80) == 0;
        bytes[0] ^= (byte) 0x80;
        if (negative) {
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) ~bytes[i];
            }
        }
        StringBuilder digits = new StringBuilder(precision + 1);
        int pos = 0;
        pos = group(bytes, pos, intg0x, digits, offset);
        for (int i = 0; i < intg0; i++) {
            pos = group(bytes, pos, DIGITS_PER_WORD, digits, offset);
        }
        for (int i = 0; i < frac0; i++) {
            pos = group(bytes, pos, DIGITS_PER_WORD, digits, offset);
        }
        group(bytes, pos, frac0x, digits, offset);
        String integer = digits.substring(0, intg).replaceFirst("^0+", "");
        String fraction = digits.substring(intg);
        boolean zero = integer.isEmpty() && fraction.chars().allMatch(c -> c == '0');
        if (negative && !zero) {
            out.append('-');
        }
        out.append(integer.isEmpty() ? "0" : integer);
        if (scale > 0) {
            out.append('.').append(fraction);
        }
    }

    /** Reads a group of {@code count} digits (0..9) at {@code pos}, appends them zero-padded; the next position. */
    private static int group(byte[] bytes, int pos, int count, StringBuilder digits, int offset) {
        if (count == 0) {
            return pos;
        }
        int n = DIG2BYTES[count];
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (bytes[pos + i] & 0xff);
        }
        String s = Long.toString(v);
        if (s.length() > count) {
            throw new JsonBinaryException("DECIMAL digit group " + v + " has more than " + count + " digits", offset);
        }
        digits.append("0".repeat(count - s.length())).append(s);
        return pos + n;
    }
}
