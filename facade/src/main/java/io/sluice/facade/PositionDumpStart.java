package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.record.RecordMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a COM_BINLOG_DUMP: the record that starts at the requested (file, position), found by binary search
 * (see {@link BinlogTopicReader#positionStart}); MySQL's refusals for a file it does not have, or a position past
 * the end of the file or inside an event; then every transaction as it is (GTID or ANONYMOUS_GTID alike: a dump by
 * position skips nothing). Follows Binlog_sender in MySQL's {@code sql/rpl_binlog_sender.cc}: a fake ROTATE to
 * (file, position), then the file's FORMAT_DESCRIPTION, with created and log_pos zeroed when position is past 4.
 *
 * <p>A position past the end of the topic's last file, or a later file, is given {@link FacadeConfig#CATCH_UP_WAIT}
 * for the syncer to write it before the refusal: a replica re-pointed from the source may be moments ahead.
 *
 * <p>After a source failover, file names and positions start a new sequence: only the files of the latest source
 * server can be asked for; the others get the same answer as a file MySQL does not have.
 */
final class PositionDumpStart implements BinlogDump.DumpStart {
    private static final Logger LOG = LoggerFactory.getLogger(PositionDumpStart.class);
    private final String file;
    private final long position;

    PositionDumpStart(String file, long position) {
        this.file = file;
        this.position = position;
    }

    @Override
    public long begin(BinlogTopicReader reader, BinlogDump dump) {
        long deadline = System.nanoTime() + FacadeConfig.CATCH_UP_WAIT.toNanos();
        boolean waited = false;
        BinlogTopicReader.PositionStart found;
        while (true) {
            // the tail is read before the search: a file the syncer writes in between is then still "ahead", and
            // searched for again, rather than refused on a search that ran just before it arrived
            TopicTail before = reader.tail();
            found = reader.positionStart(file, position);
            if (!ahead(found, before) || !dump.awaitTopic(deadline)) {
                break;
            }
            if (!waited) {
                LOG.info("replica {} asks for '{}':{}, past what the topic holds: waiting up to {} for the syncer",
                        dump.replicaHost(), file, position, FacadeConfig.CATCH_UP_WAIT);
                waited = true;
            }
        }
        if (found instanceof BinlogTopicReader.UnknownFile) {
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG, MysqlError.UNKNOWN_LOG_FILE);
        }
        if (found instanceof BinlogTopicReader.BadPosition bad) {
            String reason = bad.pastEnd() ? MysqlError.POSITION_PAST_FILE : MysqlError.BOGUS_DATA;
            throw new MysqlException(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG, String.format(
                    MysqlError.DUMP_ERROR_SUFFIX, reason, file, position, file, BinlogEvents.BINLOG_START, file,
                    BinlogEvents.BINLOG_START));
        }
        BinlogTopicReader.FileStart start = (BinlogTopicReader.FileStart) found;
        dump.checkChecksum(start.fde(), start.file(), start.position());
        dump.sourceUuid(start.sourceUuid());
        dump.beginFile(start.file(), Math.max(start.position(), BinlogEvents.BINLOG_START));
        if (!start.fdeAtOffset() && start.fde() != null) {
            dump.sendFormatDescription(start.fde(), start.position() > BinlogEvents.BINLOG_START);
        }
        return start.offset();
    }

    /**
     * Whether the request may yet be served once the syncer writes more: a position past the end of the topic's
     * last file, or a file after it (file names of one source sort in their order).
     */
    private boolean ahead(BinlogTopicReader.PositionStart found, TopicTail tail) {
        if (found instanceof BinlogTopicReader.BadPosition bad) {
            return bad.pastEnd() && file.equals(tail.file());
        }
        if (found instanceof BinlogTopicReader.UnknownFile) {
            return !tail.empty() && tail.file() != null && file.compareTo(tail.file()) > 0;
        }
        return false;
    }

    @Override
    public boolean skip(RecordMeta meta) {
        return false;
    }

    @Override
    public String toString() {
        return "by position '" + file + "':" + position;
    }
}
