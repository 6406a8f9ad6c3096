package io.sluice.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncerConfigTest {
    private static SyncerConfig base() {
        return new SyncerConfig("a", 3306, "repl", "secret", 1001, "t", 1024 * 1024, 1 << 22,
                Duration.ofMillis(100), Duration.ofSeconds(2), Map.of(), Map.of());
    }

    @Test
    void theOldConstructorMeansNoFailover() {
        SyncerConfig c = base();
        assertThat(c.candidates()).isEmpty();
        assertThat(c.discoverGroupPrimary()).isFalse();
        assertThat(c.failoverAttempts()).isEqualTo(SyncerConfig.DEFAULT_FAILOVER_ATTEMPTS);
        assertThat(c.failoverAfter()).isEqualTo(SyncerConfig.DEFAULT_FAILOVER_AFTER);
        assertThat(c.canFailOver()).isFalse();
    }

    @Test
    void candidatesComeAfterThePrimaryWithoutRepeats() {
        SyncerConfig c = base().withFailover(List.of(SourceEndpoint.parse("b:3307"), SourceEndpoint.parse("a:3306"),
                SourceEndpoint.parse("c:3308")), false);
        assertThat(c.allSources()).extracting(SourceEndpoint::toString).containsExactly("a:3306", "b:3307", "c:3308");
        assertThat(c.canFailOver()).isTrue();
        assertThat(c.toString()).contains("b:3307").doesNotContain("secret");
        assertThat(base().withFailover(List.of(), true).canFailOver()).isTrue();
    }

    @Test
    void endpointsParseAndRefuseNonsense() {
        assertThat(SourceEndpoint.parse("[::1]:3306")).isEqualTo(new SourceEndpoint("::1", 3306));
        assertThatThrownBy(() -> SourceEndpoint.parse("db")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SourceEndpoint.parse("db:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceEndpoint("db", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
