package io.sluice.ingest;

import io.sluice.kafka.UnsafeTopicException;
import io.sluice.model.protocol.MysqlException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;

/** Decides whether a syncer failure is worth retrying or needs an operator. */
public final class Failures {
    private Failures() {
    }

    /**
     * Fatal: errors from the source that a reconnect will not cure (1236: the source cannot serve our position;
     * 1045: access denied; 1227/1044: missing privilege; 1236-like refusals), a fenced producer (another syncer
     * took over), an unsafe topic, Kafka authentication or authorisation failures. Everything else — a reset
     * connection, a timeout, a Kafka broker that is away — is retriable.
     */
    public static boolean isFatal(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MysqlException e) {
                return switch (e.code()) {
                    case 1236, 1045, 1044, 1227, 1251, 1698, 3009 -> true;
                    default -> false;
                };
            }
            if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException
                    || c instanceof UnsafeTopicException || c instanceof AuthenticationException
                    || c instanceof AuthorizationException || c instanceof SourceRefusedException) {
                return true;
            }
        }
        return false;
    }

    /** The MySQL error code in a failure's causes, or 0. */
    public static int mysqlCode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MysqlException e) {
                return e.code();
            }
        }
        return 0;
    }
}
