package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import io.sluice.app.api.SyncerHistory;
import io.sluice.app.api.SyncerView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The syncer's lag over the last hour, for the status page's plot. The syncer only knows its lag now, so this
 * samples its status every {@code intervalSeconds} into a ring that holds one hour. Samples live in memory only: a
 * restarted node starts a new hour, which is all a glance at the page needs.
 */
public final class LagHistory implements Managed {
    /** How far back the history reaches. */
    public static final Duration SPAN = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(LagHistory.class);
    private final Supplier<SyncerView> status;
    private final int intervalSeconds;
    private final Clock clock;
    private final SyncerHistory.Sample[] ring;
    private int next;
    private int size;
    private boolean failing;
    private ScheduledExecutorService scheduler;

    /** @param status the syncer's status, wherever it runs ({@link SyncerManager#status()}) */
    public LagHistory(Supplier<SyncerView> status, int intervalSeconds) {
        this(status, intervalSeconds, Clock.systemUTC());
    }

    LagHistory(Supplier<SyncerView> status, int intervalSeconds, Clock clock) {
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("intervalSeconds must be at least 1, not " + intervalSeconds);
        }
        this.status = status;
        this.intervalSeconds = intervalSeconds;
        this.clock = clock;
        this.ring = new SyncerHistory.Sample[(int) Math.max(1, ceilDiv(SPAN.toSeconds(), intervalSeconds))];
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    /** How many samples the ring holds: one hour's worth. */
    public int capacity() {
        return ring.length;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-lag-history");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::sample, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            s.shutdownNow();
            s.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Takes one sample. Never throws: an exception out of a periodic task would cancel every later run, and a
     * status that cannot be read now (Kafka away, a leader changing) may well be readable at the next tick.
     */
    void sample() {
        try {
            SyncerView v = status.get();
            record(new SyncerHistory.Sample(clock.instant(), v.state(), v.lagSeconds(), v.lagBytes(),
                    v.lagTransactions()));
            synchronized (this) {
                failing = false;
            }
        } catch (Exception e) {
            boolean first;
            synchronized (this) {
                first = !failing;
                failing = true;
            }
            if (first) {
                LOG.warn("cannot sample the syncer's status for its lag history, will retry every {} s: {}",
                        intervalSeconds, e.toString());
            } else {
                LOG.debug("cannot sample the syncer's status: {}", e.toString());
            }
        }
    }

    private synchronized void record(SyncerHistory.Sample sample) {
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The samples taken within {@code period} of now, oldest first. */
    public synchronized List<SyncerHistory.Sample> last(Duration period) {
        Instant from = clock.instant().minus(period);
        List<SyncerHistory.Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            SyncerHistory.Sample s = ring[Math.floorMod(next - size + i, ring.length)];
            if (!s.at().isBefore(from)) {
                out.add(s);
            }
        }
        return out;
    }
}
