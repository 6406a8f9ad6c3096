package io.sluice.model.record;

/** A topic record that does not follow the format of {@code docs/topic-format.md}. */
public class TopicFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicFormatException(String message) {
        super(message);
    }

    public TopicFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
