package io.sluice.model.consumer;

/**
 * A source transaction is larger than {@link BinlogTopicConsumer.Options#maxTransactionBytes()}: the consumer refuses
 * it rather than run out of memory. Raise the limit (and the heap) to read it.
 */
public final class TransactionTooLargeException extends BinlogConsumerException {
    private static final long serialVersionUID = 1L;

    public TransactionTooLargeException(String message) {
        super(message);
    }
}
