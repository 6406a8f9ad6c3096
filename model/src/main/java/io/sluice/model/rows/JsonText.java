package io.sluice.model.rows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How {@link JsonBinary} writes JSON strings and doubles: strings escaped as MySQL's {@code double_quote} of
 * {@code sql-common/json_dom.cc} escapes them, doubles laid out as {@code my_gcvt} of {@code strings/dtoa.cc} lays
 * them out for {@code wrapper_to_string} (width {@code MY_GCVT_MAX_FIELD_WIDTH}), from the shortest digits that
 * read back as the same double (what dtoa's mode 0 returns).
 */
final class JsonText {
    /** {@code my_gcvt}'s {@code MAX_DECPT_FOR_F_FORMAT} ({@code DBL_DIG}). */
    private static final int MAX_DECPT_FOR_F_FORMAT = 15;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /** Appends {@code s} as a JSON string: {@code "}, {@code \} and control characters escaped. */
    static void appendQuoted(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Appends a double as {@link JsonBinary} documents it; {@code offset} is where the double is in its document,
     * for the error when it is not finite (JSON has no NaN or infinity, and MySQL never stores them).
     */
    static void appendDouble(StringBuilder out, double d, int offset) {
        if (!Double.isFinite(d)) {
            throw new JsonBinaryException("double " + d + " has no JSON form", offset);
        }
        if (Double.doubleToRawLongBits(d) < 0) {
            out.append('-');
        }
        double abs = Math.abs(d);
        if (abs == 0) {
            out.append("0.0");
            return;
        }
        BigDecimal shortest = shortestDigits(abs);
        String digits = shortest.unscaledValue().toString();
        int len = digits.length();
        // the value is 0.<digits> x 10^decpt, as dtoa returns it
        int decpt = len - shortest.scale();
        if (decpt >= -MAX_DECPT_FOR_F_FORMAT + 1 && (decpt <= MAX_DECPT_FOR_F_FORMAT || len > decpt)) {
            if (decpt <= 0) {
                out.append("0.").append("0".repeat(-decpt)).append(digits);
            } else if (decpt < len) {
                out.append(digits, 0, decpt).append('.').append(digits, decpt, len);
            } else {
                // no point and no exponent: MySQL appends ".0" so the double stays apart from the integers
                out.append(digits).append("0".repeat(decpt - len)).append(".0");
            }
        } else {
            out.append(digits.charAt(0));
            if (len > 1) {
                out.append('.').append(digits, 1, len);
            }
            out.append('e').append(decpt - 1);
        }
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code abs} (positive, finite), the
     * closest to it when several have that many; trailing zeros stripped. Reading back only gets easier with more
     * digits, so the count is found by bisection.
     */
    static BigDecimal shortestDigits(double abs) {
        BigDecimal exact = new BigDecimal(abs);
        int low = 1;
        int high = 17;
        BigDecimal found = readsBack(exact, abs, high);
        if (found == null) {
            throw new IllegalStateException("no 17-digit decimal reads back as " + abs);
        }
        while (low < high) {
            int mid = (low + high) >>> 1;
            BigDecimal candidate = readsBack(exact, abs, mid);
            if (candidate == null) {
                low = mid + 1;
            } else {
                high = mid;
                found = candidate;
            }
        }
        return found.stripTrailingZeros();
    }

    /** The decimal of {@code precision} digits closest to {@code exact} that reads back as {@code abs}, or null. */
    private static BigDecimal readsBack(BigDecimal exact, double abs, int precision) {
        BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
        if (nearest.doubleValue() == abs) {
            return nearest;
        }
        // below a power of two the gap to the next lower double is half the gap above, so the nearest decimal
        // of this many digits may miss while its neighbour on the far side still reads back
        for (BigDecimal neighbour : new BigDecimal[] {nearest.subtract(nearest.ulp()), nearest.add(nearest.ulp())}) {
            if (neighbour.signum() > 0 && neighbour.doubleValue() == abs) {
                return neighbour;
            }
        }
        return null;
    }
}
