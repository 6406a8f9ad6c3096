package io.sluice.model.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds one MySQL packet payload (without the 4-byte packet header). Not thread-safe. */
public final class PacketWriter {
    private final ByteArrayOutputStream out;

    public PacketWriter() {
        this(64);
    }

    public PacketWriter(int capacity) {
        out = new ByteArrayOutputStream(capacity);
    }

    public PacketWriter u8(int v) {
        out.write(v);
        return this;
    }

    public PacketWriter u16(int v) {
        out.write(v);
        out.write(v >>> 8);
        return this;
    }

    public PacketWriter u24(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        return this;
    }

    public PacketWriter u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public PacketWriter u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public PacketWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public PacketWriter zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    public PacketWriter lenencInt(long v) {
        Lenenc.writeInt(out, v);
        return this;
    }

    public PacketWriter lenencBytes(byte[] b) {
        Lenenc.writeInt(out, b.length);
        out.writeBytes(b);
        return this;
    }

    /** A length-encoded string, or the NULL marker 0xFB for {@code null}. */
    public PacketWriter lenencString(String s) {
        if (s == null) {
            out.write(0xfb);
            return this;
        }
        return lenencBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public PacketWriter nulString(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return this;
    }

    public PacketWriter string(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
