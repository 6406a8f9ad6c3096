package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.record.RecordMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a COM_BINLOG_DUMP_GTID: the last checkpoint whose GTID set the replica has (binary search), the
 * refusals MySQL makes (purged GTIDs, a replica ahead of the source, anonymous transactions), and the skipping of
 * every transaction the replica has. A replica ahead of the topic is given {@link FacadeConfig#CATCH_UP_WAIT} for
 * the syncer to catch up first: Sluice is a relay, and a replica re-pointed from the source may be moments ahead. Follows MySQL's {@code sql/rpl_binlog_sender.cc} and {@code sql/rpl_source.cc}.
 */
final class GtidDumpStart implements BinlogDump.DumpStart {
    private static final Logger LOG = LoggerFactory.getLogger(GtidDumpStart.class);
    private final GtidSet replicaSet;

    GtidDumpStart(GtidSet replicaSet) {
        this.replicaSet = replicaSet;
    }

    @Override
    public GtidSet replicaSet() {
        return replicaSet;
    }

    @Override
    public long begin(BinlogTopicReader reader, BinlogDump dump) {
        TopicTail tail = reader.tail();
        long deadline = System.nanoTime() + FacadeConfig.CATCH_UP_WAIT.toNanos();
        boolean waited = false;
        while (replicaAhead(tail)) {
            if (!waited) {
                LOG.info("replica {} has transactions of the source the topic does not hold yet: waiting up to {}"
                        + " for the syncer", dump.replicaHost(), FacadeConfig.CATCH_UP_WAIT);
                waited = true;
            }
            if (!dump.awaitTopic(deadline)) {
                throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                        MysqlError.REPLICA_HAS_MORE_GTIDS);
            }
            tail = reader.tail();
        }
        dump.checkChecksum(tail.fde(), tail.file(), tail.position());
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
        dump.sourceUuid(cp.sourceUuid());
        dump.beginFile(cp.file(), BinlogEvents.BINLOG_START);
        if (cp.fde() != null) {
            dump.sendFormatDescription(cp.fde(), false);
        }
        return at.offset();
    }

    /**
     * Whether the replica has transactions of the source's UUID that the topic lacks: after
     * {@link FacadeConfig#CATCH_UP_WAIT} it is refused (ER 1885's text).
     */
    private boolean replicaAhead(TopicTail tail) {
        if (tail.empty() || tail.sourceUuid() == null) {
            return false;
        }
        GtidSet ours = BinlogTopicReader.onlyUuid(replicaSet, tail.sourceUuid());
        return !tail.executed().containsAll(ours);
    }

    @Override
    public boolean skip(RecordMeta meta) {
        Gtid gtid = meta.gtid();
        if (gtid == null) {
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                    String.format(MysqlError.ANONYMOUS_WITH_AUTO_POSITION, meta.file(), meta.endPos()));
        }
        return replicaSet.contains(gtid);
    }

    @Override
    public String toString() {
        return "skipping what it has of " + replicaSet;
    }
}
