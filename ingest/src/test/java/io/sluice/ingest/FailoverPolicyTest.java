package io.sluice.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverPolicyTest {
    private static final long S = 1_000_000_000L;

    @Test
    void dueAfterTheAttemptsInARow() {
        FailoverPolicy p = new FailoverPolicy(3, Duration.ofSeconds(10));
        p.failed(0);
        p.failed(S / 5);
        assertThat(p.due(S / 2)).isFalse();
        p.failed(S / 2);
        assertThat(p.due(S / 2)).isTrue();
    }

    @Test
    void dueOnceTheFirstFailureIsOldEnough() {
        FailoverPolicy p = new FailoverPolicy(3, Duration.ofSeconds(10));
        assertThat(p.due(100 * S)).isFalse();
        p.failed(100 * S);
        assertThat(p.due(109 * S)).isFalse();
        assertThat(p.due(110 * S)).isTrue();
        assertThat(p.failingFor(112 * S)).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void aWorkingSourceStartsTheCountAgain() {
        FailoverPolicy p = new FailoverPolicy(2, Duration.ofSeconds(10));
        p.failed(0);
        p.reset();
        p.failed(20 * S);
        assertThat(p.due(21 * S)).isFalse();
        assertThat(p.failingFor(21 * S)).isEqualTo(Duration.ofSeconds(1));
    }
}
