package io.sluice.model.net;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says when a refused address deserves a log line: once per address per period (a minute by default), so that a
 * scanner hammering a port cannot flood the log. Remembers at most {@link #MAX_ADDRESSES} addresses; past that it
 * forgets those whose period is over. Thread-safe.
 */
public final class RefusalLog {
    static final int MAX_ADDRESSES = 10_000;
    private final long periodNanos;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    public RefusalLog() {
        this(Duration.ofMinutes(1));
    }

    public RefusalLog(Duration period) {
        this.periodNanos = period.toNanos();
    }

    /** Whether a refusal of {@code address} now should be logged. */
    public boolean shouldLog(String address) {
        return shouldLog(address, System.nanoTime());
    }

    boolean shouldLog(String address, long now) {
        if (lastLogged.size() >= MAX_ADDRESSES) {
            lastLogged.values().removeIf(t -> now - t >= periodNanos);
        }
        boolean[] log = {false};
        lastLogged.compute(address, (k, last) -> {
            if (last == null || now - last >= periodNanos) {
                log[0] = true;
                return now;
            }
            return last;
        });
        return log[0];
    }
}
