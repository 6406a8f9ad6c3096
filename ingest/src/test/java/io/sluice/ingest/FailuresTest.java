package io.sluice.ingest;

import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.MysqlProtocolException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {
    @Test
    void connectionFailuresAndRefusalsCountTowardsFailover() {
        assertThat(Failures.isSourceUnavailable(new ConnectException("Connection refused"))).isTrue();
        assertThat(Failures.isSourceUnavailable(new SocketException("Connection reset"))).isTrue();
        assertThat(Failures.isSourceUnavailable(new SocketTimeoutException("Read timed out"))).isTrue();
        assertThat(Failures.isSourceUnavailable(new EOFException("connection closed by the server"))).isTrue();
        assertThat(Failures.isSourceUnavailable(new MysqlException(1053, "08S01", "Server shutdown in progress")))
                .isTrue();
        assertThat(Failures.isSourceUnavailable(new SourceUnusableException("refused source x"))).isTrue();
    }

    @Test
    void protocolErrorsAndOtherMysqlErrorsDoNot() {
        assertThat(Failures.isSourceUnavailable(new MysqlProtocolException("CRC32 mismatch"))).isFalse();
        assertThat(Failures.isSourceUnavailable(new MysqlException(1236, "HY000", "purged"))).isFalse();
        assertThat(Failures.isSourceUnavailable(new IOException("something else"))).isFalse();
        assertThat(Failures.isSourceUnavailable(new TimeoutException("Kafka"))).isFalse();
    }

    @Test
    void aTlsFailureIsFatalAndDoesNotCountTowardsFailover() {
        MysqlException refused = new MysqlException(2026, "HY000", "SSL connection error: TLS to 127.0.0.1:3306 "
                + "failed (VERIFY_CA): the server's certificate is not signed by the configured CA");
        assertThat(Failures.isFatal(refused)).isTrue();
        assertThat(Failures.isFatal(new IOException("wrapped", refused))).isTrue();
        assertThat(Failures.isSourceUnavailable(refused)).isFalse();
        // a connection that breaks during the TLS handshake is an ordinary broken connection
        javax.net.ssl.SSLHandshakeException broken = new javax.net.ssl.SSLHandshakeException("Remote host terminated "
                + "the handshake");
        broken.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertThat(Failures.isFatal(broken)).isFalse();
        assertThat(Failures.isSourceUnavailable(broken)).isTrue();
    }

    @Test
    void kafkaFailuresAreKafkasAndNeverTheSources() {
        assertThat(Failures.isKafkaSide(new TimeoutException("Timeout expired while awaiting EndTxn"))).isTrue();
        assertThat(Failures.isKafkaSide(new KafkaException("error state", new NotEnoughReplicasException("isr"))))
                .isTrue();
        assertThat(Failures.isKafkaSide(new KafkaUnavailableException("tail", new IllegalStateException("t"))))
                .isTrue();
        assertThat(Failures.isKafkaSide(new ConnectException("Connection refused"))).isFalse();
        assertThat(Failures.isFatal(new ProducerFencedException("fenced"))).isTrue();
        assertThat(Failures.isFatal(new KafkaUnavailableException("x", new TimeoutException("t")))).isFalse();
        assertThat(Failures.isFatal(new SourceUnusableException("errant"))).isFalse();
    }
}
