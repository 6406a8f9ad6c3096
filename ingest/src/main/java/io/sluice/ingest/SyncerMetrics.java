package io.sluice.ingest;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

/**
 * The syncer's metrics, registered under {@code sluice.syncer.} in a registry the process owns, so that a syncer
 * that is stopped and started again (a new source, a new leader) goes on counting in the same meters.
 * <ul>
 *   <li>{@code sluice.syncer.events}: binlog events received from the source (heartbeats not counted)</li>
 *   <li>{@code sluice.syncer.transactions}, {@code sluice.syncer.bytes}: source transactions and bytes committed to
 *       Kafka</li>
 *   <li>{@code sluice.syncer.kafka.commit}: the latency of each Kafka transaction commit (a timer: its histogram)</li>
 *   <li>{@code sluice.syncer.errors.<code>}: failures by MySQL error code (0 for failures that have none, such as
 *       Kafka's)</li>
 * </ul>
 */
public final class SyncerMetrics {
    public static final String PREFIX = "sluice.syncer.";
    private final MetricRegistry registry;
    final Meter events;
    final Meter transactions;
    final Meter bytes;
    final Timer commit;

    public SyncerMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.events = registry.meter(PREFIX + "events");
        this.transactions = registry.meter(PREFIX + "transactions");
        this.bytes = registry.meter(PREFIX + "bytes");
        this.commit = registry.timer(PREFIX + "kafka.commit");
    }

    /** Metrics nobody reads: for syncers made without a registry (tests, the benchmark). */
    public static SyncerMetrics unregistered() {
        return new SyncerMetrics(new MetricRegistry());
    }

    void error(int code) {
        registry.counter(PREFIX + "errors." + code).inc();
    }
}
