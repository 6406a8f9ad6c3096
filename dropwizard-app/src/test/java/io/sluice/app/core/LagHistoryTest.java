package io.sluice.app.core;

import io.sluice.app.api.SyncerHistory;
import io.sluice.app.api.SyncerView;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of lag samples behind the status page's plot, sampled by hand on a clock the test moves. */
class LagHistoryTest {
    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    /** A clock that stands still until the test moves it. */
    private static final class ManualClock extends Clock {
        private Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static SyncerView running(long lagSeconds) {
        return new SyncerView("RUNNING", null, null, null, null, "", null, 4, 0, 0, null, null, null, 0, Map.of(),
                lagSeconds, lagSeconds * 100, lagSeconds * 2, SyncerView.Throughput.ZERO, null, null, null);
    }

    @Test
    void holdsOneHourOfSamplesOldestFirst() {
        ManualClock clock = new ManualClock();
        AtomicLong lag = new AtomicLong();
        LagHistory history = new LagHistory(() -> running(lag.get()), 10, clock);
        assertThat(history.capacity()).isEqualTo(360);
        for (int i = 0; i < 400; i++) {
            lag.set(i);
            history.sample();
            clock.advance(Duration.ofSeconds(10));
        }
        List<SyncerHistory.Sample> all = history.last(LagHistory.SPAN);
        assertThat(all).hasSize(360);
        assertThat(all.get(0).lagSeconds()).isEqualTo(40);
        assertThat(all.get(359).lagSeconds()).isEqualTo(399);
        assertThat(all.get(359)).isEqualTo(new SyncerHistory.Sample(T0.plusSeconds(3990), "RUNNING", 399L,
                39900L, 798L));
        assertThat(all).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
    }

    @Test
    void aShorterPeriodKeepsOnlyItsSamples() {
        ManualClock clock = new ManualClock();
        LagHistory history = new LagHistory(() -> running(0), 10, clock);
        for (int i = 0; i < 30; i++) {
            history.sample();
            clock.advance(Duration.ofSeconds(10));
        }
        // now T0+300 s; samples at T0 … T0+290 s, of which T0+240 … T0+290 are within the last minute
        assertThat(history.last(Duration.ofMinutes(1))).extracting(SyncerHistory.Sample::at)
                .containsExactly(T0.plusSeconds(240), T0.plusSeconds(250), T0.plusSeconds(260), T0.plusSeconds(270),
                        T0.plusSeconds(280), T0.plusSeconds(290));
    }

    @Test
    void aFailingStatusIsSkippedAndSamplingGoesOn() {
        ManualClock clock = new ManualClock();
        boolean[] fail = {true};
        Supplier<SyncerView> status = () -> {
            if (fail[0]) {
                throw new IllegalStateException("Kafka is away");
            }
            return SyncerView.unconfigured(null);
        };
        LagHistory history = new LagHistory(status, 1, clock);
        history.sample();
        clock.advance(Duration.ofSeconds(1));
        fail[0] = false;
        history.sample();
        assertThat(history.last(LagHistory.SPAN)).containsExactly(
                new SyncerHistory.Sample(T0.plusSeconds(1), "STOPPED", null, null, null));
    }

    @Test
    void anIntervalThatDoesNotDivideTheHourStillCoversIt() {
        assertThat(new LagHistory(() -> running(0), 7).capacity()).isEqualTo(515);
        assertThat(new LagHistory(() -> running(0), 600).capacity()).isEqualTo(6);
    }
}
