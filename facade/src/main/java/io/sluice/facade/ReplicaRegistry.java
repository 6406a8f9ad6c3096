package io.sluice.facade;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The replicas connected to this node, and the rule that a second dump from one server_id replaces the first. */
public final class ReplicaRegistry {
    /** Mutable state of one connection, updated by its dump thread. */
    static final class Entry {
        final long connectionId;
        final String host;
        final Instant connectedAt = Instant.now();
        volatile String user;
        volatile long serverId;
        volatile String uuid;
        volatile String reportHost;
        volatile int reportPort;
        volatile String requested;
        volatile String file;
        volatile long position;
        volatile long bytesSent;
        volatile BinlogDump dump;

        Entry(long connectionId, String host) {
            this.connectionId = connectionId;
            this.host = host;
        }

        ReplicaInfo info() {
            return new ReplicaInfo(connectionId, serverId, uuid, host, reportHost, reportPort, user, requested, file,
                    position, bytesSent, connectedAt, dump != null);
        }
    }

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

    Entry add(long connectionId, String host) {
        Entry e = new Entry(connectionId, host);
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

    public int size() {
        return entries.size();
    }

    /** The connected clients that registered as replicas or started a dump. */
    public List<ReplicaInfo> replicas() {
        return entries.values().stream()
                .filter(e -> e.serverId != 0 || e.dump != null)
                .map(Entry::info)
                .sorted(Comparator.comparingLong(ReplicaInfo::connectionId))
                .toList();
    }
}
