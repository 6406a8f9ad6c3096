package io.sluice.kafka;

import java.util.List;
import java.util.Objects;

/**
 * Thrown when an existing topic has settings under which Sluice could lose or reorder binlog data (or could never
 * write). The message lists every such setting found, each with how to fix it, so an operator fixes them all in one
 * round; {@link #problems()} gives the same list for programs.
 */
public final class UnsafeTopicException extends RuntimeException {

    /** The topic that was refused. */
    private final String topic;
    /** One sentence per unsafe setting. */
    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param topic    the topic name
     * @param problems one sentence per unsafe setting, each saying how to fix it; not empty
     */
    public UnsafeTopicException(String topic, List<String> problems) {
        super(message(topic, problems));
        this.topic = topic;
        this.problems = List.copyOf(problems);
    }

    /** @return the topic that was refused */
    public String topic() {
        return topic;
    }

    /** @return one sentence per unsafe setting, each saying how to fix it */
    public List<String> problems() {
        return problems;
    }

    private static String message(String topic, List<String> problems) {
        Objects.requireNonNull(topic, "topic");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an UnsafeTopicException needs at least one problem");
        }
        StringBuilder sb = new StringBuilder("Sluice refuses to use topic ").append(topic).append(": ")
                .append(problems.size()).append(problems.size() == 1 ? " unsafe setting" : " unsafe settings");
        for (int i = 0; i < problems.size(); i++) {
            sb.append("\n  ").append(i + 1).append(". ").append(problems.get(i));
        }
        return sb.toString();
    }
}
