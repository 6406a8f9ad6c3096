package io.sluice.ingest;

import io.sluice.model.gtid.GtidSet;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Decides whether the syncer may stream from a server other than the one the topic followed (a failover candidate,
 * the group's primary, or a different server behind the configured address), by comparing GTID sets. Nothing is
 * written from a server this refuses.
 *
 * <p>With {@code topic} the topic's GTID set and {@code needed = executed − topic} what the server would send:
 * <ol>
 *   <li><b>Missing</b>: {@code topic − executed} must be empty. A server lacking transactions the topic has is
 *       behind (a replica that had not received them when the source died) or diverged; streaming from it would let
 *       the topic hold transactions the new source never had.</li>
 *   <li><b>Purged</b>: {@code purged − topic} must be empty: the server must still have in its binary logs every
 *       transaction it would have to send (otherwise it answers the dump with error 1236).</li>
 *   <li><b>Errant</b>: only when the server is not the one the topic followed. A GTID of {@code needed} is errant
 *       unless its UUID is
 *       <ul>
 *         <li>the {@code server_uuid} of the source the topic was following ({@code sluice.source.uuid} of the last
 *             checkpoint): the old source committed it but the topic had not received it yet — it is streamed now;
 *             when the topic does not say which source it followed, the UUIDs already in the topic count instead;</li>
 *         <li>the server's own {@code server_uuid}, <em>if it is not a replica</em> (no replication channel configured,
 *             {@code SHOW REPLICA STATUS} empty): that is a promoted primary, and these are the writes it took since
 *             its promotion — so the syncer takes the new primary whether it reaches it before or after the new
 *             primary's first writes. A server that still replicates from somewhere has no business with local
 *             writes: those are errant (the classic errant transaction of a replica);</li>
 *         <li>its Group Replication group's name (and view-change UUID), if it is an ONLINE member and the topic
 *             already holds transactions of that group: a group's transactions carry the group's UUID, not the
 *             member's.</li>
 *       </ul>
 *   </li>
 * </ol>
 * GTID sets alone cannot tell a promoted primary's new writes from errant writes made on it while it was still a
 * replica (before {@code RESET REPLICA ALL}); the rule accepts those. An empty topic has nothing to diverge from: every
 * server passes.
 */
final class SourceVetting {
    private SourceVetting() {
    }

    /**
     * The outcome for one server.
     *
     * @param missing GTIDs the topic has and the server lacks
     * @param purged  GTIDs the server would have to send but has purged
     * @param errant  GTIDs the server has, the topic lacks, and that do not come from a source the topic follows
     */
    record Verdict(GtidSet missing, GtidSet purged, GtidSet errant) {
        boolean accepted() {
            return missing.isEmpty() && purged.isEmpty() && errant.isEmpty();
        }

        /** Why the server is refused, naming the GTIDs; {@code null} when it is accepted. */
        String reason(SourceFacts facts, String followedUuid) {
            if (accepted()) {
                return null;
            }
            StringBuilder why = new StringBuilder("refused source ").append(facts.endpoint()).append(" (server_uuid ")
                    .append(facts.uuid()).append("): ");
            String sep = "";
            if (!missing.isEmpty()) {
                why.append("it lacks ").append(missing.count()).append(" transaction(s) the topic has, missing GTIDs ")
                        .append(missing);
                sep = "; ";
            }
            if (!purged.isEmpty()) {
                why.append(sep).append("it has purged transactions the topic lacks, purged GTIDs ").append(purged);
                sep = "; ";
            }
            if (!errant.isEmpty()) {
                why.append(sep).append("it has ").append(errant.count()).append(" errant transaction(s), not in the "
                        + "topic nor from the source it followed (").append(followedUuid).append(")")
                        .append(facts.replica() ? " nor written by it as a primary" : "")
                        .append(", errant GTIDs ").append(errant);
            }
            return why.toString();
        }
    }

    /**
     * @param topic        the topic's GTID set
     * @param followedUuid {@code server_uuid} of the source the topic followed, {@code null} if unknown
     * @param facts        what the server said
     */
    static Verdict vet(GtidSet topic, String followedUuid, SourceFacts facts) {
        if (topic.isEmpty()) {
            return new Verdict(GtidSet.EMPTY, GtidSet.EMPTY, GtidSet.EMPTY);
        }
        GtidSet missing = topic.subtract(facts.executed());
        GtidSet purged = facts.purged().subtract(topic);
        GtidSet errant = GtidSet.EMPTY;
        if (!facts.uuid().equalsIgnoreCase(String.valueOf(followedUuid))) {
            GtidSet needed = facts.executed().subtract(topic);
            Set<UUID> allowed = allowedUuids(topic, followedUuid, facts);
            GtidSet.Builder fromElsewhere = GtidSet.builder();
            for (UUID uuid : needed.uuids()) {
                if (!allowed.contains(uuid)) {
                    for (GtidSet.Interval interval : needed.intervals(uuid)) {
                        fromElsewhere.add(uuid, interval.start(), interval.end());
                    }
                }
            }
            errant = fromElsewhere.build();
        }
        return new Verdict(missing, purged, errant);
    }

    private static Set<UUID> allowedUuids(GtidSet topic, String followedUuid, SourceFacts facts) {
        Set<UUID> allowed = new LinkedHashSet<>();
        if (followedUuid != null) {
            allowed.add(UUID.fromString(followedUuid));
        } else {
            allowed.addAll(topic.uuids());
        }
        if (!facts.replica()) {
            allowed.add(UUID.fromString(facts.uuid()));
        }
        if (facts.groupOnline() && facts.groupName() != null) {
            UUID group = UUID.fromString(facts.groupName());
            if (topic.uuids().contains(group)) {
                allowed.add(group);
                if (facts.viewChangeUuid() != null) {
                    allowed.add(UUID.fromString(facts.viewChangeUuid()));
                }
            }
        }
        return allowed;
    }
}
