package io.sluice.model.rows;

import io.sluice.model.binlog.Bytes;
import java.util.function.Supplier;

/**
 * A bounds-checked cursor over the body of one event: every read checks that its bytes are there and throws a
 * {@link RowsDecodingException} naming what was being read otherwise.
 */
final class Reader {
    private final byte[] data;
    private int pos;
    private final int limit;
    private Supplier<String> where;

    Reader(byte[] data, int pos, int limit, Supplier<String> where) {
        this.data = data;
        this.pos = pos;
        this.limit = limit;
        this.where = where;
    }

    void where(Supplier<String> where) {
        this.where = where;
    }

    int pos() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    boolean hasRemaining() {
        return pos < limit;
    }

    byte[] data() {
        return data;
    }

    /** Checks that {@code n} bytes of {@code what} are there; returns the offset where they start and skips them. */
    int take(int n, String what) {
        if (n < 0 || n > limit - pos) {
            throw new RowsDecodingException(where.get() + ": " + what + " needs " + n + " bytes at offset " + pos
                    + ", only " + (limit - pos) + " left (truncated or garbled event)");
        }
        int at = pos;
        pos += n;
        return at;
    }

    /** Like {@link #take(int, String)} for a length read from the event as a long. */
    int take(long n, String what) {
        if (n < 0 || n > limit - pos) {
            throw new RowsDecodingException(where.get() + ": " + what + " needs " + n + " bytes at offset " + pos
                    + ", only " + (limit - pos) + " left (truncated or garbled event)");
        }
        return take((int) n, what);
    }

    int u8(String what) {
        return data[take(1, what)] & 0xff;
    }

    int u16(String what) {
        return Bytes.u16(data, take(2, what));
    }

    int u24(String what) {
        return Bytes.u24(data, take(3, what));
    }

    long u32(String what) {
        return Bytes.u32(data, take(4, what));
    }

    long u48(String what) {
        return Bytes.u48(data, take(6, what));
    }

    long u64(String what) {
        return Bytes.u64(data, take(8, what));
    }

    /** An unsigned little-endian integer of {@code n} (1 to 8) bytes. */
    long uintLe(int n, String what) {
        int at = take(n, what);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (data[at + i] & 0xff);
        }
        return v;
    }

    /** An unsigned big-endian integer of {@code n} (1 to 8) bytes. */
    long uintBe(int n, String what) {
        int at = take(n, what);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (data[at + i] & 0xff);
        }
        return v;
    }

    byte[] bytes(int n, String what) {
        int at = take(n, what);
        byte[] out = new byte[n];
        System.arraycopy(data, at, out, 0, n);
        return out;
    }

    /**
     * A packed integer ({@code net_field_length}): one byte below 251, else 0xfc + 2 bytes, 0xfd + 3 bytes or
     * 0xfe + 8 bytes.
     */
    long packed(String what) {
        int first = u8(what);
        return switch (first) {
            case 0xfc -> u16(what);
            case 0xfd -> u24(what);
            case 0xfe -> {
                long v = u64(what);
                if (v < 0) {
                    throw new RowsDecodingException(where.get() + ": " + what + " is out of range: "
                            + Long.toUnsignedString(v));
                }
                yield v;
            }
            case 0xfb, 0xff -> throw new RowsDecodingException(where.get() + ": " + what
                    + " has an invalid packed-integer first byte 0x" + Integer.toHexString(first)
                    + " at offset " + (pos - 1));
            default -> first;
        };
    }

    /** A packed integer that must fit an int (counts and lengths). */
    int packedInt(String what) {
        long v = packed(what);
        if (v > Integer.MAX_VALUE) {
            throw new RowsDecodingException(where.get() + ": " + what + " " + v + " is out of range");
        }
        return (int) v;
    }
}
