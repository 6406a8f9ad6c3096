package io.sluice.ingest;

import io.sluice.ingest.client.SourceClient;
import io.sluice.kafka.binlog.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Reaches sources for the syncer: connects and authenticates, checks that the server can be replicated from, vets it
 * against the topic ({@link SourceVetting}) when it is a failover candidate or not the server the topic followed, and
 * prepares the dump the way a MySQL 8.0 replica does. When failing over, tries the sources in turn: the group's
 * ONLINE PRIMARY (when asked to discover it), the other configured sources in order, the failed one last. A source
 * that is not taken is logged at WARN and recorded in the status with why, and nothing is ever written from it.
 *
 * <p>The connection being set up or streamed is published in the reference the syncer shares, so that its
 * {@code close()} can shut it from another thread. Otherwise used by the syncer thread only.
 */
final class SourceConnector {
    private static final Logger LOG = LoggerFactory.getLogger(SourceConnector.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(3);
    private static final String GROUP_PRIMARY_QUERY = "SELECT MEMBER_HOST, MEMBER_PORT FROM "
            + "performance_schema.replication_group_members WHERE MEMBER_ROLE = 'PRIMARY' AND MEMBER_STATE = 'ONLINE'";

    private final SyncerConfig config;
    private final String replicaUuid;
    private final SyncProgress progress;
    private final AtomicReference<SourceClient> client;
    private final BooleanSupplier stopping;

    SourceConnector(SyncerConfig config, String replicaUuid, SyncProgress progress,
                    AtomicReference<SourceClient> client, BooleanSupplier stopping) {
        this.config = config;
        this.replicaUuid = replicaUuid;
        this.progress = progress;
        this.client = client;
        this.stopping = stopping;
    }

    /** An open source connection, checked and ready for the dump. */
    record Connected(SourceEndpoint endpoint, SourceClient client, String uuid, boolean crc) {
    }

    /** Connects and authenticates; the connection is the one the syncer's {@code close()} shuts. */
    SourceClient open(SourceEndpoint endpoint) throws IOException {
        SourceClient c = SourceClient.connect(endpoint.host(), endpoint.port(), config.user(), config.password(),
                config.tls(), CONNECT_TIMEOUT, config.heartbeatPeriod().multipliedBy(3));
        client.set(c);
        return c;
    }

    /**
     * Checks the server and prepares the dump; closes the connection if that fails. The server is vetted against the
     * topic ({@link SourceVetting}) when it is a failover {@code candidate} or not the server the topic followed.
     */
    Connected prepare(SourceEndpoint endpoint, SourceClient c, TopicTail tail, boolean candidate)
            throws IOException {
        try {
            String uuid = identify(c);
            boolean otherServer = tail.sourceUuid() != null && !tail.sourceUuid().equalsIgnoreCase(uuid);
            if (candidate || otherServer) {
                vet(c, endpoint, uuid, tail);
            }
            return new Connected(endpoint, c, uuid, prepareDump(c));
        } catch (IOException | RuntimeException e) {
            client.set(null);
            c.close();
            throw e;
        }
    }

    private void vet(SourceClient c, SourceEndpoint endpoint, String uuid, TopicTail tail) throws IOException {
        SourceFacts facts = SourceFacts.read(c, endpoint, uuid);
        SourceVetting.Verdict verdict = SourceVetting.vet(tail.executed(), tail.sourceUuid(), facts);
        if (!verdict.accepted()) {
            throw new SourceUnusableException(verdict.reason(facts, tail.sourceUuid()));
        }
        LOG.info("source {} (server_uuid {}{}) has every GTID of the topic and no errant one; it will send {}",
                endpoint, uuid, facts.replica() ? ", a replica" : "", facts.executed().subtract(tail.executed()));
    }

    /**
     * Tries every source but the failed one, then that one, and returns the first that connects and passes the
     * checks. A source that does not is recorded in the status and logged at WARN, and never written from.
     */
    Connected failover(TopicTail tail, SourceEndpoint failed) {
        List<String> why = new ArrayList<>();
        for (SourceEndpoint endpoint : failoverOrder(failed)) {
            if (stopping.getAsBoolean()) {
                break;
            }
            try {
                return prepare(endpoint, open(endpoint), tail, true);
            } catch (IOException | RuntimeException e) {
                String reason = e instanceof SourceUnusableException ? e.getMessage()
                        : "cannot use source " + endpoint + ": " + e;
                LOG.warn("{}", reason);
                progress.refused(endpoint, reason);
                why.add(reason);
            }
        }
        throw new SourceUnusableException("no source to fail over to: " + String.join("; ", why));
    }

    /** The group's primary (when asked to find it), the other sources in configured order, the failed one last. */
    private List<SourceEndpoint> failoverOrder(SourceEndpoint failed) {
        List<SourceEndpoint> all = config.allSources();
        List<SourceEndpoint> order = new ArrayList<>();
        if (config.discoverGroupPrimary()) {
            SourceEndpoint primary = discoverGroupPrimary(all, failed);
            if (primary != null) {
                order.add(primary);
            }
        }
        for (SourceEndpoint endpoint : all) {
            if (!endpoint.equals(failed) && !order.contains(endpoint)) {
                order.add(endpoint);
            }
        }
        if (!order.contains(failed)) {
            order.add(failed);
        }
        return order;
    }

    /** Asks the sources in turn, the failed one last, for the ONLINE PRIMARY of their group; {@code null} if none. */
    private SourceEndpoint discoverGroupPrimary(List<SourceEndpoint> seeds, SourceEndpoint failed) {
        List<SourceEndpoint> asks = new ArrayList<>(seeds);
        asks.remove(failed);
        asks.add(failed);
        for (SourceEndpoint seed : asks) {
            if (stopping.getAsBoolean()) {
                return null;
            }
            try (SourceClient c = SourceClient.connect(seed.host(), seed.port(), config.user(), config.password(),
                    config.tls(), DISCOVERY_TIMEOUT, DISCOVERY_TIMEOUT)) {
                for (List<String> row : c.query(GROUP_PRIMARY_QUERY)) {
                    if (row.get(0) != null && row.get(1) != null) {
                        SourceEndpoint primary = new SourceEndpoint(row.get(0), Integer.parseInt(row.get(1)));
                        LOG.info("the ONLINE PRIMARY of the group, according to {}, is {}", seed, primary);
                        return primary;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot ask {} for the group's primary: {}", seed, e.toString());
            }
        }
        LOG.warn("no ONLINE PRIMARY found in performance_schema.replication_group_members of {}", asks);
        return null;
    }

    /** Checks the source can be replicated from, and returns its server_uuid. */
    private String identify(SourceClient c) throws IOException {
        String gtidMode = c.queryValue("SELECT @@GLOBAL.GTID_MODE");
        if (!"ON".equalsIgnoreCase(gtidMode)) {
            throw new SourceRefusedException("source " + c.endpoint() + " has gtid_mode=" + gtidMode
                    + "; Sluice needs gtid_mode=ON on the source");
        }
        String serverId = c.queryValue("SELECT @@GLOBAL.SERVER_ID");
        if (Long.toString(config.serverId()).equals(serverId)) {
            throw new SourceRefusedException("source " + c.endpoint() + " has server_id " + serverId
                    + ", the same as Sluice's serverId; give Sluice a server id unique in the topology");
        }
        return c.queryValue("SELECT @@GLOBAL.SERVER_UUID");
    }

    /**
     * The queries a MySQL 8.0 replica sends before its dump (rpl_replica.cc), with the checks it makes; returns
     * whether the source's events carry a CRC32.
     */
    private boolean prepareDump(SourceClient c) throws IOException {
        long periodNanos = config.heartbeatPeriod().toNanos();
        c.execute("SET @master_heartbeat_period = " + periodNanos + ", @source_heartbeat_period = " + periodNanos);
        c.execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
                + "@source_binlog_checksum = @@global.binlog_checksum");
        String checksum = c.queryValue("SELECT @source_binlog_checksum");
        if (!"CRC32".equalsIgnoreCase(checksum) && !"NONE".equalsIgnoreCase(checksum)) {
            throw new SourceRefusedException("source " + c.endpoint() + " has binlog_checksum=" + checksum
                    + "; Sluice understands CRC32 and NONE");
        }
        c.execute("SET @slave_uuid = '" + replicaUuid + "', @replica_uuid = '" + replicaUuid + "'");
        c.registerReplica(config.serverId(), "sluice", 0);
        return "CRC32".equalsIgnoreCase(checksum);
    }
}
