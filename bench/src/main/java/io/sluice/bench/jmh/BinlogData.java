package io.sluice.bench.jmh;

import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.GtidSet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Synthetic but well-formed inputs for the micro-benchmarks, from a fixed seed so every run measures the same. */
final class BinlogData {
    /** Row events of a transaction are this long, at least... */
    static final int MIN_ROWS_EVENT = 200;
    /** ...and at most. */
    static final int MAX_ROWS_EVENT = 8192;
    private static final int TABLE_MAP = 72;
    private static final int XID = 31;
    private static final long SERVER_ID = 1;

    private BinlogData() {
    }

    /**
     * The events of one row-based transaction of exactly {@code bytes} bytes, CRC32 checksums on: GTID, QUERY
     * BEGIN, then TABLE_MAP + WRITE/UPDATE/DELETE_ROWS pairs whose rows events are 200 B to 8 KiB, then XID.
     */
    static byte[] transaction(int bytes, long seed) {
        Random rnd = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes);
        long pos = 4;
        pos = add(out, event(rnd, EventType.GTID, 61, pos));
        pos = add(out, query(rnd, "BEGIN", pos));
        int[] rowTypes = {EventType.WRITE_ROWS, EventType.UPDATE_ROWS, EventType.DELETE_ROWS};
        while (true) {
            int left = bytes - out.size() - XID - TABLE_MAP;
            if (left < MIN_ROWS_EVENT) {
                throw new IllegalArgumentException("no room for a rows event in a transaction of " + bytes + " bytes");
            }
            int rows;
            boolean last = left <= MAX_ROWS_EVENT;
            if (last) {
                rows = left;
            } else {
                int most = Math.min(MAX_ROWS_EVENT, left - TABLE_MAP - MIN_ROWS_EVENT);
                rows = MIN_ROWS_EVENT + rnd.nextInt(most - MIN_ROWS_EVENT + 1);
            }
            pos = add(out, event(rnd, EventType.TABLE_MAP, TABLE_MAP, pos));
            pos = add(out, event(rnd, rowTypes[rnd.nextInt(rowTypes.length)], rows, pos));
            if (last) {
                break;
            }
        }
        add(out, event(rnd, EventType.XID, XID, pos));
        byte[] tx = out.toByteArray();
        if (tx.length != bytes) {
            throw new IllegalStateException("built " + tx.length + " bytes instead of " + bytes);
        }
        return tx;
    }

    /** Cuts {@code data} into pieces of 1 byte to {@code maxPiece} bytes at random points (event headers too). */
    static List<byte[]> cut(byte[] data, int maxPiece, long seed) {
        Random rnd = new Random(seed);
        List<byte[]> pieces = new ArrayList<>();
        int p = 0;
        while (p < data.length) {
            int n = Math.min(data.length - p, 1 + rnd.nextInt(maxPiece));
            byte[] piece = new byte[n];
            System.arraycopy(data, p, piece, 0, n);
            pieces.add(piece);
            p += n;
        }
        return pieces;
    }

    /** One event of {@code length} bytes (header, random body, CRC32) whose log_pos is {@code pos + length}. */
    static byte[] event(Random rnd, int type, int length, long pos) {
        byte[] event = new byte[length];
        rnd.nextBytes(event);
        Bytes.put32(event, 0, 1_700_000_000L);
        event[4] = (byte) type;
        Bytes.put32(event, 5, SERVER_ID);
        Bytes.put32(event, EventHeader.LENGTH_OFFSET, length);
        Bytes.put32(event, EventHeader.LOG_POS_OFFSET, pos + length);
        Bytes.put16(event, EventHeader.FLAGS_OFFSET, 0);
        Checksums.rewrite(event, 0, length);
        return event;
    }

    private static byte[] query(Random rnd, String statement, long pos) {
        byte[] text = statement.getBytes(StandardCharsets.UTF_8);
        int length = EventHeader.SIZE + 13 + 26 + 1 + text.length + Checksums.CRC_LEN;
        byte[] event = event(rnd, EventType.QUERY, length, pos);
        System.arraycopy(text, 0, event, length - Checksums.CRC_LEN - text.length, text.length);
        Checksums.rewrite(event, 0, length);
        return event;
    }

    private static long add(ByteArrayOutputStream out, byte[] event) {
        out.writeBytes(event);
        return Bytes.u32(event, EventHeader.LOG_POS_OFFSET);
    }

    /** {@code n} distinct server UUIDs. */
    static UUID[] uuids(int n, long seed) {
        Random rnd = new Random(seed);
        UUID[] uuids = new UUID[n];
        for (int i = 0; i < n; i++) {
            uuids[i] = new UUID(rnd.nextLong(), rnd.nextLong());
        }
        return uuids;
    }

    /**
     * A set with {@code intervals} intervals per UUID: {@code [k·stride + from, k·stride + from + length − 1]} for
     * k = 0, 1, ...
     */
    static GtidSet striped(UUID[] uuids, int intervals, long stride, long from, long length) {
        GtidSet.Builder b = GtidSet.builder();
        for (UUID u : uuids) {
            for (int k = 0; k < intervals; k++) {
                long start = k * stride + from;
                b.add(u, start, start + length - 1);
            }
        }
        return b.build();
    }
}
