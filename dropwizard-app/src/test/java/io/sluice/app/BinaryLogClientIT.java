package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mysql-binlog-connector-java's {@link BinaryLogClient} (the binlog reader of Debezium and Maxwell) reads the
 * facade as it reads a MySQL source: the row events of a workload, with their values and the GTIDs the source gave
 * them, with the default CRC32 checksum ({@link BinaryLogClientChecksumNoneIT}: without), in GTID mode and by file and position; idle, it gets heartbeats and keeps
 * its connection; and across a restart of the facade it reconnects with the GTID set it
 * has and continues without a gap or a duplicate.
 */
class BinaryLogClientIT {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryLogClientIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The pipeline under test, set by {@link #start()} (or a subclass's, which hides it). */
    static SluicePipeline sluice;
    /** The checksum the source writes, which the client must be told of in the FORMAT_DESCRIPTION. */
    static ChecksumType sourceChecksum = ChecksumType.CRC32;

    /** What the client saw of one row event: the GTID of its transaction, its type and its rows as text. */
    record RowEvent(String gtid, String type, List<String> rows) {}

    /** Collects the GTIDs and the row events the client receives, in order. */
    static final class Recorder implements BinaryLogClient.EventListener {
        final List<String> gtids = new CopyOnWriteArrayList<>();
        final List<RowEvent> rows = new CopyOnWriteArrayList<>();
        volatile ChecksumType checksum;
        private volatile String gtid;

        @Override
        public void onEvent(Event event) {
            EventData data = event.getData();
                if (data instanceof GtidEventData g) {
                gtid = g.getMySqlGtid().toString();
                gtids.add(gtid);
            } else if (data instanceof WriteRowsEventData w) {
                rows.add(new RowEvent(gtid, "WRITE", w.getRows().stream().map(BinaryLogClientIT::text).toList()));
            } else if (data instanceof UpdateRowsEventData u) {
                rows.add(new RowEvent(gtid, "UPDATE", u.getRows().stream()
                        .map(e -> text(e.getKey()) + " -> " + text(e.getValue())).toList()));
            } else if (data instanceof FormatDescriptionEventData f) {
                checksum = f.getChecksumType();
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        sluice = SluicePipeline.start("sluice.binlog.binlog-client-it", 31);
        sourceChecksum = ChecksumType.CRC32;
        createSchema();
    }

    static void createSchema() {
        sluice.source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(8,2))");
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(sluice);
    }

    @Test
    void gtidModeReceivesRowsWithTheirValuesAndGtids() throws Exception {
        List<RowEvent> expected = new ArrayList<>();
        expected.addAll(insert(100, 5));
        expected.add(update(100, "A"));
        BinaryLogClient client = client(2001);
        Recorder recorder = new Recorder();
        client.registerEventListener(recorder);
        client.connect(TIMEOUT.toMillis());
        try {
            expected.addAll(insert(200, 3)); // written while the client is connected
            expected.add(update(200, "B"));
            List<RowEvent> received = awaitRows(recorder, 100, 299, expected.size());
            assertThat(received).containsExactlyElementsOf(expected);
            // the client asked for the source's checksum and strips 4 bytes of CRC32 from every event it decodes
            assertThat(recorder.checksum).isEqualTo(sourceChecksum);
            // the client keeps the GTID set it has seen, as it would resend it on reconnect
            assertThat(normalize(client.getGtidSet())).isEqualTo(normalize(sluice.source.gtidExecuted()));
        } finally {
            client.disconnect();
        }
    }

    @Test
    void filePositionModeReadsFromTheSourcesFirstFileAndEndsAtTheSourcesPosition() throws Exception {
        List<RowEvent> expected = new ArrayList<>(insert(300, 3));
        String firstFile = sluice.source.query("SHOW BINARY LOGS").get(0).get(0);
        BinaryLogClient client =
                new BinaryLogClient("127.0.0.1", sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
        client.setServerId(2003); // no GTID set: COM_BINLOG_DUMP by file and position
        client.setBinlogFilename(firstFile);
        client.setBinlogPosition(4);
        Recorder recorder = new Recorder();
        client.registerEventListener(recorder);
        client.connect(TIMEOUT.toMillis());
        try {
            expected.add(update(300, "P"));
            List<RowEvent> received = awaitRows(recorder, 300, 399, expected.size());
            assertThat(received).containsExactlyElementsOf(expected);
            // the client counts positions in the source's own files, as it would against the source
            List<String> status = sluice.source.query("SHOW MASTER STATUS").get(0);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (client.getBinlogPosition() != Long.parseLong(status.get(1)) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertThat(client.getBinlogFilename()).isEqualTo(status.get(0));
            assertThat(client.getBinlogPosition()).isEqualTo(Long.parseLong(status.get(1)));
        } finally {
            client.disconnect();
        }
    }

    @Test
    void reconnectsAfterTheFacadeRestartsAndContinuesWithoutAGap() throws Exception {
        BinaryLogClient client = client(2002);
        client.setKeepAlive(true);
        client.setKeepAliveInterval(500);
        client.setKeepAliveConnectTimeout(TIMEOUT.toMillis());
        AtomicInteger connects = new AtomicInteger();
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onConnect(BinaryLogClient c) {
                connects.incrementAndGet();
            }
        });
        Recorder recorder = new Recorder();
        client.registerEventListener(recorder);
        client.connect(TIMEOUT.toMillis());
        try {
            List<RowEvent> expected = new ArrayList<>(insert(500, 4));
            awaitRows(recorder, 500, 599, expected.size());

            sluice.facade.close();
            expected.addAll(insert(510, 4)); // reaches Kafka while no facade is listening
            expected.add(update(510, "C"));
            Thread.sleep(1500); // the client notices the closed connection and retries in vain
            sluice.facade.start();

            expected.addAll(insert(520, 2));
            List<RowEvent> received = awaitRows(recorder, 500, 599, expected.size());
            assertThat(received).containsExactlyElementsOf(expected);
            assertThat(connects.get()).as("connections made by the client").isGreaterThanOrEqualTo(2);
            List<String> gtids = recorder.gtids;
            assertThat(gtids).as("no transaction received twice").doesNotHaveDuplicates();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void idleClientGetsHeartbeatsAndKeepsItsConnection() throws Exception {
        // as Debezium sets it up: keep-alive on, heartbeats asked at 80 % of the keep-alive interval (Debezium's
        // default interval is a minute; a short one here). A client that hears nothing for a keep-alive interval
        // drops the connection and makes a new one.
        BinaryLogClient client = client(2004);
        client.setKeepAlive(true);
        client.setKeepAliveInterval(6000);
        client.setHeartbeatInterval(1000);
        AtomicInteger connects = new AtomicInteger();
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onConnect(BinaryLogClient c) {
                connects.incrementAndGet();
            }
        });
        AtomicInteger heartbeats = new AtomicInteger();
        AtomicInteger others = new AtomicInteger();
        client.registerEventListener(e -> {
            (e.getHeader().getEventType() == EventType.HEARTBEAT ? heartbeats : others).incrementAndGet();
        });
        long t0 = System.nanoTime();
        client.connect(TIMEOUT.toMillis());
        try {
            while (others.get() == 0 && System.nanoTime() - t0 < TIMEOUT.toNanos()) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            LOG.info("first event {} ms after connecting", (System.nanoTime() - t0) / 1_000_000);
            TimeUnit.SECONDS.sleep(1); // the rest of the topic
            int before = heartbeats.get();
            TimeUnit.SECONDS.sleep(8); // idle
            assertThat(heartbeats.get() - before).as("heartbeats in 8 idle seconds at 1 s").isBetween(5, 9);
            assertThat(connects.get()).as("connections made by the client").isEqualTo(1);
        } finally {
            client.disconnect();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static BinaryLogClient client(long serverId) {
        BinaryLogClient client =
                new BinaryLogClient("127.0.0.1", sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD);
        client.setServerId(serverId);
        client.setGtidSet(""); // GTID mode from the beginning of the topic
        return client;
    }

    /** Inserts rows {@code first..first+n-1}, one transaction each, and returns the events they must produce. */
    private static List<RowEvent> insert(int first, int n) {
        List<RowEvent> events = new ArrayList<>();
        for (int id = first; id < first + n; id++) {
            sluice.source.execute("INSERT INTO shop.item VALUES (" + id + ", 'item " + id + "', " + id + ".25)");
            events.add(new RowEvent(sluice.lastSourceGtid(), "WRITE",
                    List.of("[" + id + ", item " + id + ", " + id + ".25]")));
        }
        return events;
    }

    /** Appends {@code suffix} to the names of rows {@code first..first+99} that exist, in one transaction. */
    private static RowEvent update(int first, String suffix) {
        List<List<String>> before = sluice.source.query("SELECT id, name, price FROM shop.item WHERE id BETWEEN "
                + first + " AND " + (first + 99) + " ORDER BY id");
        sluice.source.execute("UPDATE shop.item SET name = CONCAT(name, '" + suffix + "') WHERE id BETWEEN "
                + first + " AND " + (first + 99));
        List<String> rows = before.stream()
                .map(r -> "[" + r.get(0) + ", " + r.get(1) + ", " + r.get(2) + "] -> [" + r.get(0) + ", "
                        + r.get(1) + suffix + ", " + r.get(2) + "]")
                .toList();
        return new RowEvent(sluice.lastSourceGtid(), "UPDATE", rows);
    }

    /** Waits until {@code count} row events about ids in {@code [from, to]} have arrived and returns them. */
    private static List<RowEvent> awaitRows(Recorder recorder, int from, int to, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<RowEvent> mine;
        do {
            mine = recorder.rows.stream().filter(e -> idOf(e) >= from && idOf(e) <= to).toList();
            if (mine.size() >= count) {
                return mine;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        } while (System.nanoTime() < deadline);
        return mine; // the assertion that follows shows what is missing
    }

    private static int idOf(RowEvent e) {
        String first = e.rows().get(0);
        return Integer.parseInt(first.substring(1, first.indexOf(',')));
    }

    static String text(Serializable[] row) {
        return Arrays.stream(row)
                .map(v -> v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String normalize(String gtidSet) {
        return gtidSet.replace("\n", "").replace(" ", "").toLowerCase();
    }
}
