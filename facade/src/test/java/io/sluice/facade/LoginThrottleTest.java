package io.sluice.facade;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    @Test
    void loginsAreDelayedOneSecondPerFailurePastTheThreshold() {
        LoginThrottle t = new LoginThrottle(3);
        long now = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(t.delay("10.0.0.1", now)).isZero();
            t.failed("10.0.0.1", now);
        }
        assertThat(t.delay("10.0.0.1", now)).isEqualTo(Duration.ofSeconds(1));
        t.failed("10.0.0.1", now);
        assertThat(t.delay("10.0.0.1", now)).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.delay("10.0.0.2", now)).as("another address").isZero();
        for (int i = 0; i < 100; i++) {
            t.failed("10.0.0.1", now);
        }
        assertThat(t.delay("10.0.0.1", now)).isEqualTo(LoginThrottle.MAX_DELAY);
        t.succeeded("10.0.0.1");
        assertThat(t.delay("10.0.0.1", now)).isZero();
    }

    @Test
    void failuresAreForgottenAndAZeroThresholdNeverDelays() {
        LoginThrottle t = new LoginThrottle(1);
        t.failed("h", 0);
        assertThat(t.delay("h", 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.delay("h", LoginThrottle.FORGET_AFTER.toNanos())).isZero();
        LoginThrottle off = new LoginThrottle(0);
        for (int i = 0; i < 10; i++) {
            off.failed("h", 0);
        }
        assertThat(off.delay("h", 0)).isZero();
    }
}
