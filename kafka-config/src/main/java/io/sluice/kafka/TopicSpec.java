package io.sluice.kafka;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What Sluice needs of one of its topics: the settings it creates the topic with, and the bar an existing topic must
 * clear (see {@link TopicManager} for the rules).
 *
 * <p>A spec is valid only if a topic created from it would itself pass {@link TopicManager}'s checks, so an unsafe
 * topic cannot be created through Sluice either:
 * <ul>
 *   <li>{@code partitions} is always 1: the order of the topic is the order of the source's binlog, and Kafka orders
 *       records only within one partition;</li>
 *   <li>in embedded mode ({@code allowSingleReplica}) any replication factor from 1 is accepted, with
 *       {@code 1 <= minInsyncReplicas <= replicationFactor};</li>
 *   <li>otherwise {@code replicationFactor >= 3} and {@code 2 <= minInsyncReplicas < replicationFactor}.</li>
 * </ul>
 *
 * @param name               the topic name (Kafka's rules: 1 to 249 characters from {@code [a-zA-Z0-9._-]},
 *                           neither {@code .} nor {@code ..})
 * @param partitions         always 1
 * @param replicationFactor  copies of every record, on as many brokers
 * @param minInsyncReplicas  copies that must hold a record before the write is acknowledged ({@code acks=all})
 * @param maxMessageBytes    the topic's {@code max.message.bytes}: the largest record batch the broker accepts. The
 *                           producer's {@code max.request.size} is set to the same value (see
 *                           {@link KafkaClientDefaults}); a writer must keep each record's payload below it minus the
 *                           batch overhead ({@link #RECORD_BATCH_OVERHEAD_BYTES})
 * @param allowSingleReplica true only for the embedded single-node broker, where one copy is all there can be
 * @param retentionMs        {@code retention.ms} set at creation; empty leaves the broker default
 *                           ({@code log.retention.hours}, 168 h unless changed). Not verified on existing topics
 * @param retentionBytes     {@code retention.bytes} set at creation; empty leaves the broker default (unlimited unless
 *                           changed). Not verified on existing topics
 */
public record TopicSpec(
        String name,
        int partitions,
        short replicationFactor,
        int minInsyncReplicas,
        int maxMessageBytes,
        boolean allowSingleReplica,
        OptionalLong retentionMs,
        OptionalLong retentionBytes) {

    /** The replication factor of {@link #defaults(String)}: survives the loss of one broker with writes going on. */
    public static final short DEFAULT_REPLICATION_FACTOR = 3;

    /** The {@code min.insync.replicas} of {@link #defaults(String)}: every acknowledged write is on two brokers. */
    public static final int DEFAULT_MIN_INSYNC_REPLICAS = 2;

    /**
     * The default {@code max.message.bytes}: 16 MiB, the same as the embedded broker's {@code message.max.bytes}.
     * Source transactions larger than a record are split into chunks by the writer, so this bounds memory per record,
     * not the size of a transaction.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * A conservative allowance for the framing Kafka adds around records in a batch (batch header 61 bytes, per-record
     * varints and headers): a writer whose record key, value and headers together stay below
     * {@code maxMessageBytes - RECORD_BATCH_OVERHEAD_BYTES} never gets a {@code RecordTooLargeException}.
     */
    public static final int RECORD_BATCH_OVERHEAD_BYTES = 4096;

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * Creates a spec, checking it against the rules of the class comment.
     *
     * @param name               the topic name
     * @param partitions         must be 1
     * @param replicationFactor  copies of every record
     * @param minInsyncReplicas  copies needed to acknowledge a write
     * @param maxMessageBytes    the topic's {@code max.message.bytes}
     * @param allowSingleReplica true only in embedded mode
     * @param retentionMs        {@code retention.ms} at creation, or empty
     * @param retentionBytes     {@code retention.bytes} at creation, or empty
     * @throws IllegalArgumentException if a rule is broken
     */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(retentionMs, "retentionMs");
        Objects.requireNonNull(retentionBytes, "retentionBytes");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal topic name '" + name
                    + "': use 1 to 249 characters from [a-zA-Z0-9._-], not '.' or '..'");
        }
        if (partitions != 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be 1 (the order of the topic is "
                    + "the order of the binlog), not " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication factor must be at least 1, not "
                    + replicationFactor);
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("topic " + name + ": min.insync.replicas must be between 1 and the "
                    + "replication factor " + replicationFactor + ", not " + minInsyncReplicas);
        }
        if (!allowSingleReplica) {
            if (replicationFactor < 3) {
                throw new IllegalArgumentException("topic " + name + ": replication factor " + replicationFactor
                        + " outside embedded mode; Sluice needs at least 3 (with min.insync.replicas 2)");
            }
            if (minInsyncReplicas < 2 || minInsyncReplicas >= replicationFactor) {
                throw new IllegalArgumentException("topic " + name + ": min.insync.replicas " + minInsyncReplicas
                        + " with replication factor " + replicationFactor + "; it must be at least 2 and at most "
                        + (replicationFactor - 1));
            }
        }
        if (maxMessageBytes <= RECORD_BATCH_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("topic " + name + ": max.message.bytes must exceed "
                    + RECORD_BATCH_OVERHEAD_BYTES + ", not " + maxMessageBytes);
        }
        if (retentionMs.isPresent() && retentionMs.getAsLong() < -1) {
            throw new IllegalArgumentException("topic " + name + ": retention.ms must be -1 (forever) or positive");
        }
        if (retentionBytes.isPresent() && retentionBytes.getAsLong() < -1) {
            throw new IllegalArgumentException("topic " + name + ": retention.bytes must be -1 (unlimited) or positive");
        }
    }

    /**
     * The production spec: 1 partition, replication factor 3, {@code min.insync.replicas=2}, 16 MiB records, broker
     * default retention.
     *
     * @param name the topic name
     * @return the spec
     */
    public static TopicSpec defaults(String name) {
        return new TopicSpec(name, 1, DEFAULT_REPLICATION_FACTOR, DEFAULT_MIN_INSYNC_REPLICAS,
                DEFAULT_MAX_MESSAGE_BYTES, false, OptionalLong.empty(), OptionalLong.empty());
    }

    /**
     * The spec for the embedded single-node broker: 1 partition, replication factor 1, {@code min.insync.replicas=1},
     * 16 MiB records. Not highly available: the only copy of the data is on this machine's disk.
     *
     * @param name the topic name
     * @return the spec
     */
    public static TopicSpec embedded(String name) {
        return new TopicSpec(name, 1, (short) 1, 1, DEFAULT_MAX_MESSAGE_BYTES, true,
                OptionalLong.empty(), OptionalLong.empty());
    }

    /**
     * A copy with another replication factor and {@code min.insync.replicas}.
     *
     * @param newReplicationFactor  the replication factor
     * @param newMinInsyncReplicas  the {@code min.insync.replicas}
     * @return the new spec (validated)
     */
    public TopicSpec withReplication(int newReplicationFactor, int newMinInsyncReplicas) {
        if (newReplicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor too large: " + newReplicationFactor);
        }
        return new TopicSpec(name, partitions, (short) newReplicationFactor, newMinInsyncReplicas, maxMessageBytes,
                allowSingleReplica, retentionMs, retentionBytes);
    }

    /**
     * A copy with another {@code max.message.bytes}.
     *
     * @param newMaxMessageBytes the largest record batch, in bytes
     * @return the new spec (validated)
     */
    public TopicSpec withMaxMessageBytes(int newMaxMessageBytes) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, newMaxMessageBytes,
                allowSingleReplica, retentionMs, retentionBytes);
    }

    /**
     * A copy that sets {@code retention.ms} when the topic is created.
     *
     * @param ms the retention in milliseconds, or -1 for forever
     * @return the new spec (validated)
     */
    public TopicSpec withRetentionMs(long ms) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes,
                allowSingleReplica, OptionalLong.of(ms), retentionBytes);
    }

    /**
     * A copy that sets {@code retention.bytes} when the topic is created.
     *
     * @param bytes the retention in bytes, or -1 for unlimited
     * @return the new spec (validated)
     */
    public TopicSpec withRetentionBytes(long bytes) {
        return new TopicSpec(name, partitions, replicationFactor, minInsyncReplicas, maxMessageBytes,
                allowSingleReplica, retentionMs, OptionalLong.of(bytes));
    }
}
