package io.sluice.model.consumer;

/** The binlog topic does not exist on the Kafka cluster (or the consumer may not describe it). */
public final class UnknownTopicException extends BinlogConsumerException {
    private static final long serialVersionUID = 1L;

    public UnknownTopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
