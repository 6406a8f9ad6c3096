package io.sluice.kafka;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link TopicManager#verify(org.apache.kafka.clients.admin.Admin, TopicSpec, java.time.Duration)} found, for a
 * caller that wants a report rather than a refusal (an operator checking a topic before any node uses it): whether
 * the topic exists and, if it does, every setting {@link TopicManager}'s rules look at with its effective value and,
 * for an unsafe one, what is wrong and the command that fixes it.
 *
 * @param topic       the topic name
 * @param exists      false when the topic does not exist; {@code checks} and {@code information} are then empty
 * @param checks      one entry per setting the rules judge, in the order of {@link TopicManager}'s class comment
 * @param information settings shown but not judged ({@code retention.ms}, {@code retention.bytes},
 *                    {@code compression.type}) with their effective values, in that order; a setting the broker did
 *                    not report is absent
 */
public record TopicVerification(String topic, boolean exists, List<Check> checks, Map<String, String> information) {

    /** The name {@link #checks()} gives the partition count. */
    public static final String PARTITIONS = "partitions";

    /** The name {@link #checks()} gives the replication factor (the smallest replica count of any partition). */
    public static final String REPLICATION_FACTOR = "replication.factor";

    /**
     * One setting as the rules judged it.
     *
     * @param setting the topic config's name, or {@link #PARTITIONS} or {@link #REPLICATION_FACTOR}
     * @param value   its effective value as the cluster reports it ({@code ?} when the cluster reported none)
     * @param problem {@code null} when the setting is safe; otherwise what is wrong and how to fix it, the same
     *                sentence {@link UnsafeTopicException} carries
     */
    public record Check(String setting, String value, String problem) {
        public Check {
            Objects.requireNonNull(setting, "setting");
            Objects.requireNonNull(value, "value");
        }

        /** @return whether the setting is safe */
        public boolean ok() {
            return problem == null;
        }
    }

    /**
     * Creates a verification.
     *
     * @param topic       the topic name
     * @param exists      whether the topic exists
     * @param checks      the judged settings (empty when the topic does not exist)
     * @param information the settings shown for information, in display order
     */
    public TopicVerification {
        Objects.requireNonNull(topic, "topic");
        checks = List.copyOf(checks);
        information = Collections.unmodifiableMap(new LinkedHashMap<>(information));
        if (!exists && !checks.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist, so it has no settings to check");
        }
    }

    /** @return whether the topic exists and passes every rule */
    public boolean safe() {
        return exists && checks.stream().allMatch(Check::ok);
    }

    /** @return one sentence per unsafe setting, each saying how to fix it; empty when none is unsafe */
    public List<String> problems() {
        return checks.stream().filter(c -> !c.ok()).map(Check::problem).toList();
    }
}
