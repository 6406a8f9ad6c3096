package io.sluice.facade;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/**
 * The facade's metrics, registered under {@code sluice.facade.} in a registry the process owns, so a listener that
 * is stopped and started again counts on in the same meters.
 * <ul>
 *   <li>{@code sluice.facade.connections.accepted}: connections accepted (before authentication)</li>
 *   <li>{@code sluice.facade.auth.failures}: logins refused (wrong password, unknown account)</li>
 *   <li>{@code sluice.facade.auth.full}: caching_sha2_password full authentications that succeeded (accounts in
 *       MySQL's stored form, until their hash is cached)</li>
 *   <li>{@code sluice.facade.connections.tls}: connections that asked for TLS (SSLRequest accepted)</li>
 *   <li>{@code sluice.facade.connections.refused}: connections from addresses outside {@code facade.ipAllowlist}</li>
 *   <li>{@code sluice.facade.errors.<code>}: ERR packets sent to clients, by MySQL error code</li>
 *   <li>{@code sluice.facade.events.out}, {@code sluice.facade.transactions.out}, {@code sluice.facade.bytes.out}:
 *       binlog events, whole source transactions and event bytes sent to replicas, all replicas together</li>
 *   <li>{@code sluice.facade.replica.<server_id>.<connection_id>.lag.seconds}: one gauge per running dump, removed
 *       when it ends (see {@link ReplicaInfo#lagSeconds()})</li>
 * </ul>
 */
public final class FacadeMetrics {
    public static final String PREFIX = "sluice.facade.";
    private final MetricRegistry registry;
    final Meter accepted;
    final Counter authFailures;
    final Counter refused;
    final Counter fullAuthentications;
    final Counter tlsConnections;
    final Meter events;
    final Meter transactions;
    final Meter bytes;

    public FacadeMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.accepted = registry.meter(PREFIX + "connections.accepted");
        this.authFailures = registry.counter(PREFIX + "auth.failures");
        this.refused = registry.counter(PREFIX + "connections.refused");
        this.fullAuthentications = registry.counter(PREFIX + "auth.full");
        this.tlsConnections = registry.counter(PREFIX + "connections.tls");
        this.events = registry.meter(PREFIX + "events.out");
        this.transactions = registry.meter(PREFIX + "transactions.out");
        this.bytes = registry.meter(PREFIX + "bytes.out");
    }

    /** Metrics nobody reads: for servers made without a registry (tests). */
    static FacadeMetrics unregistered() {
        return new FacadeMetrics(new MetricRegistry());
    }

    /** Counts an ERR packet from its payload ({@code 0xff}, then the code in two bytes, little-endian). */
    void errorPacket(byte[] payload) {
        if (payload.length >= 3 && payload[0] == (byte) 0xff) {
            registry.counter(PREFIX + "errors." + ((payload[1] & 0xff) | (payload[2] & 0xff) << 8)).inc();
        }
    }

    private static String lagName(ReplicaRegistry.Entry entry) {
        return PREFIX + "replica." + entry.serverId + "." + entry.connectionId + ".lag.seconds";
    }

    void dumpStarted(ReplicaRegistry.Entry entry) {
        String name = lagName(entry);
        registry.remove(name);
        registry.register(name, (Gauge<Long>) entry::lagSeconds);
    }

    /** What a dump sent since it last reported: counted in batches, so a replica's hot loop stays free of them. */
    void sent(long eventCount, long transactionCount, long byteCount) {
        if (eventCount > 0) {
            events.mark(eventCount);
        }
        if (transactionCount > 0) {
            transactions.mark(transactionCount);
        }
        if (byteCount > 0) {
            bytes.mark(byteCount);
        }
    }

    void dumpEnded(ReplicaRegistry.Entry entry) {
        registry.remove(lagName(entry));
    }
}
