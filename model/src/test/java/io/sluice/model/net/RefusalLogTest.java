package io.sluice.model.net;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalLogTest {
    @Test
    void anAddressIsLoggedOncePerPeriod() {
        RefusalLog log = new RefusalLog(Duration.ofSeconds(60));
        long t = 1_000_000_000L;
        assertThat(log.shouldLog("10.0.0.1", t)).isTrue();
        assertThat(log.shouldLog("10.0.0.1", t + Duration.ofSeconds(59).toNanos())).isFalse();
        assertThat(log.shouldLog("10.0.0.2", t + 1)).isTrue();
        assertThat(log.shouldLog("10.0.0.1", t + Duration.ofSeconds(60).toNanos())).isTrue();
    }

    @Test
    void itForgetsOldAddressesWhenFull() {
        RefusalLog log = new RefusalLog(Duration.ofSeconds(60));
        for (int i = 0; i < RefusalLog.MAX_ADDRESSES; i++) {
            assertThat(log.shouldLog("a" + i, 0)).isTrue();
        }
        long later = Duration.ofSeconds(61).toNanos();
        assertThat(log.shouldLog("new", later)).isTrue();
        assertThat(log.shouldLog("a1", later)).as("forgotten, so logged again").isTrue();
    }
}
