package io.sluice.ingest;

import java.time.Duration;

/**
 * Counts the failures in a row of the current source and says when they are enough to fail over: after
 * {@code attempts} failures, or once the first of them is {@code after} old, whichever comes first. A successful
 * dump start resets it. Not thread-safe: the syncer thread owns it. Times are {@link System#nanoTime()} values.
 */
final class FailoverPolicy {
    private final int attempts;
    private final long afterNanos;
    private int failures;
    private long firstFailureNanos;

    FailoverPolicy(int attempts, Duration after) {
        this.attempts = attempts;
        this.afterNanos = after.toNanos();
    }

    /** One more failure of the current source. */
    void failed(long nowNanos) {
        if (failures++ == 0) {
            firstFailureNanos = nowNanos;
        }
    }

    /** The current source works (a dump started). */
    void reset() {
        failures = 0;
    }

    /** Whether the failures so far are enough to fail over. */
    boolean due(long nowNanos) {
        return failures >= attempts || failures > 0 && nowNanos - firstFailureNanos >= afterNanos;
    }

    int failures() {
        return failures;
    }

    /** How long the source has been failing, 0 when it is not. */
    Duration failingFor(long nowNanos) {
        return failures == 0 ? Duration.ZERO : Duration.ofNanos(nowNanos - firstFailureNanos);
    }
}
