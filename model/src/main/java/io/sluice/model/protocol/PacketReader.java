package io.sluice.model.protocol;

import io.sluice.model.binlog.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounds-checked cursor over one MySQL packet payload. Every read past the end throws
 * {@link MysqlProtocolException}, so a malformed packet never turns into an index error deep in the code.
 */
public final class PacketReader {
    private final byte[] data;
    private final int end;
    private int pos;

    public PacketReader(byte[] data) {
        this(data, 0, data.length);
    }

    public PacketReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("bad slice " + offset + "+" + length + " of " + data.length);
        }
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int position() {
        return pos;
    }

    private void need(int n, String what) {
        if (n < 0 || end - pos < n) {
            throw new MysqlProtocolException("packet too short: " + what + " needs " + n + " bytes, "
                    + (end - pos) + " left");
        }
    }

    public int peek() {
        need(1, "a byte");
        return data[pos] & 0xff;
    }

    public int u8() {
        need(1, "u8");
        return data[pos++] & 0xff;
    }

    public int u16() {
        need(2, "u16");
        int v = Bytes.u16(data, pos);
        pos += 2;
        return v;
    }

    public int u24() {
        need(3, "u24");
        int v = Bytes.u24(data, pos);
        pos += 3;
        return v;
    }

    public long u32() {
        need(4, "u32");
        long v = Bytes.u32(data, pos);
        pos += 4;
        return v;
    }

    public long u64() {
        need(8, "u64");
        long v = Bytes.u64(data, pos);
        pos += 8;
        return v;
    }

    /** A length-encoded integer; {@code -1} for the NULL marker 0xFB. */
    public long lenencInt() {
        int first = u8();
        return switch (first) {
            case 0xfb -> -1;
            case 0xfc -> u16();
            case 0xfd -> u24();
            case 0xfe -> u64();
            case 0xff -> throw new MysqlProtocolException("0xFF is not a length-encoded integer");
            default -> first;
        };
    }

    public byte[] bytes(int n) {
        need(n, "a field");
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    public void skip(int n) {
        need(n, "skip");
        pos += n;
    }

    /** A length-encoded byte string, refused when longer than {@code max}; {@code null} for the NULL marker 0xFB. */
    public byte[] lenencBytes(int max) {
        if (peek() == 0xfb) {
            pos++;
            return null;
        }
        long n = lenencInt();
        // a u64 length of 2^63 or more reads as negative: refuse it too, rather than taking it for NULL
        if (n < 0 || n > max) {
            throw new MysqlProtocolException("field of " + Long.toUnsignedString(n) + " bytes exceeds the limit of "
                    + max);
        }
        return bytes((int) n);
    }

    public String lenencString(int max) {
        byte[] b = lenencBytes(max);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated string (the NUL is consumed); refused when no NUL is found. */
    public String nulString() {
        int i = pos;
        while (i < end && data[i] != 0) {
            i++;
        }
        if (i == end) {
            throw new MysqlProtocolException("string not NUL-terminated");
        }
        String s = new String(data, pos, i - pos, StandardCharsets.UTF_8);
        pos = i + 1;
        return s;
    }

    /** A NUL-terminated string, or the rest of the packet when there is no NUL. */
    public String nulOrEofString() {
        int i = pos;
        while (i < end && data[i] != 0) {
            i++;
        }
        String s = new String(data, pos, i - pos, StandardCharsets.UTF_8);
        pos = Math.min(end, i + 1);
        return s;
    }

    public byte[] rest() {
        return bytes(end - pos);
    }

    public String restString() {
        return new String(rest(), StandardCharsets.UTF_8);
    }
}
