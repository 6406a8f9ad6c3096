package io.sluice.model.client;

import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.protocol.Packets;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The MySQL packet layer over a blocking stream: u24 length, u8 sequence id, payload; payloads of 16 MiB − 1 or
 * more continue in the following packets (and one of exactly that size is followed by an empty packet). Sequence
 * ids are checked strictly, as MySQL does (error 1156). Not thread-safe: one reader thread per connection.
 */
public final class PacketChannel {
    private final InputStream in;
    private final OutputStream out;
    private final byte[] header = new byte[Packets.HEADER];
    private int sequence;

    public PacketChannel(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /**
     * This channel's packets continuing over other streams, the sequence ids going on where they are: what a TLS
     * upgrade in the middle of the handshake needs. Nothing may be buffered on the old input stream.
     */
    public PacketChannel continueOn(InputStream newIn, OutputStream newOut) {
        PacketChannel next = new PacketChannel(newIn, newOut);
        next.sequence = sequence;
        return next;
    }

    /** Starts a new command: the next packet written has sequence id 0. */
    public void resetSequence() {
        sequence = 0;
    }

    /** Bytes that can be read without blocking. */
    public int available() throws IOException {
        return in.available();
    }

    public void write(byte[] payload) throws IOException {
        int offset = 0;
        int length = payload.length;
        while (true) {
            int n = Math.min(length, Packets.MAX_PACKET);
            byte[] h = {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) sequence};
            sequence = (sequence + 1) & 0xff;
            out.write(h);
            out.write(payload, offset, n);
            offset += n;
            length -= n;
            if (n < Packets.MAX_PACKET) {
                break;
            }
        }
        out.flush();
    }

    /** Reads one whole logical packet, refusing one longer than {@code max} bytes. */
    public byte[] read(int max) throws IOException {
        Payload p = openPayload();
        byte[] first = p.readChunk(max);
        if (!p.finished()) {
            throw new MysqlProtocolException("packet longer than " + max + " bytes");
        }
        return first;
    }

    /** Starts reading a logical packet piece by piece; it must be read to its end before the next one. */
    public Payload openPayload() throws IOException {
        return new Payload(readHeader());
    }

    private int readHeader() throws IOException {
        readFully(header, 0, Packets.HEADER);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        int seq = header[3] & 0xff;
        if (seq != sequence) {
            // a server that gave up on the client (MySQL's connect_timeout during the handshake, a KILL) sends its
            // ERR with its own next sequence id: say what the server said rather than only that the ids differ
            if (length > 0 && length < 64 * 1024) {
                byte[] payload = new byte[length];
                readFully(payload, 0, length);
                if (Packets.isErr(payload)) {
                    MysqlException err = Packets.parseErr(payload);
                    throw new MysqlProtocolException("the server sent an error out of sequence (sequence id " + seq
                            + ", expected " + sequence + "): " + err.code() + " " + err.getMessage(), err);
                }
            }
            throw new MysqlProtocolException("packets out of order: sequence id " + seq + ", expected " + sequence);
        }
        sequence = (sequence + 1) & 0xff;
        return length;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("connection closed by the server");
            }
            done += n;
        }
    }

    /** One logical packet, read as a stream across its continuation packets. */
    public final class Payload extends InputStream {
        private int left;
        private boolean more;
        private long total;

        private Payload(int firstLength) {
            left = firstLength;
            more = firstLength == Packets.MAX_PACKET;
        }

        /** Whether every byte of the logical packet has been read. */
        public boolean finished() {
            return left == 0 && !more;
        }

        /** Bytes of the payload read so far. */
        public long consumed() {
            return total;
        }

        private boolean ensure() throws IOException {
            while (left == 0) {
                if (!more) {
                    return false;
                }
                left = readHeader();
                more = left == Packets.MAX_PACKET;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!ensure()) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            left--;
            total++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!ensure()) {
                return -1;
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed by the server");
            }
            left -= n;
            total += n;
            return n;
        }

        /** Reads exactly {@code len} bytes or fails. */
        public void readExactly(byte[] b, int off, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int n = read(b, off + done, len - done);
                if (n < 0) {
                    throw new MysqlProtocolException("packet ended " + (len - done) + " bytes early");
                }
                done += n;
            }
        }

        /** Reads the rest of the payload, up to {@code max} bytes. */
        public byte[] readChunk(int max) throws IOException {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(Math.min(Math.max(left, 16), max));
            byte[] tmp = new byte[8192];
            while (buf.size() < max) {
                int n = read(tmp, 0, Math.min(tmp.length, max - buf.size()));
                if (n < 0) {
                    break;
                }
                buf.write(tmp, 0, n);
            }
            return buf.toByteArray();
        }

        /** Skips what is left of the payload. */
        public void drain() throws IOException {
            byte[] tmp = new byte[8192];
            while (read(tmp, 0, tmp.length) >= 0) {
                // discard
            }
        }
    }
}
