package io.sluice.ingest;

import io.sluice.kafka.UnsafeTopicException;
import io.sluice.model.protocol.MysqlException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Decides whether a syncer failure is worth retrying or needs an operator, and which side failed. */
public final class Failures {
    private Failures() {
    }

    /**
     * Fatal: errors from the source that a reconnect will not cure (1236: the source cannot serve our position;
     * 1045: access denied; 1227/1044: missing privilege; 1236-like refusals; 2026: TLS cannot be had as the ssl
     * mode demands — a certificate refused, a source without TLS for REQUIRED and above, TLS settings that cannot be
     * read on this node —, which retrying would only repeat), a fenced producer (another syncer
     * took over), an unsafe topic, Kafka authentication or authorisation failures. Everything else — a reset
     * connection, a timeout, a Kafka broker that is away — is retriable.
     */
    public static boolean isFatal(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MysqlException e) {
                return switch (e.code()) {
                    case 1236, 1045, 1044, 1227, 1251, 1698, 3009, 2026 -> true;
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

    /**
     * Whether a (non-fatal) failure is Kafka's: a Kafka client exception anywhere in the causes (a send or commit that
     * timed out, too few in-sync replicas, no leader), or the position or producer could not be set up. The syncer
     * pauses on these; they never count against the source.
     */
    public static boolean isKafkaSide(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof KafkaUnavailableException || c instanceof KafkaException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure says the source is unreachable or unusable, the kind that counts towards failing over: the
     * connection was refused, reset, timed out or closed, the host is unknown or unreachable, the server refused
     * connections (1040 too many connections, 1053 shutting down, 1129 host blocked, 3032 offline mode), our
     * connection was killed (1927), or the server failed the GTID checks. Not: protocol errors (a bad checksum, a
     * malformed packet), which a reconnect to the same source is the answer to, nor fatal errors.
     */
    public static boolean isSourceUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MysqlException e) {
                return switch (e.code()) {
                    case 1040, 1053, 1129, 1927, 3032 -> true;
                    default -> false;
                };
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || c instanceof UnknownHostException || c instanceof SocketTimeoutException
                    || c instanceof SocketException || c instanceof EOFException
                    || c instanceof SourceUnusableException) {
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
