package io.sluice.facade;

import io.netty.channel.Channel;
import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.Records;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.Packets;
import io.sluice.model.record.EventFramer;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica's binlog dump, on a thread of its own: a {@link DumpStart} finds the start point without scanning the
 * topic and sends the fake ROTATE and the FORMAT_DESCRIPTION (by GTID set for COM_BINLOG_DUMP_GTID, by file and
 * position for COM_BINLOG_DUMP); this class then streams the events byte-exact, leaving out the transactions the
 * start says the replica has, with a heartbeat after skipped transactions and while idle. It writes only while the
 * replica's channel is writable, so a slow replica holds at most the channel's buffer and slows only itself.
 * Follows MySQL's {@code sql/rpl_binlog_sender.cc}.
 *
 * <p>A blocking dump reads through the facade's {@link SharedTail} whenever it can: replicas that follow the tail,
 * or that stream the same stretch together, share one Kafka consumer and one copy of the records. Otherwise (it
 * fell behind the shared window, or the window holds a stretch other dumps read) it has a consumer of its own and
 * tries to join the window again every {@link #ATTACH_RETRY_NANOS} nanoseconds. A non-blocking dump always reads on
 * its own, since it must tell exactly when it reached the end of the topic.
 */
final class BinlogDump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogDump.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How often a dump with a reader of its own tries to join the shared window. */
    private static final long ATTACH_RETRY_NANOS = Duration.ofMillis(250).toNanos();
    /** Replicas that did not set a heartbeat period get one every 30 s (MySQL's default is slave_net_timeout/2). */
    private static final long DEFAULT_HEARTBEAT_NANOS = Duration.ofSeconds(30).toNanos();
    /** The 0x00 that starts every event packet of a dump. */
    private static final byte[] OK_BYTE = {0};
    static final int FLAG_NON_BLOCK = 0x0001;
    static final int FLAG_HEARTBEAT_V2 = 0x0002;

    /** How a dump finds its start and which transactions it leaves out. */
    interface DumpStart {
        /**
         * Checks the request against the topic, sends the fake ROTATE and the FORMAT_DESCRIPTION of the start
         * point through {@code dump}, and returns the offset to stream from.
         *
         * @throws MysqlException the refusal the replica gets (as ERR 1236)
         */
        long begin(BinlogTopicReader reader, BinlogDump dump);

        /** Whether the transaction starting with this record is left out. */
        boolean skip(RecordMeta meta);

        /** The GTIDs the replica said it has (empty for a dump by position). */
        default GtidSet replicaSet() {
            return GtidSet.EMPTY;
        }
    }

    private final FacadeConfig config;
    private final Channel channel;
    private final PacketOut out;
    private final ReplicaRegistry.Entry entry;
    private final DumpStart dumpStart;
    private final boolean nonBlocking;
    private final boolean heartbeatV2;
    private final boolean clientCrc;
    private final String agreedChecksum;
    private final long heartbeatNanos;
    private volatile boolean stopped;
    private volatile String stopReason;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final SharedTail shared;
    private final FacadeMetrics metrics;
    /** The GTIDs the replica has: its own at the start, and every transaction sent since. */
    private final GtidSet.Builder replicaGtids = GtidSet.builder();
    private long publishedNanos;
    private boolean gtidsChanged = true;
    private long unreportedEvents;
    private long unreportedTransactions;
    private long unreportedBytes;

    private String file;
    private long position;
    private boolean crc;
    private boolean skipping;
    private boolean skippedSinceSend;
    private boolean inTransaction;
    private long lastSendNanos = System.nanoTime();
    private final EventFramer framer;
    private long startedNanos;
    private String sourceUuid;
    private boolean caughtUp;

    /**
     * @param shared the window of the topic shared by the dumps, or {@code null} to read with a consumer of its own
     *               only
     */
    BinlogDump(FacadeConfig config, Channel channel, PacketOut out, ReplicaRegistry.Entry entry, Session session,
               DumpStart dumpStart, int flags, long replicaServerId, SharedTail shared, FacadeMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        replicaGtids.addAll(dumpStart.replicaSet());
        this.shared = shared;
        this.channel = channel;
        this.out = out;
        this.entry = entry;
        this.dumpStart = dumpStart;
        this.nonBlocking = (flags & FLAG_NON_BLOCK) != 0 || replicaServerId == 0;
        this.heartbeatV2 = (flags & FLAG_HEARTBEAT_V2) != 0;
        this.agreedChecksum = session.agreedChecksum();
        this.clientCrc = "CRC32".equalsIgnoreCase(agreedChecksum);
        long hb = session.heartbeatPeriodNanos();
        this.heartbeatNanos = hb < 0 ? DEFAULT_HEARTBEAT_NANOS : hb;
        this.framer = new EventFramer(config.maxEventBytes());
    }

    void start() {
        Thread t = new Thread(this, "sluice-dump-" + entry.connectionId);
        t.setDaemon(true);
        t.start();
    }

    /** Ends the dump (the replica went away, or a newer dump from its server_id replaced it). */
    void stop(String reason) {
        stopReason = reason;
        stopped = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        writable();
    }

    @Override
    public void run() {
        metrics.dumpStarted(entry);
        try {
            long offset;
            // finding the start point reads single records at many offsets: small fetches keep each probe cheap
            try (KafkaConsumer<byte[], byte[]> search = consumer(64 * 1024)) {
                this.consumer = search;
                if (stopped) {
                    return;
                }
                offset = start(new BinlogTopicReader(search, config.topic(), Duration.ofSeconds(60)));
            }
            stream(offset);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endQuietly();
        } catch (MysqlException e) {
            LOG.info("dump of replica {} (server_id {}) refused: {}", entry.host, entry.serverId, e.getMessage());
            fail(e);
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            endQuietly();
        } catch (RuntimeException e) {
            if (stopped) {
                endQuietly();
            } else {
                LOG.warn("dump of replica {} (server_id {}) failed", entry.host, entry.serverId, e);
                fail(new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                        "Sluice could not read the binlog topic: " + e.getMessage()));
            }
        } finally {
            report(true);
            metrics.dumpEnded(entry);
            consumer = null;
            entry.dump = null;
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(int fetchBytes) {
        return new KafkaConsumer<>(readerConfig(config.consumerConfig(), fetchBytes, fetchBytes < 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A reader of the topic: committed records only, no group, fetches of {@code fetchBytes}; with
     * {@code shortWaits}, a probe that lands past the last record does not wait out the broker's 500 ms fetch wait
     * (searches read single records at many offsets).
     */
    static Map<String, Object> readerConfig(Map<String, Object> base, int fetchBytes, boolean shortWaits) {
        Map<String, Object> props = new HashMap<>(base);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        props.putIfAbsent("max.partition.fetch.bytes", fetchBytes);
        props.putIfAbsent("receive.buffer.bytes", 1024 * 1024);
        if (shortWaits) {
            props.putIfAbsent("fetch.max.wait.ms", 10);
        }
        return props;
    }

    private void endQuietly() {
        if (stopReason != null) {
            LOG.info("dump of replica {} ended: {}", entry.host, stopReason);
            channel.close();
        }
    }

    private void fail(MysqlException e) {
        if (channel.isActive()) {
            out.write(Packets.err(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG.code(), e.sqlState(),
                    e.getMessage()));
            out.flush();
            channel.close();
        }
    }

    /** Runs the start and returns the offset to stream from. */
    private long start(BinlogTopicReader reader) {
        startedNanos = System.nanoTime();
        long offset = dumpStart.begin(reader, this);
        out.flush();
        LOG.info("replica {} (server_id {}) starts at offset {} ({}:{}) found in {} ms: {}", entry.host,
                entry.serverId, offset, file, position, (System.nanoTime() - startedNanos) / 1_000_000, dumpStart);
        return offset;
    }

    /**
     * Waits a moment for the syncer to write more, while a start point is ahead of the topic.
     *
     * @param deadline {@link System#nanoTime()} after which the replica is refused
     * @return false when the wait is over: past the deadline, or the replica went away
     */
    boolean awaitTopic(long deadline) {
        if (System.nanoTime() > deadline || stopped || !channel.isActive()) {
            return false;
        }
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stopped && channel.isActive();
    }

    String replicaHost() {
        return entry.host + " (server_id " + entry.serverId + ")";
    }

    /** The checksum the client agreed with SET @source_binlog_checksum; {@code null} if it did not set one. */
    String agreedChecksum() {
        return agreedChecksum;
    }

    /** Refuses a replica that did not agree on a checksum when the source's events carry a CRC32. */
    void checkChecksum(byte[] fde, String file, long position) {
        if (fde != null && FormatDescription.parse(fde).hasCrc32() && agreedChecksum == null) {
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG, "Slave can not handle "
                    + "replication events with the checksum that master is configured to log; the first event '"
                    + file + "' at 4, the last event read from '" + file + "' at " + position
                    + ", the last byte read from '" + file + "' at " + position + ".");
        }
    }

    /** The server the events to stream were read from, so a change of server is noticed. */
    void sourceUuid(String uuid) {
        sourceUuid = uuid;
    }

    /** Sends the FORMAT_DESCRIPTION of the start file, as a replica that starts after its first event gets it. */
    void sendFormatDescription(byte[] event, boolean zeroLogPos) {
        FormatDescription fde = FormatDescription.parse(event);
        crc = fde.hasCrc32();
        send(fde.forReplay(true, zeroLogPos));
    }

    /**
     * Streams from {@code offset} to the end: through the shared window of the topic while it can (a blocking dump
     * that reads what other dumps read), else with a consumer of its own, switching as the dump moves.
     */
    private void stream(long offset) throws InterruptedException {
        long next = offset;
        SharedTail.Cursor cursor = shared == null || nonBlocking ? null : shared.attach(next);
        while (!stopped && channel.isActive()) {
            if (cursor != null) {
                try (SharedTail.Cursor c = cursor) {
                    next = loopShared(c);
                }
                cursor = null;
                if (stopped || !channel.isActive()) {
                    return;
                }
                LOG.info("replica {} (server_id {}) reads on from offset {} with a reader of its own: it fell behind the"
                        + " records the other replicas share", entry.host, entry.serverId, next);
            }
            // a reader of its own reads the topic sequentially: big fetches, fewer round trips
            try (KafkaConsumer<byte[], byte[]> stream = consumer(4 * 1024 * 1024)) {
                this.consumer = stream;
                if (stopped) {
                    return;
                }
                BinlogTopicReader reader = new BinlogTopicReader(stream, config.topic(), Duration.ofSeconds(60));
                reader.seek(next);
                cursor = loop(stream, reader.partition());
            } finally {
                this.consumer = null;
            }
            if (cursor == null) {
                return;
            }
        }
        if (cursor != null) {
            cursor.close(); // attached just as the dump was stopped
        }
    }

    /** Streams through the shared window; returns the position to read on from once left behind. */
    private long loopShared(SharedTail.Cursor cursor) throws InterruptedException {
        while (!stopped && channel.isActive()) {
            List<SharedTail.Shared> records = cursor.poll(POLL);
            if (records == null) {
                break;
            }
            entry.dumpIdle = records.isEmpty();
            if (records.isEmpty()) {
                idle();
                continue;
            }
            for (SharedTail.Shared shared : records) {
                if (stopped) {
                    break;
                }
                RecordMeta meta = shared.meta();
                ConsumerRecord<byte[], byte[]> record = shared.record();
                onRecord(meta != null ? meta : Records.meta(record), record.value(), record.offset(),
                        record.timestamp());
            }
            out.flush();
            report(false);
        }
        return cursor.next();
    }

    /**
     * Streams with the dump's own consumer until the dump could attach to the shared window (then its cursor there),
     * or the dump is over: a non-blocking dump at the end of the topic, or a stopped one (then {@code null}).
     */
    private SharedTail.Cursor loop(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
        long lastTry = System.nanoTime();
        while (!stopped && channel.isActive()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            entry.dumpIdle = records.isEmpty();
            if (records.isEmpty()) {
                idle();
                if (nonBlocking && consumer.position(partition)
                        >= consumer.endOffsets(List.of(partition)).get(partition)) {
                    out.write(Packets.eof(0, 0));
                    out.flush();
                    return null;
                }
            } else {
                send(records);
            }
            if (shared != null && !nonBlocking && System.nanoTime() - lastTry >= ATTACH_RETRY_NANOS) {
                lastTry = System.nanoTime();
                SharedTail.Cursor cursor = shared.attach(consumer.position(partition));
                if (cursor != null) {
                    return cursor;
                }
            }
        }
        return null;
    }

    private void send(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (stopped) {
                return;
            }
            onRecord(Records.meta(record), record.value(), record.offset(), record.timestamp());
        }
        out.flush();
        report(false);
    }

    /** Nothing new to send: flush, note that the replica caught up, keep it alive with heartbeats. */
    private void idle() {
        out.flush();
        report(true);
        if (!caughtUp) {
            caughtUp = true;
            LOG.info("replica {} (server_id {}) reached the end of the topic after {} ms, {} bytes sent",
                    entry.host, entry.serverId, (System.nanoTime() - startedNanos) / 1_000_000, entry.bytesSent);
        }
        if (file != null && heartbeatNanos > 0 && System.nanoTime() - lastSendNanos >= heartbeatNanos) {
            heartbeat();
            out.flush();
        }
    }

    /**
     * Hands what was sent since the last call to the metrics, and publishes the replica's GTID set at most once a
     * second (or now, with {@code publish}).
     */
    private void report(boolean publish) {
        metrics.sent(unreportedEvents, unreportedTransactions, unreportedBytes);
        unreportedEvents = 0;
        unreportedTransactions = 0;
        unreportedBytes = 0;
        long now = System.nanoTime();
        if (gtidsChanged && (publish || now - publishedNanos >= 1_000_000_000L)) {
            publishedNanos = now;
            gtidsChanged = false;
            entry.gtidSet = replicaGtids.build().toString();
        }
    }

    private void onRecord(RecordMeta meta, byte[] value, long offset, long timestampMs) {
        entry.offset = offset + 1;
        entry.lastRecordMs = timestampMs;
        if (meta.sourceUuid() != null && !meta.sourceUuid().equals(sourceUuid)) {
            // the syncer moved to another server: its file names and positions are a new sequence (they may even
            // repeat the old server's), so the replica must be told of the file again with a fake ROTATE
            if (sourceUuid != null) {
                beginFile(meta.file());
            }
            sourceUuid = meta.sourceUuid();
        }
        if (meta.kind() == RecordKind.CONTROL) {
            onControl(meta, value);
            return;
        }
        if (meta.startsTransaction()) {
            skipping = dumpStart.skip(meta);
            inTransaction = true;
        } else if (!inTransaction) {
            skipping = true; // the rest of a transaction whose first part is not in the topic any more
        }
        if (!meta.file().equals(file)) {
            changeFile(meta.file());
        }
        if (skipping) {
            skippedSinceSend = true;
        } else {
            if (skippedSinceSend) {
                heartbeat();
                skippedSinceSend = false;
            }
            awaitWritable();
            framer.feed(value, 0, value.length, sink);
        }
        if (meta.endPos() > 0) {
            position = meta.endPos();
            entry.position = position;
        }
        if (meta.endsUnit()) {
            if (inTransaction && !skipping) {
                unreportedTransactions++;
                if (meta.gtid() != null) {
                    replicaGtids.add(meta.gtid());
                    gtidsChanged = true;
                }
            }
            inTransaction = false;
        }
    }

    private void onControl(RecordMeta meta, byte[] event) {
        int type = BinlogEvents.type(event, 0);
        if (!meta.file().equals(file) && type != EventType.FORMAT_DESCRIPTION) {
            changeFile(meta.file());
        } else if (!meta.file().equals(file)) {
            beginFile(meta.file());
        }
        awaitWritable();
        if (type == EventType.FORMAT_DESCRIPTION) {
            FormatDescription fde = FormatDescription.parse(event);
            crc = fde.hasCrc32();
            send(fde.forReplay(false, false));
        } else {
            send(event);
        }
        position = meta.endPos();
        entry.position = position;
        if (type == EventType.ROTATE) {
            file = BinlogEvents.rotate(event, crc).file();
            position = BinlogEvents.BINLOG_START;
            entry.file = file;
        }
    }

    /** The replica must hear of a new file: a fake ROTATE unless a real one already told it. */
    private void changeFile(String next) {
        beginFile(next);
    }

    private void beginFile(String next) {
        beginFile(next, BinlogEvents.BINLOG_START);
    }

    /** Sends a fake ROTATE to (file, position): the replica goes on from there. */
    void beginFile(String next, long at) {
        send(BinlogEvents.fakeRotate(config.serverId(), next, at, clientCrc));
        file = next;
        position = at;
        entry.file = file;
        entry.position = at;
    }

    private void heartbeat() {
        byte[] hb = heartbeatV2
                ? BinlogEvents.heartbeatV2(config.serverId(), file, position, clientCrc)
                : BinlogEvents.heartbeatV1(config.serverId(), file, position, clientCrc);
        send(hb);
    }

    /** Sends one whole event in one packet (or several, past 16 MiB). */
    private void send(byte[] event) {
        out.beginPayload(event.length + 1L);
        out.payloadBytes(OK_BYTE, 0, 1);
        out.payloadBytes(event, 0, event.length);
        entry.bytesSent += event.length;
        unreportedEvents++;
        unreportedBytes += event.length;
        lastSendNanos = System.nanoTime();
    }

    private final EventFramer.Sink sink = new EventFramer.Sink() {
        @Override
        public void eventStart(byte[] header, long length) {
            out.beginPayload(length + 1);
            out.payloadBytes(OK_BYTE, 0, 1);
        }

        @Override
        public void eventBytes(byte[] data, int offset, int length) {
            out.payloadBytes(data, offset, length);
            entry.bytesSent += length;
            unreportedBytes += length;
        }

        @Override
        public void eventEnd() {
            unreportedEvents++;
            lastSendNanos = System.nanoTime();
        }
    };

    /** Waits while the replica's outbound buffer is above its high-water mark. */
    private void awaitWritable() {
        while (!channel.isWritable() && channel.isActive() && !stopped) {
            out.flush();
            synchronized (this) {
                try {
                    wait(FacadeConfig.WRITABILITY_WAIT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Called by the channel handler when the channel becomes writable again. */
    synchronized void writable() {
        notifyAll();
    }
}
