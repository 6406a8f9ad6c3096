package io.sluice.model.consumer;

/**
 * A {@link BinlogTopicConsumer} cannot go on: the topic is missing or has the wrong shape, the start point is no
 * longer in it, or a transaction is larger than the consumer accepts. (Records that break the topic format throw
 * {@link io.sluice.model.record.TopicFormatException} instead.) Kafka's own errors pass through unchanged.
 */
public class BinlogConsumerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BinlogConsumerException(String message) {
        super(message);
    }

    public BinlogConsumerException(String message, Throwable cause) {
        super(message, cause);
    }
}
