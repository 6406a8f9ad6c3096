package io.sluice.ingest;

import io.sluice.ingest.client.SourceClient;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.binlog.TransactionBoundaryParser;
import io.sluice.model.binlog.TransactionBoundaryParser.Boundary;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.protocol.MysqlProtocolException;
import io.sluice.model.record.RecordMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

/**
 * Moves events from one source connection into the topic: verifies checksums, finds transaction boundaries, drops
 * what the topic has already (made-up events, control events at or before the topic's last position, transactions
 * whose GTID it holds), writes the rest byte-exact, and commits Kafka transactions at group-commit points. Large
 * events are streamed through in pieces. Runs until the connection fails or {@code stopping} turns true.
 *
 * <p>File names and positions are those of one server: after a failover (or any change of the server behind the
 * address), the new server's binlog is a new file sequence that cannot be compared with the old one's. When the
 * source's server_uuid is not the one of the topic's last checkpoint, every control event it sends (its
 * FORMAT_DESCRIPTION, PREVIOUS_GTIDS, real ROTATEs) is written, and duplicates are told by GTID alone.
 */
final class EventPump {
    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
    /** Events up to this size are read whole; larger ones are streamed. */
    private static final int STREAM_PIECE = 64 * 1024;

    private final SourceClient client;
    private final TopicWriter writer;
    private final SyncerConfig config;
    private final SyncProgress progress;
    private final BooleanSupplier stopping;
    private final String sourceUuid;
    private final TransactionBoundaryParser parser = new TransactionBoundaryParser();
    private final TransactionAssembler assembler;
    private final byte[] header = new byte[EventHeader.SIZE];
    private final int smallEvent;

    private String file;
    private long position;
    private String topicFile;
    private long topicPosition;
    private boolean crc;
    private byte[] fde;
    private boolean skipping;
    /** The source's current file ended (a real ROTATE): commit before the next file's first record. */
    private boolean fileEnded;
    /** Header timestamp (the source's clock, seconds) of the last event read, heartbeats aside. */
    private long eventTimestamp;
    /** The GTID of the transaction being read, and of the last one read whole, with its last event's timestamp. */
    private Gtid currentGtid;
    private Gtid lastGtid;
    private long lastTimestamp;

    /**
     * @param agreedCrc whether the checksum agreed with the source is CRC32: it decides how the events before the
     *                  first FORMAT_DESCRIPTION (the fake ROTATE) end; after it, the FORMAT_DESCRIPTION decides
     */
    EventPump(SourceClient client, TopicWriter writer, SyncerConfig config, TopicTail tail, String sourceUuid,
              boolean agreedCrc, SyncProgress progress, BooleanSupplier stopping) {
        this.client = client;
        this.writer = writer;
        this.config = config;
        this.progress = progress;
        this.stopping = stopping;
        this.sourceUuid = sourceUuid;
        this.assembler = new TransactionAssembler(writer, config.maxRecordBytes());
        this.smallEvent = Math.min(config.maxRecordBytes(), 1024 * 1024);
        if (tail.sourceUuid() != null && !tail.sourceUuid().equalsIgnoreCase(sourceUuid)) {
            LOG.info("source {} is not the server the topic followed ({}): its binlog starts a new file sequence in "
                    + "the topic", sourceUuid, tail.sourceUuid());
            this.topicFile = null;
            this.topicPosition = 0;
        } else {
            this.topicFile = tail.file();
            this.topicPosition = tail.position();
        }
        this.file = tail.file();
        this.position = tail.position();
        this.fde = tail.fde();
        this.crc = agreedCrc;
        progress.connected(sourceUuid, client.serverVersion());
        writer.context(fde, sourceUuid);
    }

    void run() throws IOException {
        while (!stopping.getAsBoolean()) {
            maybeCommit();
            SourceClient.EventPacket packet = client.nextEvent();
            if (packet == null) {
                return;
            }
            progress.eventSeen();
            packet.readFully(header, 0, EventHeader.SIZE);
            EventHeader h = EventHeader.parse(header, 0, EventHeader.SIZE);
            if (h.type() != EventType.HEARTBEAT && h.type() != EventType.HEARTBEAT_V2) {
                progress.eventTimestamp(h.timestamp());
                eventTimestamp = h.timestamp();
            }
            if (h.eventLength() <= smallEvent) {
                byte[] event = new byte[(int) h.eventLength()];
                System.arraycopy(header, 0, event, 0, EventHeader.SIZE);
                packet.readFully(event, EventHeader.SIZE, event.length - EventHeader.SIZE);
                if (!packet.finished()) {
                    throw new MysqlProtocolException("event packet longer than its event (" + event.length
                            + " bytes) at " + file + ":" + position);
                }
                if (crc && !Checksums.verify(event, 0, event.length)) {
                    throw new MysqlProtocolException("CRC32 mismatch in " + EventType.name(h.type()) + " event ending at "
                            + file + ":" + h.logPos());
                }
                onEvent(h, event);
            } else {
                onLargeEvent(h, packet);
            }
        }
    }

    /**
     * Group commit: when no transaction is half-written and the source has nothing more buffered, or limits hit, or
     * the source's file ended. Committing at a file's end makes every file's first record the first of a Kafka
     * transaction, which carries a checkpoint: a reader can start at any file, and a purge by file cuts exactly
     * where the file begins (one more commit per rotation, every max_binlog_size of the source).
     */
    private void maybeCommit() throws IOException {
        if (assembler.active() || !writer.hasOpenTransaction()) {
            return;
        }
        boolean idle = !client.hasBufferedData();
        if (idle || fileEnded || writer.pendingBytes() >= config.groupCommitBytes()
                || writer.openForNanos() >= config.groupCommitDelay().toNanos()) {
            fileEnded = false;
            long transactionsBefore = writer.transactionsWritten();
            long bytesBefore = writer.bytesWritten();
            long started = System.nanoTime();
            writer.commit();
            progress.metrics().commit.update(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            topicFile = file;
            topicPosition = position;
            progress.committed(writer.committed(), file, position, writer.transactionsWritten() - transactionsBefore,
                    writer.bytesWritten() - bytesBefore, lastGtid, lastTimestamp);
        }
    }

    private void onEvent(EventHeader h, byte[] event) {
        int type = h.type();
        if (type == EventType.HEARTBEAT || type == EventType.HEARTBEAT_V2) {
            return;
        }
        if (type == EventType.ROTATE && h.artificial()) {
            file = BinlogEvents.rotate(event, crc).file();
            return;
        }
        if (type == EventType.FORMAT_DESCRIPTION) {
            FormatDescription description = FormatDescription.parse(event);
            crc = description.hasCrc32();
            fde = event;
            writer.context(fde, sourceUuid);
            if (h.logPos() != 0 && isNew(h.logPos())) {
                writeControl(event, h.logPos());
            }
            return;
        }
        Boundary boundary = parser.next(event, 0, event.length, crc);
        switch (boundary) {
            case CONTROL -> {
                if (h.logPos() != 0 && isNew(h.logPos())) {
                    writeControl(event, h.logPos());
                }
                if (type == EventType.ROTATE) {
                    BinlogEvents.Rotate rotate = BinlogEvents.rotate(event, crc);
                    file = rotate.file();
                    position = rotate.position();
                    fileEnded = true;
                }
            }
            case START -> {
                startTransaction(type, event);
                appendWhole(event, h.logPos());
            }
            case MIDDLE -> appendWhole(event, h.logPos());
            case END -> {
                appendWhole(event, h.logPos());
                endTransaction();
            }
            case SINGLE -> {
                if (type == EventType.INCIDENT) {
                    writeControl(event, h.logPos());
                } else {
                    startTransaction(type, event);
                    appendWhole(event, h.logPos());
                    endTransaction();
                }
            }
        }
    }

    private void startTransaction(int type, byte[] event) {
        Gtid gtid = type == EventType.GTID ? BinlogEvents.gtid(event, 0) : null;
        skipping = gtid != null && writer.has(gtid);
        if (skipping) {
            LOG.warn("source sent {} again, which the topic has; skipping it", gtid);
            return;
        }
        currentGtid = gtid;
        assembler.begin(gtid, file);
    }

    private void appendWhole(byte[] event, long logPos) {
        if (!skipping) {
            assembler.append(event, 0, event.length);
            assembler.eventEnd(logPos);
        }
        position = logPos;
    }

    private void endTransaction() {
        if (!skipping) {
            assembler.end();
            lastGtid = currentGtid;
            lastTimestamp = eventTimestamp;
        }
        skipping = false;
    }

    private void writeControl(byte[] event, long logPos) {
        writer.send(RecordMeta.control(file, logPos), event);
        position = logPos;
    }

    /** Whether an event ending at {@code logPos} of the current file comes after what the topic holds. */
    private boolean isNew(long logPos) {
        if (topicFile == null || !topicFile.equals(file)) {
            return topicFile == null || compareFiles(file, topicFile) > 0;
        }
        return logPos > topicPosition;
    }

    /** Orders binlog file names by their numeric extension when they share a base name. */
    static int compareFiles(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        if (da > 0 && db > 0 && a.substring(0, da).equals(b.substring(0, db))) {
            try {
                return Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
            } catch (NumberFormatException ignored) {
                // fall through to text order
            }
        }
        return a.compareTo(b);
    }

    /** An event larger than {@code smallEvent}: classified from its first bytes, then streamed piece by piece. */
    private void onLargeEvent(EventHeader h, SourceClient.EventPacket packet) throws IOException {
        long length = h.eventLength();
        int prefixLength = (int) Math.min(length, STREAM_PIECE);
        byte[] piece = new byte[STREAM_PIECE];
        System.arraycopy(header, 0, piece, 0, EventHeader.SIZE);
        packet.readFully(piece, EventHeader.SIZE, prefixLength - EventHeader.SIZE);
        Boundary boundary = parser.next(piece, 0, prefixLength, crc);
        if (boundary == Boundary.START || boundary == Boundary.SINGLE) {
            startTransaction(h.type(), piece);
        } else if (boundary == Boundary.CONTROL) {
            throw new MysqlProtocolException(EventType.name(h.type()) + " event of " + length
                    + " bytes outside a transaction at " + file + ":" + h.logPos());
        }
        CRC32 running = new CRC32();
        byte[] stored = new byte[Checksums.CRC_LEN];
        long done = 0;
        int n = prefixLength;
        while (true) {
            if (crc) {
                feedCrc(running, stored, piece, n, done, length);
            }
            if (!skipping) {
                assembler.append(piece, 0, n);
            }
            done += n;
            if (done == length) {
                break;
            }
            n = (int) Math.min(STREAM_PIECE, length - done);
            packet.readFully(piece, 0, n);
        }
        if (crc && running.getValue() != io.sluice.model.binlog.Bytes.u32(stored, 0)) {
            throw new MysqlProtocolException("CRC32 mismatch in " + EventType.name(h.type()) + " event of " + length
                    + " bytes ending at " + file + ":" + h.logPos());
        }
        if (!skipping) {
            assembler.eventEnd(h.logPos());
        }
        position = h.logPos();
        if (boundary == Boundary.END || boundary == Boundary.SINGLE) {
            endTransaction();
        }
    }

    /** Feeds the CRC with the bytes before the last four, and keeps the last four (the stored checksum). */
    private static void feedCrc(CRC32 crc32, byte[] stored, byte[] piece, int n, long offset, long length) {
        long crcStart = length - Checksums.CRC_LEN;
        int body = (int) Math.max(0, Math.min(n, crcStart - offset));
        crc32.update(piece, 0, body);
        for (int i = body; i < n; i++) {
            stored[(int) (offset + i - crcStart)] = piece[i];
        }
    }
}
