package io.sluice.facade;

import io.netty.channel.Channel;
import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.Records;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.gtid.Gtid;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One replica's COM_BINLOG_DUMP_GTID, on a thread of its own with a consumer of its own: finds the start point
 * without scanning the topic, sends the fake ROTATE and the FORMAT_DESCRIPTION in effect, then the events of every
 * transaction the replica lacks, byte-exact, with a heartbeat after skipped transactions and while idle. It writes
 * only while the replica's channel is writable, so a slow replica holds at most the channel's buffer and slows only
 * itself. Follows MySQL's {@code sql/rpl_binlog_sender.cc}.
 */
final class BinlogDump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogDump.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Replicas that did not set a heartbeat period get one every 30 s (MySQL's default is slave_net_timeout/2). */
    private static final long DEFAULT_HEARTBEAT_NANOS = Duration.ofSeconds(30).toNanos();
    static final int FLAG_NON_BLOCK = 0x0001;
    static final int FLAG_HEARTBEAT_V2 = 0x0002;

    private final FacadeConfig config;
    private final Channel channel;
    private final PacketOut out;
    private final ReplicaRegistry.Entry entry;
    private final GtidSet replicaSet;
    private final boolean nonBlocking;
    private final boolean heartbeatV2;
    private final boolean clientCrc;
    private final String agreedChecksum;
    private final long heartbeatNanos;
    private volatile boolean stopped;
    private volatile String stopReason;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

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

    BinlogDump(FacadeConfig config, Channel channel, PacketOut out, ReplicaRegistry.Entry entry, Session session,
               GtidSet replicaSet, int flags, long replicaServerId) {
        this.config = config;
        this.channel = channel;
        this.out = out;
        this.entry = entry;
        this.replicaSet = replicaSet;
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
            // streaming reads the topic sequentially: big fetches, fewer round trips
            try (KafkaConsumer<byte[], byte[]> stream = consumer(4 * 1024 * 1024)) {
                this.consumer = stream;
                if (stopped) {
                    return;
                }
                new BinlogTopicReader(stream, config.topic(), Duration.ofSeconds(60)).seek(offset);
                loop(stream);
            }
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
            consumer = null;
            entry.dump = null;
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(int fetchBytes) {
        Map<String, Object> props = new HashMap<>(config.consumerConfig());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.remove("group.id");
        props.putIfAbsent("max.partition.fetch.bytes", fetchBytes);
        props.putIfAbsent("receive.buffer.bytes", 1024 * 1024);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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

    /**
     * Checks the replica's request against the topic, sends the fake ROTATE and FORMAT_DESCRIPTION of the start
     * point, and returns the offset to stream from.
     */
    private long start(BinlogTopicReader reader) {
        startedNanos = System.nanoTime();
        TopicTail tail = reader.tail();
        checkReplicaNotAhead(tail);
        if (tail.fde() != null && FormatDescription.parse(tail.fde()).hasCrc32() && agreedChecksum == null) {
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG, "Slave can not handle "
                    + "replication events with the checksum that master is configured to log; the first event '"
                    + tail.file() + "' at 4, the last event read from '" + tail.file() + "' at " + tail.position()
                    + ", the last byte read from '" + tail.file() + "' at " + tail.position() + ".");
        }
        BinlogTopicReader.StartPoint start = reader.startPoint(replicaSet);
        if (start instanceof BinlogTopicReader.Purged p) {
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG, String.format(
                    MysqlError.PURGED_REQUIRED_GTIDS, replicaSet.toMysqlString(), p.missing().toMysqlString()));
        }
        if (start instanceof BinlogTopicReader.EmptyTopic empty) {
            return empty.offset();
        }
        BinlogTopicReader.StartAt at = (BinlogTopicReader.StartAt) start;
        RecordMeta cp = at.checkpoint();
        sourceUuid = cp.sourceUuid();
        beginFile(cp.file());
        if (cp.fde() != null) {
            FormatDescription fde = FormatDescription.parse(cp.fde());
            crc = fde.hasCrc32();
            send(fde.forReplay(true, false));
        }
        out.flush();
        LOG.info("replica {} (server_id {}) starts at offset {} ({}) found in {} ms, skipping what it has of {}",
                entry.host, entry.serverId, at.offset(), cp.file(), (System.nanoTime() - startedNanos) / 1_000_000,
                replicaSet);
        return at.offset();
    }

    /** A replica with transactions of the source's UUID that the topic lacks is refused (ER 1885's text). */
    private void checkReplicaNotAhead(TopicTail tail) {
        if (tail.empty() || tail.sourceUuid() == null) {
            return;
        }
        GtidSet ours = BinlogTopicReader.onlyUuid(replicaSet, tail.sourceUuid());
        if (!tail.executed().containsAll(ours)) {
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                    MysqlError.REPLICA_HAS_MORE_GTIDS);
        }
    }

    private void loop(KafkaConsumer<byte[], byte[]> consumer) {
        while (!stopped && channel.isActive()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (records.isEmpty()) {
                out.flush();
                if (!caughtUp) {
                    caughtUp = true;
                    LOG.info("replica {} (server_id {}) reached the end of the topic after {} ms, {} bytes sent",
                            entry.host, entry.serverId, (System.nanoTime() - startedNanos) / 1_000_000,
                            entry.bytesSent);
                }
                if (nonBlocking && consumer.position(consumer.assignment().iterator().next())
                        >= consumer.endOffsets(consumer.assignment()).values().iterator().next()) {
                    out.write(Packets.eof(0, 0));
                    out.flush();
                    return;
                }
                if (file != null && heartbeatNanos > 0 && System.nanoTime() - lastSendNanos >= heartbeatNanos) {
                    heartbeat();
                    out.flush();
                }
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (stopped) {
                    return;
                }
                onRecord(Records.meta(record), record.value());
            }
            out.flush();
        }
    }

    private void onRecord(RecordMeta meta, byte[] value) {
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
            Gtid gtid = meta.gtid();
            if (gtid == null) {
                throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                        String.format(MysqlError.ANONYMOUS_WITH_AUTO_POSITION, meta.file(), meta.endPos()));
            }
            skipping = replicaSet.contains(gtid);
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
        send(BinlogEvents.fakeRotate(config.serverId(), next, BinlogEvents.BINLOG_START, clientCrc));
        file = next;
        position = BinlogEvents.BINLOG_START;
        entry.file = file;
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
        out.payloadBytes(new byte[] {0}, 0, 1);
        out.payloadBytes(event, 0, event.length);
        entry.bytesSent += event.length;
        lastSendNanos = System.nanoTime();
    }

    private final EventFramer.Sink sink = new EventFramer.Sink() {
        @Override
        public void eventStart(byte[] header, long length) {
            out.beginPayload(length + 1);
            out.payloadBytes(new byte[] {0}, 0, 1);
        }

        @Override
        public void eventBytes(byte[] data, int offset, int length) {
            out.payloadBytes(data, offset, length);
            entry.bytesSent += length;
        }

        @Override
        public void eventEnd() {
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
