package io.sluice.app.core;

import io.sluice.app.api.BinlogView;
import io.sluice.app.api.PurgeRequest;
import io.sluice.app.api.PurgeResult;
import io.sluice.app.api.RetentionView;
import io.sluice.kafka.binlog.BinlogFileIndex;
import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.Records;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the binlog topic holds (its files, first and last positions, GTID sets, size), and the operator's hands on
 * it: purging whole source files through Kafka's DeleteRecords, and the topic's retention. Reads with one consumer
 * of its own, kept open so that listing files bisects only what was written since the last call. Thread-safe.
 */
public final class BinlogCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogCatalog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How many records after the log start are read to find the oldest transaction's GTID. */
    private static final int EARLIEST_SCAN = 4096;

    /** A purge that cannot proceed as asked: the answer's HTTP status and why. */
    public static final class PurgeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        PurgeException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final KafkaRuntime kafka;
    private final TopicPartition partition;
    private KafkaConsumer<byte[], byte[]> consumer;
    private BinlogTopicReader reader;
    private BinlogFileIndex index;

    public BinlogCatalog(KafkaRuntime kafka) {
        this.kafka = kafka;
        this.partition = new TopicPartition(kafka.topic(), 0);
    }

    public synchronized BinlogView view() {
        return withConsumer(() -> {
            long begin = reader.beginOffset();
            long end = reader.endOffset();
            List<BinlogFileIndex.FileRun> runs = index.runs(begin, end);
            TopicTail tail = reader.tail();
            GtidSet purged = reader.purged();
            BinlogView.Point earliest = earliest(begin, end);
            BinlogView.Point latest = tail.empty() ? null
                    : new BinlogView.Point(end - 1, tail.file(), tail.position(), lastGtid(begin, end));
            long sourceBytes = 0;
            for (int i = 0; i < runs.size(); i++) {
                long from = i == 0 && earliest != null && earliest.file().equals(runs.get(0).name())
                        && earliest.position() > 0 ? earliest.position() : 4;
                sourceBytes += Math.max(0, runs.get(i).size() - from);
            }
            List<BinlogView.FileView> files = runs.stream().map(r -> new BinlogView.FileView(r.name(), r.size(),
                    r.firstOffset(), r.lastOffset(), Instant.ofEpochMilli(r.lastWrittenMs()))).toList();
            return new BinlogView(kafka.topic(), begin, end, earliest, latest, tail.executed().toString(),
                    purged.toString(), files, sourceBytes, topicBytes(), retention());
        });
    }

    /** The first transaction held whole: its offset, file, start position and GTID; {@code null} when none. */
    private BinlogView.Point earliest(long begin, long end) {
        consumer.seek(partition, begin);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long limit = Math.min(end, begin + EARLIEST_SCAN);
        while (consumer.position(partition) < limit && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() >= limit) {
                    return null;
                }
                RecordMeta meta = Records.meta(r);
                if (meta.kind() == RecordKind.TRANSACTION && meta.startsTransaction()) {
                    long start = Records.startPosition(meta, r.value());
                    return new BinlogView.Point(r.offset(), meta.file(), start,
                            meta.gtid() == null ? null : meta.gtid().toString());
                }
            }
        }
        return null;
    }

    /** The GTID of the newest transaction, read from the last records; {@code null} when none is near the end. */
    private String lastGtid(long begin, long end) {
        long from = Math.max(begin, end - 64);
        consumer.seek(partition, from);
        String last = null;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                RecordMeta meta = Records.meta(r);
                if (r.offset() < end && meta.kind() == RecordKind.TRANSACTION && meta.gtid() != null) {
                    last = meta.gtid().toString();
                }
            }
        }
        return last;
    }

    /** Where a purge would cut: the first offset kept, and the files before it. */
    private record Cut(long offset, List<String> files) {
    }

    /**
     * Purges whole files up to what {@code request} names, unless a replica still needs them and {@code force} is
     * not set.
     *
     * @param needs the replicas connected to any node of the cluster, with the lowest offset each needs
     * @throws PurgeException 400 for a request that names nothing or two things, 404 for a file the topic does
     *                        not hold; a refusal is an answer, not an exception
     */
    public synchronized PurgeResult purge(PurgeRequest request, Collection<PurgeResult.ReplicaNeed> needs) {
        int named = (request.toFile() != null ? 1 : 0) + (request.gtidSet() != null ? 1 : 0)
                + (request.before() != null ? 1 : 0);
        if (named != 1) {
            throw new PurgeException(400, "name exactly one of toFile, gtidSet and before (got " + named + ")");
        }
        GtidSet upTo = null;
        if (request.gtidSet() != null) {
            try {
                upTo = GtidSet.parse(request.gtidSet().replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new PurgeException(400, "gtidSet is not a GTID set: " + e.getMessage());
            }
        }
        GtidSet gtids = upTo;
        return withConsumer(() -> {
            long begin = reader.beginOffset();
            long end = reader.endOffset();
            List<BinlogFileIndex.FileRun> runs = index.runs(begin, end);
            Cut cut = cut(request, gtids, runs, begin);
            if (cut.offset() <= begin || cut.files().isEmpty()) {
                return new PurgeResult(false, request.dryRun(), false, begin, begin, List.of(), null, List.of(),
                        "nothing to purge: the oldest file the topic holds, " + (runs.isEmpty() ? "none"
                                : runs.get(0).name()) + ", is not covered by the request");
            }
            List<PurgeResult.ReplicaNeed> blocking = needs.stream().filter(n -> n.offset() < cut.offset()).toList();
            if (!blocking.isEmpty() && !request.force()) {
                return new PurgeResult(false, request.dryRun(), false, begin, begin, cut.files(), null, blocking,
                        blocking.size() + " connected replica(s) still need records before offset " + cut.offset()
                                + " (files " + cut.files() + "); purge with \"force\": true to purge anyway, and "
                                + "those replicas will fail with error 1236");
            }
            if (request.dryRun()) {
                return new PurgeResult(false, true, !blocking.isEmpty(), begin, cut.offset(), cut.files(), null,
                        blocking, "would purge " + cut.files().size() + " file(s) up to offset " + cut.offset());
            }
            deleteBefore(cut.offset());
            if (blocking.isEmpty()) {
                LOG.info("purged the binlog topic before offset {}: files {}", cut.offset(), cut.files());
            } else {
                LOG.warn("purged the binlog topic before offset {} (files {}) although {} replica(s) still needed "
                        + "them (forced): {}", cut.offset(), cut.files(), blocking.size(), blocking);
            }
            return new PurgeResult(true, false, !blocking.isEmpty(), begin, reader.beginOffset(), cut.files(),
                    reader.purged().toString(), blocking, "purged " + cut.files().size() + " file(s)");
        });
    }

    /**
     * Where to cut for {@code request}: before the run of the first file to keep, moved back to the start of the
     * Kafka transaction that holds it (a topic must begin with a checkpoint), so a purge never removes a record of
     * a file it keeps; the end of the file before may stay. The newest file is always kept.
     */
    private Cut cut(PurgeRequest request, GtidSet upTo, List<BinlogFileIndex.FileRun> runs, long begin) {
        if (runs.size() < 2) {
            return new Cut(begin, List.of());
        }
        int keep;
        long offset = begin;
        if (request.toFile() != null) {
            keep = -1;
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).name().equals(request.toFile())) {
                    keep = i;
                }
            }
            if (keep < 0) {
                throw new PurgeException(404, "the topic does not hold file '" + request.toFile() + "'; it holds "
                        + runs.get(0).name() + " to " + runs.get(runs.size() - 1).name());
            }
            offset = checkpointBefore(runs.get(keep), begin);
        } else if (request.before() != null) {
            long before = request.before().toEpochMilli();
            keep = 0;
            while (keep < runs.size() - 1 && runs.get(keep).lastWrittenMs() < before) {
                keep++;
            }
            offset = checkpointBefore(runs.get(keep), begin);
        } else {
            // the GTIDs before a checkpoint are in its header: a file may go when they are all in the set
            for (int i = 1; i < runs.size(); i++) {
                BinlogTopicReader.Checkpoint cp = reader.checkpointAtOrBefore(runs.get(i).firstOffset(), begin);
                if (cp == null || !upTo.containsAll(cp.before())) {
                    break;
                }
                offset = cp.offset();
            }
        }
        long cutAt = offset;
        List<String> files = runs.stream().filter(r -> r.lastOffset() < cutAt).map(BinlogFileIndex.FileRun::name)
                .toList();
        return new Cut(cutAt, files);
    }

    private long checkpointBefore(BinlogFileIndex.FileRun run, long begin) {
        BinlogTopicReader.Checkpoint cp = reader.checkpointAtOrBefore(run.firstOffset(), begin);
        return cp == null ? begin : cp.offset();
    }

    private void deleteBefore(long offset) {
        try {
            kafka.admin().deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(offset))).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted purging", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not delete the records before offset " + offset + ": "
                    + (e.getCause() == null ? e : e.getCause()).toString(), e);
        }
    }

    /** The topic's retention as Kafka applies it (a broker default counts like the topic's own setting). */
    public RetentionView retention() {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic());
        Config config = await(kafka.admin().describeConfigs(List.of(resource)).all()).get(resource);
        return new RetentionView(longConfig(config, TopicConfig.RETENTION_MS_CONFIG),
                longConfig(config, TopicConfig.RETENTION_BYTES_CONFIG));
    }

    /** Sets what {@code change} names (a {@code null} field keeps its value) and returns the result. */
    public RetentionView retention(RetentionView change) {
        List<AlterConfigOp> ops = new ArrayList<>();
        if (change.retentionMs() != null) {
            ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG,
                    change.retentionMs().toString()), AlterConfigOp.OpType.SET));
        }
        if (change.retentionBytes() != null) {
            ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_BYTES_CONFIG,
                    change.retentionBytes().toString()), AlterConfigOp.OpType.SET));
        }
        if (!ops.isEmpty()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic());
            await(kafka.admin().incrementalAlterConfigs(Map.of(resource, ops)).all());
            LOG.info("binlog topic {} retention set: {}", kafka.topic(), change);
        }
        return retention();
    }

    private static Long longConfig(Config config, String key) {
        ConfigEntry e = config.get(key);
        return e == null || e.value() == null ? null : Long.parseLong(e.value());
    }

    /** The partition's size on its leader's disk, or {@code null} when the broker would not tell. */
    private Long topicBytes() {
        try {
            Admin admin = kafka.admin();
            TopicDescription d = await(admin.describeTopics(List.of(kafka.topic())).allTopicNames())
                    .get(kafka.topic());
            if (d.partitions().get(0).leader() == null) {
                return null;
            }
            int leader = d.partitions().get(0).leader().id();
            Map<String, LogDirDescription> dirs = await(admin.describeLogDirs(List.of(leader)).allDescriptions())
                    .get(leader);
            long size = 0;
            for (LogDirDescription dir : dirs.values()) {
                ReplicaInfo info = dir.replicaInfos().get(partition);
                if (info != null && !info.isFuture()) {
                    size += info.size();
                }
            }
            return size;
        } catch (RuntimeException e) {
            LOG.debug("cannot read the size of {}: {}", partition, e.toString());
            return null;
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer: " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    private interface Read<T> {
        T read();
    }

    /** Runs {@code read} with the catalog's consumer, opened when needed and dropped when a read fails. */
    private <T> T withConsumer(Read<T> read) {
        if (consumer == null) {
            Map<String, Object> props = new HashMap<>(kafka.consumerConfig());
            props.put("isolation.level", "read_committed");
            props.put("enable.auto.commit", false);
            props.remove("group.id");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            reader = new BinlogTopicReader(consumer, kafka.topic(), TIMEOUT);
            index = new BinlogFileIndex(consumer, kafka.topic(), TIMEOUT);
        }
        try {
            return read.read();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ZERO);
            consumer = null;
        }
    }
}
