package io.sluice.model.rows;

import java.math.BigDecimal;

/**
 * MySQL's binary DECIMAL format (NEWDECIMAL), after {@code strings/decimal.cc} (decimal2bin/bin2decimal): the
 * integer and fraction digits are each grouped in nines, a full group in 4 big-endian bytes, a partial group in the
 * fewest bytes that hold its digits ({@link #DIG2BYTES}), integer part first, the leftmost group the partial one of
 * the integer part and the rightmost the partial one of the fraction. Negative values have every byte inverted;
 * the sign is the inverted top bit of the first byte.
 */
final class Decimals {
    private static final int DIG_PER_DEC = 9;
    private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    private static final int GROUP_MAX = 999_999_999;

    private Decimals() {
    }

    /** The number of bytes of a DECIMAL(precision, scale). */
    static int binarySize(int precision, int scale) {
        int intg = precision - scale;
        return intg / DIG_PER_DEC * 4 + DIG2BYTES[intg % DIG_PER_DEC]
                + scale / DIG_PER_DEC * 4 + DIG2BYTES[scale % DIG_PER_DEC];
    }

    /**
     * Decodes the {@link #binarySize} bytes of a DECIMAL(precision, scale) at {@code offset}.
     *
     * @throws RowsDecodingException when a group holds more digits than it may (a garbled value)
     */
    static BigDecimal decode(byte[] data, int offset, int precision, int scale, String where) {
        if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision) {
            throw new RowsDecodingException(where + ": invalid DECIMAL(" + precision + "," + scale + ")");
        }
        int size = binarySize(precision, scale);
        byte[] b = new byte[size];
        System.arraycopy(data, offset, b, 0, size);
        boolean negative = (b[0] & 0x80) == 0;
        b[0] ^= (byte) 0x80;
        if (negative) {
            for (int i = 0; i < size; i++) {
                b[i] = (byte) ~b[i];
            }
        }
        int intg = precision - scale;
        StringBuilder digits = new StringBuilder(precision + 2);
        if (negative) {
            digits.append('-');
        }
        int pos = 0;
        int lead = intg % DIG_PER_DEC;
        if (lead > 0) {
            pos = group(b, pos, DIG2BYTES[lead], lead, digits, where);
        }
        for (int i = 0; i < intg / DIG_PER_DEC; i++) {
            pos = group(b, pos, 4, DIG_PER_DEC, digits, where);
        }
        if (intg == 0) {
            digits.append('0');
        }
        if (scale > 0) {
            digits.append('.');
            for (int i = 0; i < scale / DIG_PER_DEC; i++) {
                pos = group(b, pos, 4, DIG_PER_DEC, digits, where);
            }
            int trail = scale % DIG_PER_DEC;
            if (trail > 0) {
                group(b, pos, DIG2BYTES[trail], trail, digits, where);
            }
        }
        return new BigDecimal(digits.toString()).setScale(scale);
    }

    private static int group(byte[] b, int pos, int bytes, int ndigits, StringBuilder out, String where) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | (b[pos + i] & 0xff);
        }
        if (v > GROUP_MAX || String.valueOf(v).length() > ndigits) {
            throw new RowsDecodingException(where + ": garbled DECIMAL, a group of " + ndigits + " digits holds " + v);
        }
        String s = Long.toString(v);
        for (int i = s.length(); i < ndigits; i++) {
            out.append('0');
        }
        out.append(s);
        return pos + bytes;
    }
}
