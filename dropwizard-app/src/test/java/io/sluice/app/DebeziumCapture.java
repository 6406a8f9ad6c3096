package io.sluice.app;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Debezium's MySQL connector through Debezium's embedded engine against one MySQL-speaking server (a real
 * MySQL or the facade) and collects the change events it emits, for the client compatibility tests.
 *
 * <p>Offsets and schema history are kept in memory only ({@code MemoryOffsetBackingStore}, {@code
 * MemorySchemaHistory}), so every capture starts from nothing, as configured by its {@code snapshot.mode}. Each
 * capture gets a topic prefix and an engine name of its own. Only one database is captured ({@code
 * database.include.list}).
 *
 * <p>{@link #changes()} gives each data change event in a normalized form, {@link Change}, which keeps what must be
 * equal whichever server Debezium reads (table, operation, key, row images, the transaction's GTID and the event's
 * binlog coordinates) and drops what legitimately differs (timestamps, the connector's name and version, the
 * source's {@code server_id}, the thread id, the statement text). Schema change events, tombstones and heartbeats
 * are in {@link #records()} only.
 */
final class DebeziumCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumCapture.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final HexFormat HEX = HexFormat.of();

    /**
     * One data change event, normalized for comparison.
     *
     * @param table {@code db.table}
     * @param op {@code r} (snapshot read), {@code c}, {@code u}, {@code d} or {@code t} (truncate)
     * @param key the key's columns (the primary key), or empty
     * @param before the row before the change (updates and deletes), else {@code null}
     * @param after the row after the change (reads, inserts and updates), else {@code null}
     * @param gtid the GTID of the transaction in the binary log, {@code null} for snapshot reads
     * @param file the binary log file of the event (for snapshot reads, the position the snapshot was taken at)
     * @param pos the position Debezium records for the event in {@code file}
     * @param row the index of the row within its binlog event
     * @param snapshot the source's {@code snapshot} marker ({@code true}, {@code first}, {@code last}, ...,
     *     {@code false} when streaming)
     */
    record Change(String table, String op, Map<String, Object> key, Map<String, Object> before,
            Map<String, Object> after, String gtid, String file, Long pos, Integer row, String snapshot) {

        /** This change without its binlog coordinates (file, pos, row): what any two servers must agree on. */
        Change withoutCoordinates() {
            return new Change(table, op, key, before, after, gtid, null, null, null, snapshot);
        }

        /** This change reduced to its row data: table, op, key and row images. */
        Change rowsOnly() {
            return new Change(table, op, key, before, after, null, null, null, null, null);
        }
    }

    private final String name;
    private final String topicPrefix;
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor;
    private final List<SourceRecord> records = new CopyOnWriteArrayList<>();
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean stopped;

    private DebeziumCapture(Properties props) {
        this.name = props.getProperty("name");
        this.topicPrefix = props.getProperty("topic.prefix");
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .notifying(this::accept)
                .using((success, message, error) -> {
                    stopped = true;
                    if (!success) {
                        failure.set(message + (error == null ? "" : ": " + error));
                        LOG.warn("Debezium engine {} stopped: {}", name, message, error);
                    } else {
                        LOG.info("Debezium engine {} stopped: {}", name, message);
                    }
                })
                .build();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "debezium-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The engine's properties for capturing {@code database} on {@code host:port}; {@code overrides} come last and
     * can replace or add any property (for example {@code snapshot.locking.mode} or {@code driver.*} JDBC options).
     */
    static Properties properties(String host, int port, String user, String password, long serverId,
            String database, String snapshotMode, Map<String, String> overrides) {
        int n = SEQUENCE.incrementAndGet();
        Properties p = new Properties();
        p.setProperty("name", "sluice-debezium-" + n);
        p.setProperty("connector.class", "io.debezium.connector.mysql.MySqlConnector");
        p.setProperty("tasks.max", "1");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        p.setProperty("topic.prefix", "sluice_dbz_" + n + "_" + ProcessHandle.current().pid());
        p.setProperty("database.hostname", host);
        p.setProperty("database.port", Integer.toString(port));
        p.setProperty("database.user", user);
        p.setProperty("database.password", password);
        p.setProperty("database.server.id", Long.toString(serverId));
        p.setProperty("database.include.list", database);
        p.setProperty("snapshot.mode", snapshotMode);
        // no TLS: the facade does not speak it, and the tests compare plain connections
        p.setProperty("database.ssl.mode", "disabled");
        // caching_sha2_password without TLS: let the JDBC driver fetch the server's RSA key
        p.setProperty("driver.allowPublicKeyRetrieval", "true");
        p.setProperty("connect.timeout.ms", "20000");
        // poll quickly so that tests see events soon after they are written
        p.setProperty("poll.interval.ms", "50");
        p.setProperty("max.batch.size", "256");
        p.putAll(overrides);
        return p;
    }

    /** Starts capturing with {@link #properties}. */
    static DebeziumCapture start(String host, int port, String user, String password, long serverId,
            String database, String snapshotMode, Map<String, String> overrides) {
        return start(properties(host, port, user, password, serverId, database, snapshotMode, overrides));
    }

    /** Starts the engine with exactly {@code props} on a thread of its own. */
    static DebeziumCapture start(Properties props) {
        DebeziumCapture capture = new DebeziumCapture(props);
        capture.executor.execute(capture.engine);
        LOG.info("Started Debezium engine {} against {}:{}", capture.name, props.getProperty("database.hostname"),
                props.getProperty("database.port"));
        return capture;
    }

    private void accept(RecordChangeEvent<SourceRecord> event) {
        SourceRecord record = event.record();
        records.add(record);
        Change change = normalize(record);
        if (change != null) {
            changes.add(change);
        }
    }

    /** Every record the connector emitted, in order: data changes, schema changes, tombstones, heartbeats. */
    List<SourceRecord> records() {
        return List.copyOf(records);
    }

    /** The normalized data change events received so far, in order. */
    List<Change> changes() {
        return List.copyOf(changes);
    }

    /** Why the engine stopped with an error, or {@code null}. */
    String failure() {
        return failure.get();
    }

    /**
     * Waits until at least {@code n} data change events have arrived and returns all received so far.
     *
     * @throws IllegalStateException if the engine stopped with an error, or fewer arrived in time (the message
     *     lists what did arrive)
     */
    List<Change> awaitEvents(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Change> now = changes();
            if (now.size() >= n) {
                return now;
            }
            if (failure.get() != null) {
                throw new IllegalStateException("Debezium engine " + name + " failed after " + now.size()
                        + " of " + n + " change events: " + failure.get() + "\n" + lines(now));
            }
            if (stopped || System.nanoTime() >= deadline) {
                throw new IllegalStateException("Debezium engine " + name + (stopped ? " stopped" : " timed out")
                        + " after " + now.size() + " of " + n + " change events:\n" + lines(now));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Waits until the connector's binlog client is connected, that is until the snapshot (if any) is done and the
     * streaming has begun (Debezium's streaming metrics MBean says {@code Connected}): changes written after this
     * are streamed, whereas changes written before could be taken for part of a snapshot that starts later.
     */
    void awaitStreaming(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        while (true) {
            try {
                for (ObjectName on : mbeans.queryNames(
                        new ObjectName("debezium.mysql:type=connector-metrics,context=streaming,*"), null)) {
                    if (topicPrefix.equals(on.getKeyProperty("server"))
                            && Boolean.TRUE.equals(mbeans.getAttribute(on, "Connected"))) {
                        return;
                    }
                }
            } catch (JMException e) {
                LOG.debug("Reading Debezium's streaming metrics", e);
            }
            if (failure.get() != null || stopped || System.nanoTime() >= deadline) {
                throw new IllegalStateException("Debezium engine " + name + " is not streaming"
                        + (failure.get() != null ? ": " + failure.get() : stopped ? ": stopped" : " in time"));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static String lines(List<Change> changes) {
        StringBuilder s = new StringBuilder();
        changes.forEach(c -> s.append("  ").append(c).append('\n'));
        return s.toString();
    }

    /** Stops the engine (unless it stopped by itself, after a failure) and waits for its thread to end. */
    @Override
    public void close() {
        try {
            if (!stopped) {
                engine.close();
            }
        } catch (IOException | IllegalStateException e) { // IllegalStateException: it stopped meanwhile
            LOG.warn("Closing Debezium engine {}", name, e);
        } finally {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("Debezium engine {} did not stop within 30 s", name);
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                executor.shutdownNow();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The normalized form of a data change record, or {@code null} for any other record. */
    static Change normalize(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null
                || value.schema().field("source") == null) {
            return null; // tombstone, schema change, heartbeat, transaction metadata
        }
        Struct source = value.getStruct("source");
        String table = source.getString("db") + "." + optional(source, "table");
        Map<String, Object> key =
                record.key() instanceof Struct k ? struct(k) : new LinkedHashMap<>();
        Struct before = value.getStruct("before");
        Struct after = value.getStruct("after");
        Object snapshot = optional(source, "snapshot");
        Object pos = optional(source, "pos");
        Object row = optional(source, "row");
        return new Change(table, value.getString("op"), key, before == null ? null : struct(before),
                after == null ? null : struct(after), (String) optional(source, "gtid"),
                (String) optional(source, "file"), pos == null ? null : ((Number) pos).longValue(),
                row == null ? null : ((Number) row).intValue(), snapshot == null ? null : snapshot.toString());
    }

    private static Object optional(Struct struct, String field) {
        return struct.schema().field(field) == null ? null : struct.get(field);
    }

    private static Map<String, Object> struct(Struct struct) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Field f : struct.schema().fields()) {
            map.put(f.name(), value(f.schema(), struct.get(f)));
        }
        return map;
    }

    /**
     * A column value in a form that compares with {@code equals} and reads well: bytes as {@code 0x...} hex,
     * Debezium's epoch-based timestamps as ISO local date-times (they carry the DATETIME as if it were UTC).
     */
    private static Object value(Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Struct s) {
            return struct(s);
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer copy = b.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return "0x" + HEX.formatHex(bytes);
        }
        if (v instanceof byte[] b) {
            return "0x" + HEX.formatHex(b);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(value(schema.valueSchema(), o));
            }
            return out;
        }
        String logical = schema.name();
        if (logical != null && v instanceof Long l) {
            switch (logical) {
                case "io.debezium.time.Timestamp":
                    return LocalDateTime.ofInstant(Instant.ofEpochMilli(l), ZoneOffset.UTC).toString();
                case "io.debezium.time.MicroTimestamp":
                    return LocalDateTime.ofInstant(Instant.EPOCH.plusNanos(l * 1000), ZoneOffset.UTC).toString();
                case "io.debezium.time.NanoTimestamp":
                    return LocalDateTime.ofInstant(Instant.EPOCH.plusNanos(l), ZoneOffset.UTC).toString();
                default:
                    break;
            }
        }
        return v;
    }
}
