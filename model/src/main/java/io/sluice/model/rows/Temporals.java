package io.sluice.model.rows;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The binlog forms of MySQL's temporal types and their text, after {@code mysys/my_time.cc} (TIME2, DATETIME2 and
 * TIMESTAMP2 packing, MySQL 5.6.4+: {@code my_time_packed_from_binary}, {@code my_datetime_packed_from_binary},
 * {@code my_timestamp_from_binary}) and {@code sql/log_event.cc} ({@code log_event_print_value}, older types).
 */
final class Temporals {
    /** TIMEF_INT_OFS: the bias of TIME2's 3-byte integer part. */
    private static final long TIMEF_INT_OFS = 0x800000L;
    /** TIMEF_OFS: the bias of TIME2's 6-byte form (fsp 5 and 6). */
    private static final long TIMEF_OFS = 0x800000000000L;
    /** DATETIMEF_INT_OFS: the bias of DATETIME2's 5-byte integer part. */
    private static final long DATETIMEF_INT_OFS = 0x8000000000L;

    private Temporals() {
    }

    /** The bytes of the fractional part of a TIME2/DATETIME2/TIMESTAMP2 with {@code fsp} digits. */
    static int fractionBytes(int fsp) {
        return (fsp + 1) / 2;
    }

    /** DATE: 3 bytes little-endian, day in bits 0-4, month in 5-8, year above. */
    static String date(int v) {
        return String.format(Locale.ROOT, "%04d-%02d-%02d", v >>> 9, (v >>> 5) & 15, v & 31);
    }

    /** TIME2: returns {@code [-]HH:MM:SS[.f]} from its big-endian bytes at the reader's position. */
    static String time2(Reader r, int fsp) {
        long packed;
        switch (fsp) {
            case 0 -> packed = (r.uintBe(3, "TIME2") - TIMEF_INT_OFS) << 24;
            case 1, 2 -> {
                long intPart = r.uintBe(3, "TIME2") - TIMEF_INT_OFS;
                int frac = r.u8("TIME2 fraction");
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10_000L;
            }
            case 3, 4 -> {
                long intPart = r.uintBe(3, "TIME2") - TIMEF_INT_OFS;
                int frac = (int) r.uintBe(2, "TIME2 fraction");
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100L;
            }
            case 5, 6 -> packed = r.uintBe(6, "TIME2") - TIMEF_OFS;
            default -> throw new RowsDecodingException("TIME2 with invalid precision " + fsp);
        }
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long hms = abs >>> 24;
        long micros = abs & 0xFFFFFF;
        long hour = (hms >>> 12) & 0x3FF;
        long minute = (hms >>> 6) & 63;
        long second = hms & 63;
        return (negative ? "-" : "") + String.format(Locale.ROOT, "%02d:%02d:%02d", hour, minute, second) + fraction(micros, fsp);
    }

    /** DATETIME2: 5 bytes big-endian (biased) then the fraction; {@code YYYY-MM-DD HH:MM:SS[.f]}. */
    static String datetime2(Reader r, int fsp) {
        long intPart = r.uintBe(5, "DATETIME2") - DATETIMEF_INT_OFS;
        long micros = fractionMicros(r, fsp, "DATETIME2");
        if (intPart < 0) {
            throw new RowsDecodingException("DATETIME2 value is negative");
        }
        long ymd = intPart >>> 17;
        long ym = ymd >>> 5;
        long hms = intPart & 0x1FFFF;
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", ym / 13, ym % 13, ymd & 31,
                hms >>> 12, (hms >>> 6) & 63, hms & 63) + fraction(micros, fsp);
    }

    /** TIMESTAMP2: 4 bytes big-endian seconds since the epoch then the fraction; in UTC. */
    static String timestamp2(Reader r, int fsp) {
        long seconds = r.uintBe(4, "TIMESTAMP2");
        long micros = fractionMicros(r, fsp, "TIMESTAMP2");
        return timestamp(seconds) + fraction(micros, fsp);
    }

    /** TIMESTAMP (pre-5.6): seconds since the epoch, in UTC; 0 is the zero timestamp. */
    static String timestamp(long seconds) {
        if (seconds == 0) {
            return "0000-00-00 00:00:00";
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
    }

    /** TIME (pre-5.6): a signed 3-byte integer {@code [-]HHMMSS}. */
    static String time(int v) {
        int signed = v << 8 >> 8;
        long abs = Math.abs((long) signed);
        return (signed < 0 ? "-" : "") + String.format(Locale.ROOT, "%02d:%02d:%02d", abs / 10000, abs / 100 % 100, abs % 100);
    }

    /** DATETIME (pre-5.6): an 8-byte integer {@code YYYYMMDDHHMMSS}. */
    static String datetime(long v) {
        long d = v / 1_000_000;
        long t = v % 1_000_000;
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", d / 10000, d / 100 % 100, d % 100,
                t / 10000, t / 100 % 100, t % 100);
    }

    private static long fractionMicros(Reader r, int fsp, String what) {
        return switch (fsp) {
            case 0 -> 0;
            case 1, 2 -> r.u8(what + " fraction") * 10_000L;
            case 3, 4 -> r.uintBe(2, what + " fraction") * 100L;
            case 5, 6 -> r.uintBe(3, what + " fraction");
            default -> throw new RowsDecodingException(what + " with invalid precision " + fsp);
        };
    }

    /** {@code .} and the first {@code fsp} of the six microsecond digits, or nothing for fsp 0. */
    static String fraction(long micros, int fsp) {
        if (fsp == 0) {
            return "";
        }
        String six = String.format(Locale.ROOT, "%06d", micros);
        return "." + six.substring(0, fsp);
    }
}
