package io.sluice.model.protocol;

import java.io.ByteArrayOutputStream;

/**
 * Length-encoded integers of the MySQL protocol ({@code net_store_length}): below 251 one byte; {@code 0xFC} + u16;
 * {@code 0xFD} + u24; {@code 0xFE} + u64. {@code 0xFB} is SQL NULL in result rows.
 */
public final class Lenenc {
    private Lenenc() {
    }

    /** How many bytes {@code value} takes. */
    public static int size(long value) {
        if (value >= 0 && value < 251) {
            return 1;
        }
        if (value >= 0 && value < 1 << 16) {
            return 3;
        }
        if (value >= 0 && value < 1 << 24) {
            return 4;
        }
        return 9;
    }

    /** Appends {@code value} to {@code out}. */
    public static void writeInt(ByteArrayOutputStream out, long value) {
        if (value >= 0 && value < 251) {
            out.write((int) value);
        } else if (value >= 0 && value < 1 << 16) {
            out.write(0xfc);
            out.write((int) value);
            out.write((int) (value >>> 8));
        } else if (value >= 0 && value < 1 << 24) {
            out.write(0xfd);
            out.write((int) value);
            out.write((int) (value >>> 8));
            out.write((int) (value >>> 16));
        } else {
            out.write(0xfe);
            for (int i = 0; i < 8; i++) {
                out.write((int) (value >>> (8 * i)));
            }
        }
    }
}
