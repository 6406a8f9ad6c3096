package io.sluice.bench;

import io.sluice.testkit.MysqlServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an OLTP-like binlog on a real source: many small transactions (a few inserted rows of ~800 random bytes,
 * now and then an update of a range) from two connections, and every so often a large one (tens of thousands of
 * rows through INSERT … SELECT), until the binlog reaches a size. Random bytes do not compress, so the figures
 * are not flattered by compression anywhere.
 */
final class SourceWorkload {
    /** The source's binlog size after a given transaction number: where a reader must start to read the rest. */
    record Mark(long gno, long binlogBytes) {
    }

    private final MysqlServer source;
    private final List<Mark> marks = new ArrayList<>();

    SourceWorkload(MysqlServer source) {
        this.source = source;
        source.execute("CREATE DATABASE bench",
                "CREATE TABLE bench.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL,"
                        + " payload VARBINARY(2048) NOT NULL, note VARCHAR(64))",
                "CREATE TABLE bench.big (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARBINARY(2048) NOT NULL)");
    }

    /** The sum of the source's binlog file sizes. */
    long binlogBytes() {
        return source.query("SHOW BINARY LOGS").stream().mapToLong(r -> Long.parseLong(r.get(1))).sum();
    }

    /** The last GTID number the source committed (it has only its own GTIDs). */
    long lastGno() {
        String executed = MysqlServer.normalizeGtids(source.gtidExecuted());
        String interval = executed.substring(executed.lastIndexOf(':') + 1);
        return Long.parseLong(interval.substring(interval.indexOf('-') + 1));
    }

    List<Mark> marks() {
        return List.copyOf(marks);
    }

    /**
     * Writes until the binlog holds at least {@code targetBytes}, a large transaction of about
     * {@code largeTxnBytes} after every {@code largeEvery} bytes of small ones.
     */
    void fill(long targetBytes, long largeTxnBytes, long largeEvery) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int seed = w;
            Thread t = new Thread(() -> {
                try (Connection c = source.connect()) {
                    smallTransactions(c, new Random(seed), done);
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    throw new IllegalStateException(e);
                }
            }, "bench-writer-" + w);
            t.start();
            writers.add(t);
        }
        long nextLarge = largeEvery;
        try (Connection c = source.connect()) {
            while (true) {
                long size = binlogBytes();
                marks.add(new Mark(lastGno(), size));
                if (size >= targetBytes || failures.get() > 0) {
                    break;
                }
                if (size >= nextLarge) {
                    largeTransaction(c, largeTxnBytes);
                    nextLarge += largeEvery;
                }
                Thread.sleep(100);
            }
        } finally {
            done.set(true);
            for (Thread t : writers) {
                t.join();
            }
        }
        if (failures.get() > 0) {
            throw new IllegalStateException("a workload writer failed");
        }
        marks.add(new Mark(lastGno(), binlogBytes()));
    }

    private static void smallTransactions(Connection c, Random random, AtomicBoolean done) throws SQLException {
        byte[] payload = new byte[800];
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO bench.t (k, payload, note) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?)");
             Statement st = c.createStatement()) {
            long n = 0;
            while (!done.get()) {
                if (++n % 20 == 0) {
                    long from = Math.max(1, random.nextInt(1_000_000));
                    st.executeUpdate("UPDATE bench.t SET k = k + 1, note = 'updated' WHERE id BETWEEN " + from
                            + " AND " + (from + 5));
                    continue;
                }
                for (int row = 0; row < 4; row++) {
                    random.nextBytes(payload);
                    insert.setInt(row * 3 + 1, random.nextInt());
                    insert.setBytes(row * 3 + 2, payload);
                    insert.setString(row * 3 + 3, "row " + n);
                }
                insert.executeUpdate();
            }
        }
    }

    /** One transaction of about {@code bytes} of row events: random rows doubled by INSERT … SELECT. */
    void largeTransaction(Connection c, long bytes) throws SQLException {
        long rows = Math.max(1, bytes / 1060); // a row event holds ~1060 bytes of each row (id, k, payload, note)
        try (Statement st = c.createStatement()) {
            st.executeUpdate("TRUNCATE TABLE bench.big");
            st.executeUpdate("INSERT INTO bench.big (payload) VALUES (RANDOM_BYTES(1024))");
            long have = 1;
            // doubling outside a transaction builds the rows; the measured transaction copies them at once
            while (have < rows) {
                st.executeUpdate("INSERT INTO bench.big (payload) SELECT RANDOM_BYTES(1024) FROM bench.big");
                have *= 2;
            }
            st.executeUpdate("INSERT INTO bench.t (k, payload, note) SELECT id, payload, 'large' FROM bench.big"
                    + " ORDER BY id LIMIT " + rows);
        }
    }
}
