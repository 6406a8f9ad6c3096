package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogTopicReader;
import io.sluice.kafka.binlog.Records;
import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventInfo;
import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.record.EventFramer;
import io.sluice.model.record.RecordMeta;
import io.sluice.model.record.TopicFormatException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code SHOW BINLOG EVENTS [IN 'file'] [FROM pos] [LIMIT [offset,] count]} over the topic, with MySQL's columns
 * (Log_name, Pos, Event_type, Server_id, End_log_pos, Info) and refusals (error 1220), as
 * {@code mysql_show_binlog_events} in MySQL's {@code sql/rpl_source.cc}: without IN, the first file the topic holds;
 * FROM must be where an event starts; {@code LIMIT 0} means no limit (but {@code LIMIT n, 0}
 * none), as in MySQL 8.0.31. The events of one file are read from the record that starts there, through
 * an {@link EventFramer}, holding no more than the first {@value #INFO_BYTES} bytes of any event. An answer is held
 * whole before it is sent, so one without LIMIT may not exceed {@value #MAX_ROWS} events.
 */
final class BinlogEventsStatement {
    static final int MAX_ROWS = 100_000;
    /** The most of one event held: enough for any statement text short of a pathological one. */
    static final int INFO_BYTES = 1024 * 1024;
    /** What is held of a rows event: its Info needs only the table id and flags. */
    private static final int ROWS_BYTES = 64;
    private static final Pattern SYNTAX = Pattern.compile("(?is)show\\s+binlog\\s+events"
            + "(?:\\s+in\\s+(?:'([^']*)'|\"([^\"]*)\"))?(?:\\s+from\\s+(\\d{1,19}))?"
            + "(?:\\s+limit\\s+(\\d{1,19})(?:\\s*,\\s*(\\d{1,19}))?)?");
    private static final String ERROR_PREFIX = "Error when executing command SHOW BINLOG EVENTS: ";

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Supplier<String> firstFile;

    /** @param firstFile the first source file the topic holds ({@code null} when it is empty) */
    BinlogEventsStatement(Map<String, Object> consumerConfig, String topic, Supplier<String> firstFile) {
        this.consumerConfig = consumerConfig;
        this.topic = topic;
        this.firstFile = firstFile;
    }

    /** Whether the statement is a SHOW BINLOG EVENTS (well-formed or not). */
    static boolean matches(String statement) {
        return statement.toLowerCase(Locale.ROOT).matches("(?s)show\\s+binlog\\s+events\\b.*");
    }

    ResultSet answer(String statement) {
        Matcher m = SYNTAX.matcher(statement);
        if (!m.matches()) {
            throw MysqlError.ER_PARSE_ERROR.exception("You have an error in your SQL syntax; check the manual for "
                    + "SHOW BINLOG EVENTS [IN 'log_name'] [FROM pos] [LIMIT [offset,] row_count] near '"
                    + statement + "'");
        }
        String file = m.group(1) != null ? m.group(1) : m.group(2);
        long from = m.group(3) == null ? 4 : Long.parseLong(m.group(3));
        long offset = 0;
        long count = Long.MAX_VALUE;
        if (m.group(5) != null) {
            offset = Long.parseLong(m.group(4));
            count = Long.parseLong(m.group(5));
        } else if (m.group(4) != null) {
            count = Long.parseLong(m.group(4));
        }
        if (count == 0 && m.group(5) == null) {
            count = Long.MAX_VALUE; // as MySQL 8.0.31 does: LIMIT 0 shows every event (and LIMIT n, 0 none)
        }
        if (count == 0) {
            return result(List.of());
        }
        if (file == null || file.isEmpty()) {
            file = firstFile.get();
            if (file == null) {
                return result(List.of()); // no binary log at all: MySQL shows nothing
            }
        }
        return result(read(file, Math.max(from, 4), offset, count));
    }

    private List<List<String>> read(String file, long from, long skip, long count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                BinlogDump.readerConfig(consumerConfig, 1024 * 1024, true), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            BinlogTopicReader reader = new BinlogTopicReader(consumer, topic, Duration.ofSeconds(30));
            BinlogTopicReader.PositionStart found = reader.positionStart(file, from);
            if (found instanceof BinlogTopicReader.UnknownFile) {
                throw new MysqlException(MysqlError.ER_ERROR_WHEN_EXECUTING_COMMAND,
                        ERROR_PREFIX + "Could not find target log");
            }
            if (found instanceof BinlogTopicReader.BadPosition bad) {
                throw new MysqlException(MysqlError.ER_ERROR_WHEN_EXECUTING_COMMAND, ERROR_PREFIX + (bad.pastEnd()
                        ? "Invalid pos specified. Requested from pos:" + from + " is greater than actual file size"
                        : "Wrong offset or I/O error"));
            }
            BinlogTopicReader.FileStart start = (BinlogTopicReader.FileStart) found;
            boolean crc = start.fde() != null && FormatDescription.parse(start.fde()).hasCrc32();
            Collector collector = new Collector(file, crc, skip, count);
            long end = reader.endOffset();
            reader.seek(start.offset());
            EventFramer framer = new EventFramer(1L << 30);
            // the position, not the last record's offset: transaction markers take offsets and are never returned
            while (consumer.position(reader.partition()) < end && !collector.done()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    RecordMeta meta = Records.meta(record);
                    if (!meta.file().equals(file)) {
                        collector.stop(); // the next file: MySQL stops at the end of the one asked for
                        break;
                    }
                    framer.feed(record.value(), 0, record.value().length, collector);
                    if (collector.done()) {
                        break;
                    }
                }
            }
            return collector.rows;
        } catch (TopicFormatException e) {
            throw new MysqlException(MysqlError.ER_ERROR_WHEN_EXECUTING_COMMAND, ERROR_PREFIX + e.getMessage());
        }
    }

    private static ResultSet result(List<List<String>> rows) {
        return new ResultSet(List.of(ResultSet.Column.text("Log_name"), ResultSet.Column.number("Pos"),
                ResultSet.Column.text("Event_type"), ResultSet.Column.number("Server_id"),
                ResultSet.Column.number("End_log_pos"), ResultSet.Column.text("Info")), rows);
    }

    /** Turns the events found into rows, keeping the first bytes of each. */
    private static final class Collector implements EventFramer.Sink {
        final List<List<String>> rows = new ArrayList<>();
        private final String file;
        private final boolean crc;
        private long skip;
        private final long count;
        private boolean stopped;
        private byte[] event;
        private int filled;

        Collector(String file, boolean crc, long skip, long count) {
            this.file = file;
            this.crc = crc;
            this.skip = skip;
            this.count = count;
        }

        boolean done() {
            return stopped || rows.size() >= count;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void eventStart(byte[] header, long length) {
            int type = header[4] & 0xff;
            boolean rows = type == EventType.WRITE_ROWS || type == EventType.UPDATE_ROWS
                    || type == EventType.DELETE_ROWS || type == EventType.PARTIAL_UPDATE_ROWS;
            event = new byte[(int) Math.min(length, rows ? EventHeader.SIZE + ROWS_BYTES : INFO_BYTES)];
            filled = 0;
        }

        @Override
        public void eventBytes(byte[] data, int offset, int length) {
            int n = Math.min(length, event.length - filled);
            System.arraycopy(data, offset, event, filled, n);
            filled += n;
        }

        @Override
        public void eventEnd() {
            if (done()) {
                return;
            }
            if (skip > 0) {
                skip--;
                return;
            }
            if (rows.size() >= MAX_ROWS) {
                throw new MysqlException(MysqlError.ER_ERROR_WHEN_EXECUTING_COMMAND, ERROR_PREFIX + "'" + file
                        + "' has more than " + MAX_ROWS + " events from there: ask for fewer with LIMIT");
            }
            EventHeader h = EventHeader.parse(event, 0, filled);
            String info;
            try {
                info = EventInfo.info(event, filled, crc);
            } catch (IllegalArgumentException e) {
                info = "";
            }
            rows.add(Arrays.asList(file, Long.toString(h.logPos() - h.eventLength()), EventInfo.typeName(h.type()),
                    Long.toString(h.serverId()), Long.toString(h.logPos()), info));
        }
    }
}
