package io.sluice.ingest;

import io.sluice.ingest.client.SourceClient;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Asks the source, every {@link #INTERVAL}, how far ahead of Kafka it is: {@code @@GLOBAL.gtid_executed}, its clock,
 * and {@code SHOW BINARY LOGS} for the sizes of its files. One connection of its own, with the syncer's account,
 * to the server the syncer streams from. {@code SHOW BINARY LOGS} needs {@code REPLICATION CLIENT}; without it the
 * lag in bytes stays unknown and the rest still works.
 */
final class SourceProbe implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(SourceProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What the syncer has done, as the probe compares it. */
    record Position(GtidSet executed, String file, long position, long newestEventTimestamp) {
    }

    /**
     * How far behind the source Kafka is, as last measured.
     *
     * @param at           when it was measured
     * @param seconds      the source's clock minus the timestamp of the newest event the syncer has seen, 0 when
     *                     Kafka holds everything the source executed
     * @param bytes        the bytes of the source's binary logs after the last position committed to Kafka, or
     *                     {@code null} when the source would not list its files
     * @param transactions GTIDs the source executed that Kafka does not hold
     */
    record Lag(Instant at, long seconds, Long bytes, long transactions) {
    }

    private final SyncerConfig config;
    private final Supplier<SourceEndpoint> endpoint;
    private final Supplier<Position> position;
    private SourceClient client;
    private SourceEndpoint connectedTo;
    private boolean filesRefused;
    private volatile Lag lag;

    SourceProbe(SyncerConfig config, Supplier<SourceEndpoint> endpoint, Supplier<Position> position) {
        this.config = config;
        this.endpoint = endpoint;
        this.position = position;
    }

    /** The last measure, or {@code null} when there is none yet, or it is older than three intervals. */
    Lag lag() {
        Lag l = lag;
        return l == null || l.at().isBefore(Instant.now().minus(INTERVAL.multipliedBy(3))) ? null : l;
    }

    /** One measure; failures leave the last one to age out, and close the connection for the next time. */
    void probe() {
        SourceEndpoint target = endpoint.get();
        if (target == null) {
            return;
        }
        try {
            if (client == null || !target.equals(connectedTo)) {
                close();
                filesRefused = false;
                client = SourceClient.connect(target.host(), target.port(), config.user(), config.password(),
                        config.tls(), TIMEOUT, TIMEOUT);
                connectedTo = target;
            }
            Position before = position.get();
            List<String> row = client.query("SELECT @@GLOBAL.gtid_executed, UNIX_TIMESTAMP()").get(0);
            GtidSet sourceExecuted = GtidSet.parse(row.get(0).replaceAll("\\s", ""));
            long sourceNow = Long.parseLong(row.get(1));
            Long bytes = filesRefused ? null : bytesAhead(before);
            // what Kafka holds now, read after the source: a commit in between makes the lag smaller, never negative
            Position now = position.get();
            long transactions = sourceExecuted.subtract(now.executed()).count();
            long seconds = transactions == 0 || now.newestEventTimestamp() == 0 ? 0
                    : Math.max(0, sourceNow - now.newestEventTimestamp());
            lag = new Lag(Instant.now(), seconds, transactions == 0 && bytes != null ? 0L : bytes, transactions);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot measure the syncer's lag at {}: {}", target, e.toString());
            close();
        }
    }

    /** The bytes of the source's files from the syncer's position on; {@code null} if unknown. */
    private Long bytesAhead(Position at) throws IOException {
        List<List<String>> files;
        try {
            files = client.query("SHOW BINARY LOGS");
        } catch (MysqlException e) {
            filesRefused = true;
            LOG.info("the syncer's account cannot list the source's binary logs ({}); the lag in bytes is not "
                    + "reported (grant REPLICATION CLIENT to report it)", e.getMessage());
            return null;
        }
        long ahead = 0;
        boolean found = false;
        for (List<String> f : files) {
            long size = Long.parseLong(f.get(1));
            if (found) {
                ahead += size;
            } else if (f.get(0).equals(at.file())) {
                found = true;
                ahead += Math.max(0, size - at.position());
            }
        }
        return found ? ahead : null;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
            connectedTo = null;
        }
    }
}
