package io.sluice.facade;

import io.netty.channel.Channel;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this node (every client, not only replicas: {@code SHOW PROCESSLIST} and {@code KILL} use
 * them), and the rule that a second dump from one server_id replaces the first.
 */
public final class ReplicaRegistry {
    /** The window of the topic the dumps share while the facade runs; {@code null} when stopped (and in tests). */
    private volatile SharedTail sharedTail;
    private volatile FacadeMetrics metrics = FacadeMetrics.unregistered();
    /** The offset after the last committed record of the topic as the facade last saw it, or -1. */
    private volatile java.util.function.LongSupplier topicEnd = () -> -1;

    void metrics(FacadeMetrics m) {
        this.metrics = m;
    }

    FacadeMetrics metrics() {
        return metrics;
    }

    void topicEnd(java.util.function.LongSupplier end) {
        this.topicEnd = end;
    }

    /** Who may connect; everyone unless set. */
    private volatile io.sluice.model.net.IpAllowlist allowlist = io.sluice.model.net.IpAllowlist.ALLOW_ALL;
    /** When a refused address is worth a log line. */
    final io.sluice.model.net.RefusalLog refusals = new io.sluice.model.net.RefusalLog();

    /** caching_sha2_password's cache of full authentications and the node's RSA key. */
    final CachingSha2Server sha2 = new CachingSha2Server();

    /** Slows down logins from addresses that keep failing. */
    private volatile LoginThrottle throttle = new LoginThrottle(FacadeConfig.Limits.DEFAULT.failedLoginThreshold());

    void throttle(LoginThrottle t) {
        this.throttle = t;
    }

    LoginThrottle throttle() {
        return throttle;
    }

    void allowlist(io.sluice.model.net.IpAllowlist list) {
        this.allowlist = list;
    }

    io.sluice.model.net.IpAllowlist allowlist() {
        return allowlist;
    }

    void sharedTail(SharedTail tail) {
        this.sharedTail = tail;
    }

    SharedTail sharedTail() {
        return sharedTail;
    }

    /** Mutable state of one connection, updated by its dump thread. */
    static final class Entry {
        final long connectionId;
        final String host;
        /** The connection's channel, for {@code KILL}; {@code null} in tests that have none. */
        final Channel channel;
        final Instant connectedAt = Instant.now();
        volatile String user;
        volatile long serverId;
        volatile String uuid;
        volatile String reportHost;
        volatile int reportPort;
        volatile String requested;
        /** The dump's command as SHOW PROCESSLIST names it: "Binlog Dump GTID" or "Binlog Dump". */
        volatile String dumpCommand;
        /** Whether the dump has sent everything the topic holds and waits for more. */
        volatile boolean dumpIdle;
        volatile String file;
        volatile long position;
        volatile long bytesSent;
        volatile BinlogDump dump;
        /** The offset of the next record the dump reads (-1 before it starts). */
        volatile long offset = -1;
        /** Kafka timestamp (ms) of the last record sent; 0 before the first. */
        volatile long lastRecordMs;
        /** The GTIDs the replica has, as last published by its dump (at most once a second, and when idle). */
        volatile String gtidSet;

        Entry(long connectionId, String host, Channel channel) {
            this.connectionId = connectionId;
            this.host = host;
            this.channel = channel;
        }

        /** {@code host:port} as SHOW PROCESSLIST shows it. */
        String hostAndPort() {
            if (channel != null && channel.remoteAddress() instanceof java.net.InetSocketAddress a) {
                return host + ":" + a.getPort();
            }
            return host;
        }

        ReplicaInfo info(long topicEnd) {
            boolean dumping = dump != null;
            Long lag = dumping ? lagSeconds() : null;
            Long behind = !dumping ? null : dumpIdle ? Long.valueOf(0)
                    : topicEnd >= 0 && offset >= 0 ? Long.valueOf(Math.max(0, topicEnd - offset)) : null;
            return new ReplicaInfo(connectionId, serverId, uuid, host, reportHost, reportPort, user, requested, file,
                    position, bytesSent, connectedAt, dumping, offset, gtidSet, lag, behind);
        }

        /** 0 once the dump has sent all the topic holds, else the age of the last record sent (-1 before any). */
        long lagSeconds() {
            if (dumpIdle) {
                return 0;
            }
            long last = lastRecordMs;
            return last == 0 ? -1 : Math.max(0, (System.currentTimeMillis() - last) / 1000);
        }
    }

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

    Entry add(long connectionId, String host) {
        return add(connectionId, host, null);
    }

    Entry add(long connectionId, String host, Channel channel) {
        Entry e = new Entry(connectionId, host, channel);
        entries.put(connectionId, e);
        return e;
    }

    void remove(long connectionId) {
        entries.remove(connectionId);
    }

    /** Stops any other dump of {@code serverId} (the source's "zombie dump" rule) and records this one. */
    void startDump(Entry entry, BinlogDump dump) {
        if (entry.serverId != 0) {
            for (Entry other : entries.values()) {
                if (other != entry && other.serverId == entry.serverId && other.dump != null) {
                    other.dump.stop("a new dump from the same server_id " + entry.serverId + " replaced it");
                }
            }
        }
        entry.dump = dump;
    }

    /** Every connection, by id. */
    List<Entry> connections() {
        return entries.values().stream().sorted(Comparator.comparingLong(e -> e.connectionId)).toList();
    }

    /**
     * Closes connection {@code connectionId} ({@code KILL}); its dump, if any, stops when the channel is inactive.
     *
     * @return whether there was such a connection
     */
    public boolean kill(long connectionId) {
        Entry e = entries.get(connectionId);
        if (e == null) {
            return false;
        }
        if (e.channel != null) {
            e.channel.close();
        } else {
            remove(connectionId);
        }
        return true;
    }

    public int size() {
        return entries.size();
    }

    /** The connected clients that registered as replicas or started a dump. */
    public List<ReplicaInfo> replicas() {
        long end = topicEnd.getAsLong();
        return entries.values().stream()
                .filter(e -> e.serverId != 0 || e.dump != null)
                .map(e -> e.info(end))
                .sorted(Comparator.comparingLong(ReplicaInfo::connectionId))
                .toList();
    }
}
