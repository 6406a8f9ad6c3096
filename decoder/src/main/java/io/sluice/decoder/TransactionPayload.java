package io.sluice.decoder;

import com.github.luben.zstd.ZstdInputStream;
import io.sluice.model.binlog.EventHeader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The events inside a TRANSACTION_PAYLOAD event: a compressed transaction ({@code binlog_transaction_compression=ON},
 * MySQL 8.0.20+), after MySQL's {@code libbinlogevents/src/codecs/binary.cpp} ({@code Transaction_payload::decode})
 * and {@code compression/zstd.cpp}.
 *
 * <p>The body starts with fields, each a packed integer type, a packed integer length and a packed integer value:
 * 1 the payload's size, 2 the compression type (0 zstd, 255 none), 3 the uncompressed size; type 0 ends them. The
 * payload follows: the transaction's events (from its BEGIN to its XID), back to back, zstd-compressed. They are
 * streamed out one at a time, so memory holds one decompressed event, not the transaction.
 */
final class TransactionPayload {
    static final int FIELD_END = 0;
    static final int FIELD_PAYLOAD_SIZE = 1;
    static final int FIELD_COMPRESSION = 2;
    static final int FIELD_UNCOMPRESSED_SIZE = 3;
    static final int ZSTD = 0;
    static final int NONE = 255;

    private TransactionPayload() {
    }

    /**
     * Hands on each event of the payload, whole.
     *
     * @param event   the TRANSACTION_PAYLOAD event, header included
     * @param bodyEnd where its body ends (before its checksum, if any)
     * @throws DecoderException for a malformed event or an unknown compression
     */
    static void events(byte[] event, int bodyEnd, Consumer<byte[]> out) {
        int[] p = {EventHeader.SIZE};
        long size = -1;
        int compression = -1;
        while (true) {
            long type = packed(event, p, bodyEnd);
            if (type == FIELD_END) {
                break;
            }
            long length = packed(event, p, bodyEnd);
            int valueStart = p[0];
            if (length < 1 || length > 9 || valueStart + length > bodyEnd) {
                throw new DecoderException("TRANSACTION_PAYLOAD field " + type + " has a bad length " + length);
            }
            long value = packed(event, p, valueStart + (int) length);
            p[0] = valueStart + (int) length;
            if (type == FIELD_PAYLOAD_SIZE) {
                size = value;
            } else if (type == FIELD_COMPRESSION) {
                compression = (int) value;
            }
        }
        int start = p[0];
        if (size < 0 || size != bodyEnd - start) {
            throw new DecoderException("TRANSACTION_PAYLOAD announces " + size + " payload bytes, but holds "
                    + (bodyEnd - start));
        }
        if (compression != ZSTD && compression != NONE) {
            throw new DecoderException("TRANSACTION_PAYLOAD with compression type " + compression
                    + ": only zstd (0) and none (255) exist in MySQL");
        }
        WholeEvents framed = new WholeEvents(out);
        try (InputStream in = compression == ZSTD
                ? new ZstdInputStream(new ByteArrayInputStream(event, start, (int) size))
                : new ByteArrayInputStream(event, start, (int) size)) {
            byte[] chunk = new byte[64 * 1024];
            int n;
            while ((n = in.read(chunk)) > 0) {
                framed.feed(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new DecoderException("cannot decompress a TRANSACTION_PAYLOAD: " + e.getMessage(), e);
        }
        if (!framed.atBoundary()) {
            throw new DecoderException("the payload of a TRANSACTION_PAYLOAD ends inside an event");
        }
    }

    /** A MySQL packed integer ({@code net_field_length_ll}) at {@code p[0]}, which it moves past it. */
    static long packed(byte[] b, int[] p, int end) {
        int at = p[0];
        if (at >= end) {
            throw new DecoderException("TRANSACTION_PAYLOAD header ends early, at byte " + at);
        }
        int first = b[at] & 0xff;
        int size = first < 251 ? 0 : first == 252 ? 2 : first == 253 ? 3 : first == 254 ? 8 : -1;
        if (size < 0 || at + 1 + size > end) {
            throw new DecoderException("bad packed integer at byte " + at + " of a TRANSACTION_PAYLOAD");
        }
        long value = size == 0 ? first : 0;
        for (int i = 0; i < size; i++) {
            value |= (long) (b[at + 1 + i] & 0xff) << (8 * i);
        }
        p[0] = at + 1 + size;
        return value;
    }
}
