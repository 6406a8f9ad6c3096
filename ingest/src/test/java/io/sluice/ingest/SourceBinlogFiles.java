package io.sluice.ingest;

import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.Bytes;
import io.sluice.model.binlog.EventType;
import io.sluice.model.gtid.Gtid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The transactions of a MySQL server's binlog files, read straight from its data directory (through
 * {@code binlog.index}), independently of the syncer and the topic: each transaction's GTID, file, start position
 * and its events' bytes back to back. Control events (FORMAT_DESCRIPTION, PREVIOUS_GTIDS, ROTATE, STOP, INCIDENT)
 * are left out.
 */
final class SourceBinlogFiles {
    private static final Set<Integer> CONTROL = Set.of(EventType.FORMAT_DESCRIPTION, EventType.PREVIOUS_GTIDS,
            EventType.ROTATE, EventType.STOP, EventType.INCIDENT);
    private static final int MAGIC = 4;

    /** One transaction as the file holds it. */
    record FileTransaction(Gtid gtid, String file, long start, byte[] bytes) {
    }

    private SourceBinlogFiles() {
    }

    static List<FileTransaction> read(Path dataDir) {
        try {
            List<FileTransaction> out = new ArrayList<>();
            for (String line : Files.readAllLines(dataDir.resolve("binlog.index"))) {
                if (!line.isBlank()) {
                    readFile(dataDir.resolve(Path.of(line.trim()).getFileName()), out);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readFile(Path path, List<FileTransaction> out) throws IOException {
        byte[] data = Files.readAllBytes(path);
        String file = path.getFileName().toString();
        ByteArrayOutputStream current = null;
        Gtid gtid = null;
        long start = 0;
        int p = MAGIC;
        while (p + 19 <= data.length) {
            int length = (int) Bytes.u32(data, p + 9);
            if (length < 19 || p + length > data.length) {
                break; // the end of what the server has written so far
            }
            int type = BinlogEvents.type(data, p);
            if (type == EventType.GTID || type == EventType.ANONYMOUS_GTID || CONTROL.contains(type)) {
                if (current != null) {
                    out.add(new FileTransaction(gtid, file, start, current.toByteArray()));
                    current = null;
                }
            }
            if (type == EventType.GTID || type == EventType.ANONYMOUS_GTID) {
                current = new ByteArrayOutputStream();
                gtid = type == EventType.GTID ? BinlogEvents.gtid(data, p) : null;
                start = p;
            }
            if (current != null && !CONTROL.contains(type)) {
                current.write(data, p, length);
            }
            p += length;
        }
        if (current != null) {
            out.add(new FileTransaction(gtid, file, start, current.toByteArray()));
        }
    }
}
