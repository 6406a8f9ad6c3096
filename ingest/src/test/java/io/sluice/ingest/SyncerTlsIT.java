package io.sluice.ingest;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.SslMode;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sluice.ingest.SyncerAssertions.awaitTopicHas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The syncer over TLS: a source account created {@code REQUIRE SSL}, VERIFY_IDENTITY against the source's
 * certificate, the source's transactions in the topic and every connection of the account encrypted as the server
 * sees it; a certificate refused by VERIFY_CA stops the syncer at once, without retries.
 */
class SyncerTlsIT {
    private static final String TOPIC = "sluice.binlog.syncer-tls-it";
    private static final String USER = "repl_tls";
    private static TestCertificates certs;
    private static MysqlServer source;
    private static KafkaCluster kafka;
    private static String password;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("sluice-syncer-tls"));
        source = MysqlServer.start(41, "--ssl-ca=" + certs.caPem(), "--ssl-cert=" + certs.serverCertPem(),
                "--ssl-key=" + certs.serverKeyPem());
        password = TestPasswords.fresh("syncer-tls");
        source.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED WITH caching_sha2_password BY '" + password
                        + "' REQUIRE SSL",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO '" + USER + "'@'%'");
        kafka = KafkaCluster.start(1);
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(TOPIC));
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (source != null) {
            source.close();
        }
    }

    private SyncerConfig config(ClientTls tls) {
        TopicSpec spec = TopicSpec.embedded(TOPIC);
        return new SyncerConfig(source.host(), source.port(), USER, password, 1001, TOPIC, 1024 * 1024,
                4 * 1024 * 1024, Duration.ofMillis(100), Duration.ofSeconds(2),
                KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC, spec,
                        Map.of()),
                KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of())).withTls(tls);
    }

    @Test
    void aRequireSslAccountReplicatesIntoKafkaWithVerifyIdentity() {
        source.execute("CREATE DATABASE tls_app", "CREATE TABLE tls_app.t (id INT PRIMARY KEY, v VARCHAR(64))");
        for (int i = 0; i < 20; i++) {
            source.execute("INSERT INTO tls_app.t VALUES (" + i + ", 'row " + i + "')");
        }
        ClientTls tls = new ClientTls(SslMode.VERIFY_IDENTITY, null, certs.caPem().toString(), null, null, null);
        try (Syncer syncer = new Syncer(config(tls), null)) {
            syncer.start();
            awaitTopicHas(syncer, source.gtidExecuted(), Duration.ofSeconds(120));
            source.execute("UPDATE tls_app.t SET v = 'changed' WHERE id < 10");
            awaitTopicHas(syncer, source.gtidExecuted(), Duration.ofSeconds(60));
            assertThat(syncer.status().state()).isEqualTo(SyncerState.RUNNING);
            // the dump and the lag probe: every connection of the account is encrypted, as the server sees it
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<List<String>> sessions = source.query("SELECT t.PROCESSLIST_COMMAND, s.VARIABLE_VALUE "
                        + "FROM performance_schema.threads t JOIN performance_schema.status_by_thread s "
                        + "ON s.THREAD_ID = t.THREAD_ID AND s.VARIABLE_NAME = 'Ssl_version' "
                        + "WHERE t.PROCESSLIST_USER = '" + USER + "'");
                assertThat(sessions).as("sessions of %s", USER).hasSizeGreaterThanOrEqualTo(2)
                        .allSatisfy(row -> assertThat(row.get(1)).as("Ssl_version of %s", row).startsWith("TLSv1."));
                assertThat(sessions).anySatisfy(row -> assertThat(row.get(0)).startsWith("Binlog Dump"));
            });
        }
        TopicContent content = TopicContent.read(kafka.bootstrapServers(), TOPIC);
        assertThat(content.duplicates).isEmpty();
        assertThat(GtidSet.parse(source.gtidExecuted()).subtract(content.gtids)).isEqualTo(GtidSet.EMPTY);
        assertThat(content.badChecksums).isZero();
    }

    @Test
    void aCertificateRefusedByVerifyCaStopsTheSyncerWithoutRetrying() throws Exception {
        ClientTls otherCa = new ClientTls(SslMode.VERIFY_CA, null, certs.otherCaPem().toString(), null, null, null);
        try (Syncer syncer = new Syncer(config(otherCa), null)) {
            syncer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> syncer.state() == SyncerState.ERROR);
            SyncerStatus s = syncer.status();
            assertThat(s.lastErrorCode()).isEqualTo(2026);
            assertThat(s.lastError()).contains("TLS to 127.0.0.1:" + source.port() + " failed (VERIFY_CA): the "
                    + "server's certificate is not signed by the configured CA").doesNotContain(password);
            Thread.sleep(1500);
            assertThat(syncer.status().connectionAttempts()).as("attempts").isEqualTo(1);
            assertThat(syncer.state()).isEqualTo(SyncerState.ERROR);
        }
    }
}
