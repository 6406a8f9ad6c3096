package io.sluice.facade;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing, as MySQL's {@code connection_control} plugin does: after {@code threshold} failed
 * logins in a row from one address, each further login from it is answered one second later per failure past the
 * threshold, up to {@link #MAX_DELAY}. A login that succeeds clears the address. Addresses are forgotten
 * {@link #FORGET_AFTER} after their last failure, and at most {@link #MAX_ADDRESSES} are remembered. Thread-safe.
 */
final class LoginThrottle {
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, long lastNanos) {
    }

    private final int threshold;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    /** @param threshold failures in a row before logins are delayed; 0 never delays */
    LoginThrottle(int threshold) {
        this.threshold = threshold;
    }

    /** How long to wait before answering a login from {@code address}. */
    Duration delay(String address) {
        return delay(address, System.nanoTime());
    }

    Duration delay(String address, long now) {
        Failures f = failures.get(address);
        if (threshold == 0 || f == null || now - f.lastNanos() >= FORGET_AFTER.toNanos() || f.count() < threshold) {
            return Duration.ZERO;
        }
        long seconds = Math.min(f.count() - threshold + 1L, MAX_DELAY.toSeconds());
        return Duration.ofSeconds(seconds);
    }

    void failed(String address) {
        failed(address, System.nanoTime());
    }

    void failed(String address, long now) {
        if (threshold == 0) {
            return;
        }
        if (failures.size() >= MAX_ADDRESSES) {
            failures.values().removeIf(f -> now - f.lastNanos() >= FORGET_AFTER.toNanos());
            if (failures.size() >= MAX_ADDRESSES) {
                failures.clear();
            }
        }
        failures.compute(address, (k, f) -> f == null || now - f.lastNanos() >= FORGET_AFTER.toNanos()
                ? new Failures(1, now) : new Failures(f.count() + 1, now));
    }

    void succeeded(String address) {
        failures.remove(address);
    }
}
