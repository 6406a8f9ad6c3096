package io.sluice.ingest;

import io.sluice.testkit.MysqlServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Writes to a MySQL server on a thread of its own — one autocommit INSERT into {@code app.t (v, src)} at a time, with
 * a short pause between them — until stopped or until the server fails (a killed server ends it quietly). For
 * integration tests.
 */
final class Workload implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong committed = new AtomicLong();
    private volatile boolean stopping;
    private volatile Throwable failure;

    private Workload(MysqlServer server, String tag, Duration pause) {
        thread = new Thread(() -> run(server, tag, pause), "workload-" + tag);
        thread.setDaemon(true);
    }

    /** Starts writing rows tagged {@code tag} into {@code app.t} of {@code server}. */
    static Workload start(MysqlServer server, String tag) {
        Workload w = new Workload(server, tag, Duration.ofMillis(2));
        w.thread.start();
        return w;
    }

    private void run(MysqlServer server, String tag, Duration pause) {
        try (Connection c = server.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO app.t (v, src) VALUES (?, ?)")) {
            while (!stopping) {
                insert.setString(1, "row " + committed.get() + " of " + tag);
                insert.setString(2, tag);
                insert.executeUpdate();
                committed.incrementAndGet();
                Thread.sleep(pause.toMillis());
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Transactions committed so far. */
    long committed() {
        return committed.get();
    }

    /** The error that ended the workload (a killed server), or {@code null}. */
    Throwable failure() {
        return failure;
    }

    /** Waits until at least {@code n} transactions are committed. */
    void awaitCommitted(long n, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> committed.get() >= n || !thread.isAlive());
        if (committed.get() < n) {
            throw new IllegalStateException("the workload ended after " + committed.get() + " transactions: "
                    + failure);
        }
    }

    /** Stops writing and waits for the last INSERT; returns the transactions committed. */
    long stop() {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return committed.get();
    }

    @Override
    public void close() {
        stop();
    }
}
