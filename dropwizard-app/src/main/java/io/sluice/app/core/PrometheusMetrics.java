package io.sluice.app.core;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.Map;

/**
 * The process's Dropwizard metrics in Prometheus's text format ({@code /prometheus} on the admin port), the same
 * numbers as the admin port's {@code /metrics} JSON. Names turn dots into underscores. The metrics that carry a key
 * in their Dropwizard name are exported as one labelled family each instead:
 * {@code sluice_facade_errors_total{code="1236"}}, {@code sluice_syncer_errors_total{code="2003"}} and
 * {@code sluice_facade_replica_lag_seconds{connection_id="7",server_id="2"}}.
 */
public final class PrometheusMetrics {
    private static final String FACADE_ERRORS = "sluice.facade.errors.";
    private static final String SYNCER_ERRORS = "sluice.syncer.errors.";
    private static final String REPLICA = "sluice.facade.replica.";

    private PrometheusMetrics() {
    }

    public static PrometheusRegistry registry(MetricRegistry metrics) {
        PrometheusRegistry registry = new PrometheusRegistry();
        MetricFilter plain = (name, metric) -> !name.startsWith(FACADE_ERRORS) && !name.startsWith(SYNCER_ERRORS)
                && !name.startsWith(REPLICA);
        DropwizardExports.builder().dropwizardRegistry(metrics).metricFilter(plain).register(registry);
        registry.register((MultiCollector) () -> labelled(metrics));
        return registry;
    }

    private static MetricSnapshots labelled(MetricRegistry metrics) {
        return MetricSnapshots.of(errors(metrics, FACADE_ERRORS, "sluice_facade_errors",
                        "ERR packets sent to clients, by MySQL error code"),
                errors(metrics, SYNCER_ERRORS, "sluice_syncer_errors",
                        "syncer failures, by MySQL error code (0: failures without one, such as Kafka's)"),
                replicaLag(metrics));
    }

    private static CounterSnapshot errors(MetricRegistry metrics, String prefix, String name, String help) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (Map.Entry<String, Counter> e : metrics.getCounters((n, m) -> n.startsWith(prefix)).entrySet()) {
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(e.getValue().getCount())
                    .labels(Labels.of("code", e.getKey().substring(prefix.length()))).build());
        }
        return b.build();
    }

    /** {@code sluice.facade.replica.<server_id>.<connection_id>.lag.seconds} as one labelled gauge. */
    @SuppressWarnings("rawtypes")
    private static GaugeSnapshot replicaLag(MetricRegistry metrics) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("sluice_facade_replica_lag_seconds")
                .help("seconds each dump is behind the topic's end (0 once it has sent everything)");
        for (Map.Entry<String, Gauge> e : metrics.getGauges((n, m) -> n.startsWith(REPLICA)
                && n.endsWith(".lag.seconds")).entrySet()) {
            String[] parts = e.getKey().substring(REPLICA.length()).split("\\.");
            if (parts.length == 4 && e.getValue().getValue() instanceof Number value) {
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value.doubleValue())
                        .labels(Labels.of("server_id", parts[0], "connection_id", parts[1])).build());
            }
        }
        return b.build();
    }
}
