package io.sluice.ingest.client;

import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.SslMode;
import io.sluice.model.protocol.MysqlException;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * TLS from Sluice's client to a real MySQL 8.0.31 started with the test PKI: each ssl mode against a server with a
 * certificate for 127.0.0.1, one with a certificate for another name, and one without TLS; accounts created
 * {@code REQUIRE SSL} and {@code REQUIRE X509}; caching_sha2_password's full authentication over TLS and over RSA.
 */
class SourceTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static TestCertificates certs;
    private static MysqlServer server;
    private static String sslPassword;
    private static String x509Password;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create(Files.createTempDirectory("sluice-source-tls"));
        server = MysqlServer.start(31, "--ssl-ca=" + certs.caPem(), "--ssl-cert=" + certs.serverCertPem(),
                "--ssl-key=" + certs.serverKeyPem());
        sslPassword = TestPasswords.fresh("tls-ssl");
        x509Password = TestPasswords.fresh("tls-x509");
        server.execute("SET SESSION sql_log_bin = 0",
                "CREATE USER 'repl_ssl'@'%' IDENTIFIED WITH caching_sha2_password BY '" + sslPassword
                        + "' REQUIRE SSL",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'repl_ssl'@'%'",
                "CREATE USER 'repl_x509'@'%' IDENTIFIED WITH caching_sha2_password BY '" + x509Password
                        + "' REQUIRE X509",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'repl_x509'@'%'");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ClientTls verify(SslMode mode, java.nio.file.Path ca) {
        return new ClientTls(mode, null, ca.toString(), null, null, null);
    }

    private static SourceClient connect(MysqlServer to, String user, String password, ClientTls tls)
            throws IOException {
        return SourceClient.connect(to.host(), to.port(), user, password, tls, TIMEOUT, TIMEOUT);
    }

    /** The session's TLS version as the server sees it; empty when the connection is not encrypted. */
    private static String serverSideTls(SourceClient c) throws IOException {
        return c.query("SHOW SESSION STATUS LIKE 'Ssl_version'").get(0).get(1);
    }

    @Test
    void verifyIdentityConnectsARequireSslAccountOverTls() throws Exception {
        try (SourceClient c = connect(server, "repl_ssl", sslPassword, verify(SslMode.VERIFY_IDENTITY,
                certs.caPem()))) {
            assertThat(c.tlsProtocol()).startsWith("TLSv1.");
            assertThat(serverSideTls(c)).isEqualTo(c.tlsProtocol());
            assertThat(c.queryValue("SELECT CURRENT_USER()")).isEqualTo("repl_ssl@%");
        }
    }

    @Test
    void preferredAndRequiredUseTlsWithoutCheckingTheCertificate() throws Exception {
        for (ClientTls tls : new ClientTls[] {ClientTls.PREFERRED,
                new ClientTls(SslMode.REQUIRED, null, null, null, null, null)}) {
            try (SourceClient c = connect(server, "repl_ssl", sslPassword, tls)) {
                assertThat(serverSideTls(c)).as("%s", tls).startsWith("TLSv1.");
            }
        }
    }

    @Test
    void verifyCaWithAnotherCaIsRefusedClearly() {
        MysqlException e = catchThrowableOfType(() -> connect(server, "repl_ssl", sslPassword,
                verify(SslMode.VERIFY_CA, certs.otherCaPem())), MysqlException.class);
        assertThat(e.code()).isEqualTo(2026);
        assertThat(e.getMessage()).contains("TLS to 127.0.0.1:" + server.port() + " failed (VERIFY_CA): the "
                + "server's certificate is not signed by the configured CA").doesNotContain(sslPassword);
    }

    @Test
    void disabledIsRefusedByMysqlForARequireSslAccount() {
        MysqlException e = catchThrowableOfType(() -> connect(server, "repl_ssl", sslPassword, ClientTls.DISABLED),
                MysqlException.class);
        assertThat(e.code()).isEqualTo(1045);
        assertThat(e.getMessage()).contains("Access denied for user 'repl_ssl'");
    }

    @Test
    void aRequireX509AccountNeedsTheClientCertificate() throws Exception {
        ClientTls withCert = new ClientTls(SslMode.VERIFY_IDENTITY, null, certs.caPem().toString(), null,
                certs.clientCertPem().toString(), certs.clientKeyPem().toString());
        try (SourceClient c = connect(server, "repl_x509", x509Password, withCert)) {
            assertThat(c.query("SHOW SESSION STATUS LIKE 'Ssl_version'").get(0).get(1)).startsWith("TLSv1.");
        }
        ClientTls inlineCert = new ClientTls(SslMode.REQUIRED, null, null, Files.readString(certs.clientCertPem()),
                null, certs.clientKeyPem().toString());
        try (SourceClient c = connect(server, "repl_x509", x509Password, inlineCert)) {
            assertThat(c.queryValue("SELECT CURRENT_USER()")).isEqualTo("repl_x509@%");
        }
        MysqlException e = catchThrowableOfType(() -> connect(server, "repl_x509", x509Password,
                verify(SslMode.VERIFY_IDENTITY, certs.caPem())), MysqlException.class);
        assertThat(e.code()).isEqualTo(1045);
    }

    @Test
    void cachingSha2FullAuthenticationOverTlsAndOverRsa() throws Exception {
        String password = TestPasswords.fresh("tls-full-auth");
        server.createUser("full_auth", password, "caching_sha2_password");
        for (ClientTls tls : new ClientTls[] {verify(SslMode.VERIFY_IDENTITY, certs.caPem()), ClientTls.DISABLED}) {
            // an empty cache forces full authentication: the password itself over TLS, RSA-encrypted without
            server.execute("FLUSH PRIVILEGES");
            try (SourceClient c = connect(server, "full_auth", password, tls)) {
                assertThat(serverSideTls(c)).as("%s", tls).isEqualTo(tls == ClientTls.DISABLED ? "" : c.tlsProtocol());
            }
            // the fast path, now that the server caches the account's hash
            try (SourceClient c = connect(server, "full_auth", password, tls)) {
                assertThat(c.queryValue("SELECT CURRENT_USER()")).isEqualTo("full_auth@%");
            }
            server.execute("FLUSH PRIVILEGES");
            MysqlException wrong = catchThrowableOfType(() -> connect(server, "full_auth", password + "x", tls),
                    MysqlException.class);
            assertThat(wrong.code()).as("%s", tls).isEqualTo(1045);
            assertThat(wrong.getMessage()).doesNotContain(password);
        }
    }

    @Test
    void verifyIdentityRefusesACertificateForAnotherNameThatVerifyCaAccepts() throws Exception {
        try (MysqlServer wrongName = MysqlServer.start(32, "--ssl-ca=" + certs.caPem(),
                "--ssl-cert=" + certs.wrongNameCertPem(), "--ssl-key=" + certs.wrongNameKeyPem())) {
            String password = TestPasswords.fresh("tls-wrong-name");
            wrongName.createUser("repl", password, "caching_sha2_password");
            MysqlException e = catchThrowableOfType(() -> connect(wrongName, "repl", password,
                    verify(SslMode.VERIFY_IDENTITY, certs.caPem())), MysqlException.class);
            assertThat(e.code()).isEqualTo(2026);
            assertThat(e.getMessage()).contains("TLS to 127.0.0.1:" + wrongName.port() + " failed (VERIFY_IDENTITY): "
                    + "the server's certificate does not name 127.0.0.1 (it names wrong.example)");
            try (SourceClient c = connect(wrongName, "repl", password, verify(SslMode.VERIFY_CA, certs.caPem()))) {
                assertThat(serverSideTls(c)).startsWith("TLSv1.");
            }
        }
    }

    @Test
    void requiredIsRefusedClearlyByAServerWithoutTlsThatPreferredUsesInPlain() throws Exception {
        try (MysqlServer plain = MysqlServer.start(33, "--tls-version=")) {
            String password = TestPasswords.fresh("tls-none");
            plain.createUser("repl", password, "caching_sha2_password");
            for (SslMode mode : new SslMode[] {SslMode.REQUIRED, SslMode.VERIFY_IDENTITY}) {
                ClientTls tls = mode == SslMode.REQUIRED ? new ClientTls(mode, null, null, null, null, null)
                        : verify(mode, certs.caPem());
                MysqlException e = catchThrowableOfType(() -> connect(plain, "repl", password, tls),
                        MysqlException.class);
                assertThat(e.code()).isEqualTo(2026);
                assertThat(e.getMessage()).contains("TLS to 127.0.0.1:" + plain.port() + " failed (" + mode
                        + "): the server does not offer TLS");
            }
            try (SourceClient c = connect(plain, "repl", password, ClientTls.PREFERRED)) {
                assertThat(c.tlsProtocol()).isNull();
                assertThat(serverSideTls(c)).isEmpty();
            }
        }
    }
}
