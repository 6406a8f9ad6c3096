package io.sluice.ingest;

/**
 * Kafka could not be used to recover the position or to start a producer (brokers down, too few in-sync replicas, a
 * timeout). The syncer pauses until Kafka takes writes again.
 */
final class KafkaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
