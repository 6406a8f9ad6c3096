package io.sluice.app;

import io.sluice.facade.FacadeServer;
import io.sluice.ingest.Syncer;
import io.sluice.ingest.client.SourceClient;
import io.sluice.model.binlog.BinlogEvents;
import io.sluice.model.binlog.Checksums;
import io.sluice.model.binlog.EventType;
import io.sluice.model.protocol.MysqlException;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real MySQL replica attached to the facade by file and position (SOURCE_AUTO_POSITION=0, COM_BINLOG_DUMP), with
 * the source's own file names and positions, fed by the syncer from a real source through real Kafka.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PositionReplicaIT {
    private static final String TOPIC = "sluice.binlog.position-it";
    private static MysqlServer source;
    private static MysqlServer replica;
    private static KafkaCluster kafka;
    private static Syncer syncer;
    private static FacadeServer facade;
    private static SluicePipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = SluicePipeline.start(TOPIC, 31);
        source = pipeline.source;
        kafka = pipeline.kafka;
        syncer = pipeline.syncer;
        facade = pipeline.facade;
        replica = MysqlServer.start(32);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {replica, pipeline}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** The source's SHOW MASTER STATUS: file and position. */
    private static List<String> sourceStatus() {
        List<String> row = source.query("SHOW MASTER STATUS").get(0);
        return List.of(row.get(0), row.get(1));
    }

    /** Waits until the topic holds everything the source has written (the syncer is caught up). */
    private static void awaitTopicHas(List<String> status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> seen = endOfTopic(status.get(0), Long.parseLong(status.get(1)));
            return seen != null;
        });
    }

    /**
     * A non-blocking dump from (file, position): the events up to the end of the topic, or {@code null} when the
     * topic does not hold that far yet.
     */
    private static List<String> endOfTopic(String file, long position) throws Exception {
        try (SourceClient client = SourceClient.connect("127.0.0.1", facade.port(), "repl", "repl-pass",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            client.execute("SET @master_binlog_checksum = 'NONE', @source_binlog_checksum = 'NONE'");
            client.dumpPosition(99, file, position, 0x01);
            return readToEof(client);
        } catch (MysqlException e) {
            return null;
        }
    }

    /** Reads a non-blocking dump to its EOF; each event as "TYPE log_pos" (ROTATE with its file and position). */
    private static List<String> readToEof(SourceClient client) throws Exception {
        List<String> events = new ArrayList<>();
        SourceClient.EventPacket e;
        while ((e = client.nextEvent()) != null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = e.read(buf, 0, buf.length)) > 0) {
                bytes.write(buf, 0, n);
            }
            byte[] event = bytes.toByteArray();
            int type = BinlogEvents.type(event, 0);
            if (type == EventType.ROTATE) {
                BinlogEvents.Rotate r = BinlogEvents.rotate(event, false);
                events.add("ROTATE " + r.file() + ":" + r.position());
            } else {
                events.add(EventType.name(type) + " " + BinlogEvents.logPos(event, 0));
            }
        }
        return events;
    }

    @Test
    void aReplicaByFileAndPositionCatchesUpWithTheSourcesOwnCoordinates() {
        source.execute("CREATE DATABASE shop", "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50))");
        // the replica gets the schema by other means, and starts after the DDL, at the source's coordinates
        replica.execute("SET sql_log_bin = 0", "CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50))");
        List<String> afterDdl = sourceStatus();
        for (int i = 0; i < 100; i++) {
            source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "')");
        }
        source.execute("FLUSH BINARY LOGS"); // the replica must follow a real rotation too
        for (int i = 100; i < 150; i++) {
            source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "')");
        }
        awaitTopicHas(sourceStatus());
        replica.startReplica("127.0.0.1", facade.port(), "repl", "repl-pass", "SOURCE_AUTO_POSITION=0",
                "SOURCE_LOG_FILE='" + afterDdl.get(0) + "'", "SOURCE_LOG_POS=" + afterDdl.get(1));
        source.execute("UPDATE shop.item SET name = CONCAT(name, '!') WHERE id % 2 = 0",
                "DELETE FROM shop.item WHERE id % 7 = 0");
        List<String> end = sourceStatus();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, String> status = replica.replicaStatus();
            assertThat(status.get("Last_IO_Error")).isEmpty();
            assertThat(status.get("Last_SQL_Error")).isEmpty();
            assertThat(status.get("Relay_Source_Log_File")).isEqualTo(end.get(0));
            assertThat(status.get("Exec_Source_Log_Pos")).isEqualTo(end.get(1));
        });
        assertThat(replica.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
        // the events went through as they are: the replica took the source's GTIDs (all but the DDL's)
        assertThat(replica.gtidExecuted()).startsWith(source.serverUuid() + ":");
        // SHOW PROCESSLIST on the facade shows the dump as MySQL shows a file/position dump that is caught up
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> dumps = new java.util.ArrayList<>();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:mysql://127.0.0.1:"
                    + facade.port() + "/?user=repl&password=repl-pass&useSSL=false&allowPublicKeyRetrieval=true");
                 java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SHOW PROCESSLIST")) {
                while (rs.next()) {
                    if (rs.getString("Command").startsWith("Binlog Dump")) {
                        dumps.add(rs.getString("Command") + " | " + rs.getString("State"));
                    }
                }
            }
            assertThat(dumps).containsExactly(
                    "Binlog Dump | Source has sent all binlog to replica; waiting for more updates");
        });
    }

    @Test
    void aNonBlockingDumpEndsWithEofAtTheEndOfTheTopic() throws Exception {
        source.execute("CREATE DATABASE IF NOT EXISTS nb", "CREATE TABLE IF NOT EXISTS nb.t (id INT PRIMARY KEY)");
        List<String> from = sourceStatus();
        source.execute("INSERT INTO nb.t VALUES (1)", "INSERT INTO nb.t VALUES (2)");
        List<String> end = sourceStatus();
        awaitTopicHas(end);
        List<String> events = endOfTopic(from.get(0), Long.parseLong(from.get(1)));
        assertThat(events).isNotNull();
        // MySQL's Binlog_sender: a fake ROTATE to the coordinates asked for, the file's FORMAT_DESCRIPTION with
        // log_pos 0 (the start is past 4), then the events from there, the last one ending where the source is
        assertThat(events.get(0)).isEqualTo("ROTATE " + from.get(0) + ":" + from.get(1));
        assertThat(events.get(1)).isEqualTo("FORMAT_DESCRIPTION 0");
        assertThat(events.get(events.size() - 1)).endsWith(" " + end.get(1));
        assertThat(events).filteredOn(e -> e.startsWith("XID")).hasSize(2);
    }

    @Test
    void aClientThatAgreedCrc32GetsItOnTheFakeRotateAndEveryEvent() throws Exception {
        source.execute("CREATE DATABASE IF NOT EXISTS crc", "CREATE TABLE IF NOT EXISTS crc.t (id INT PRIMARY KEY)");
        List<String> from = sourceStatus();
        source.execute("INSERT INTO crc.t VALUES (1)");
        awaitTopicHas(sourceStatus());
        try (SourceClient client = SourceClient.connect("127.0.0.1", facade.port(), "repl", "repl-pass",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            client.execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
                    + "@source_binlog_checksum = @@global.binlog_checksum");
            client.dumpPosition(95, from.get(0), Long.parseLong(from.get(1)), 0x01);
            List<byte[]> events = new ArrayList<>();
            SourceClient.EventPacket e;
            while ((e = client.nextEvent()) != null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = e.read(buf, 0, buf.length)) > 0) {
                    bytes.write(buf, 0, n);
                }
                events.add(bytes.toByteArray());
            }
            byte[] rotate = events.get(0);
            assertThat(BinlogEvents.type(rotate, 0)).isEqualTo(EventType.ROTATE);
            // header 19, u64 position, the name, CRC32 4
            assertThat(rotate).hasSize(19 + 8 + from.get(0).length() + 4);
            assertThat(BinlogEvents.rotate(rotate, true)).isEqualTo(
                    new BinlogEvents.Rotate(from.get(0), Long.parseLong(from.get(1))));
            for (byte[] event : events) {
                assertThat(Checksums.verify(event, 0, event.length)).as(EventType.name(BinlogEvents.type(event, 0)))
                        .isTrue();
            }
            assertThat(BinlogEvents.type(events.get(1), 0)).isEqualTo(EventType.FORMAT_DESCRIPTION);
        }
    }

    @Test
    void anIdleBlockingDumpGetsHeartbeatsAtTheEndPosition() throws Exception {
        source.execute("CREATE DATABASE IF NOT EXISTS hb", "CREATE TABLE IF NOT EXISTS hb.t (id INT PRIMARY KEY)");
        List<String> end = sourceStatus();
        awaitTopicHas(end);
        try (SourceClient client = SourceClient.connect("127.0.0.1", facade.port(), "repl", "repl-pass",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            client.execute("SET @master_binlog_checksum = 'NONE'");
            client.execute("SET @master_heartbeat_period = 500000000");
            client.dumpPosition(94, end.get(0), Long.parseLong(end.get(1)), 0);
            List<Integer> types = new ArrayList<>();
            while (true) {
                SourceClient.EventPacket e = client.nextEvent();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = e.read(buf, 0, buf.length)) > 0) {
                    bytes.write(buf, 0, n);
                }
                byte[] event = bytes.toByteArray();
                types.add(BinlogEvents.type(event, 0));
                if (BinlogEvents.type(event, 0) == EventType.HEARTBEAT) {
                    // v1: the body is the file name; log_pos is where the replica is
                    assertThat(new String(event, 19, event.length - 19, StandardCharsets.UTF_8))
                            .isEqualTo(end.get(0));
                    assertThat(BinlogEvents.logPos(event, 0)).isEqualTo(Long.parseLong(end.get(1)));
                    break;
                }
            }
            assertThat(types.subList(0, 2)).containsExactly(EventType.ROTATE, EventType.FORMAT_DESCRIPTION);
        }
    }

    @Test
    void anUnknownFileOrABogusPositionGetsMysqlsError1236() throws Exception {
        source.execute("CREATE DATABASE IF NOT EXISTS bad", "CREATE TABLE IF NOT EXISTS bad.t (id INT PRIMARY KEY)");
        List<String> status = sourceStatus();
        awaitTopicHas(status);
        try (SourceClient client = SourceClient.connect("127.0.0.1", facade.port(), "repl", "repl-pass",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            client.execute("SET @master_binlog_checksum = 'NONE'");
            client.dumpPosition(98, "binlog.999999", 4, 0x01);
            MysqlException e = catchThrowableOfType(MysqlException.class, client::nextEvent);
            assertThat(e.code()).isEqualTo(1236);
            assertThat(e.getMessage()).contains("Could not find first log file name in binary log index file");
        }
        try (SourceClient client = SourceClient.connect("127.0.0.1", facade.port(), "repl", "repl-pass",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            client.execute("SET @master_binlog_checksum = 'NONE'");
            long past = Long.parseLong(status.get(1)) + 1_000_000;
            client.dumpPosition(97, status.get(0), past, 0x01);
            MysqlException e = catchThrowableOfType(MysqlException.class, client::nextEvent);
            assertThat(e.code()).isEqualTo(1236);
            assertThat(e.getMessage()).contains(
                    "Client requested source to start replication from position > file size");
        }
        try (SourceClient client = SourceClient.connect("127.0.0.1", facade.port(), "repl", "repl-pass",
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            client.execute("SET @master_binlog_checksum = 'NONE'");
            // one byte into the last transaction's first event
            long inside = Long.parseLong(status.get(1)) - 20;
            client.dumpPosition(96, status.get(0), inside, 0x01);
            MysqlException e = catchThrowableOfType(MysqlException.class, client::nextEvent);
            assertThat(e.code()).isEqualTo(1236);
            assertThat(e.getMessage()).contains("bogus data in log event");
        }
    }
}
