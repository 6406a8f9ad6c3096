package io.sluice.app;

import io.dropwizard.testing.DropwizardTestSupport;
import io.sluice.model.protocol.CachingSha2AuthString;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS on the facade with real parts: a MySQL 8.0.31 source, Sluice (the Dropwizard app) on a real Kafka broker with
 * {@code facade.tls} and {@code requireSecureTransport}, a MySQL 8.0.31 replica that replicates through Sluice with
 * {@code SOURCE_SSL=1} and a verified certificate, and Connector/J with {@code sslMode=VERIFY_IDENTITY}. Accounts
 * in MySQL's own stored form are read from the real source ({@code HEX(authentication_string)}), which is also the
 * golden test of Sluice's SHA-256-crypt.
 */
class FacadeTlsIT {
    private static final String TOPIC = "sluice.binlog.tls";
    private static final String SYNCER_PASSWORD = TestPasswords.fresh("tls-syncer");
    private static final String REPL_PASSWORD = TestPasswords.fresh("tls-repl");
    private static final String OPS_PASSWORD = TestPasswords.fresh("tls-ops");
    private static final String STORED_PASSWORD = TestPasswords.fresh("tls-stored");
    private static final String CLI_PASSWORD = TestPasswords.fresh("tls-cli");
    private static TestCertificates certs;
    private static KafkaCluster kafka;
    private static MysqlServer source;
    private static DropwizardTestSupport<SluiceConfiguration> app;
    private static int facadePort;
    private static String storedHex;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("sluice-tls"));
        kafka = KafkaCluster.start(3); // Sluice refuses a topic with fewer replicas outside embedded mode
        source = MysqlServer.start(41);
        source.createUser("syncer", SYNCER_PASSWORD, "caching_sha2_password");
        source.createUser("stored", STORED_PASSWORD, "caching_sha2_password");
        storedHex = authenticationStringHex("stored");
        try (ServerSocket s = new ServerSocket(0)) {
            facadePort = s.getLocalPort();
        }
        Path config = TestApp.configFile(kafka.bootstrapServers(), TOPIC, facadePort, List.of(
                "tls:",
                "  certificate: " + certs.serverCertPem(),
                "  privateKey: " + certs.serverKeyPem(),
                "  requireSecureTransport: true",
                "users:",
                "  - user: repl",
                "    caching_sha2_password: \"" + hashPassword(REPL_PASSWORD, false) + "\"",
                "  - user: ops",
                "    role: admin",
                "    caching_sha2_password: \"" + hashPassword(OPS_PASSWORD, false) + "\"",
                "  - user: stored",
                "    caching_sha2_password: \"0x" + storedHex + "\"",
                "  - user: cli",
                "    caching_sha2_password: \"" + hashPassword(CLI_PASSWORD, true) + "\""), List.of());
        app = new DropwizardTestSupport<>(SluiceApplication.class, config.toString());
        app.before();
        HttpResponse<String> put = rest("PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", \"port\": "
                + source.port() + ", \"user\": \"syncer\", \"password\": \"" + SYNCER_PASSWORD
                + "\"}, \"serverId\": 1001}");
        assertThat(put.statusCode()).as(put.body()).isLessThan(300);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.after();
        }
        SluicePipeline.closeQuietly(source, kafka);
    }

    private static String authenticationStringHex(String user) {
        return source.queryString("SELECT HEX(authentication_string) FROM mysql.user WHERE user = '" + user + "'");
    }

    /** The caching_sha2_password value {@code sluice hash-password} prints: the hash, or MySQL's stored form. */
    private static String hashPassword(String password, boolean storedForm) {
        SluiceCli.Result r = SluiceCli.runWithInput(password + "\n", "hash-password", "--user", "x");
        assertThat(r.exitStatus()).as("%s", r).isZero();
        assertThat(r.out()).doesNotContain(password);
        Matcher m = Pattern.compile(storedForm ? "#  caching_sha2_password: \"(0x[0-9A-F]{140})\""
                : "\n  caching_sha2_password: \"([0-9a-f]{64})\"").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> rest(String method, String path, String body) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + app.getLocalPort() + path)).header("Content-Type", "application/json");
        b = body == null ? b.method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                : b.method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Connection connect(String user, String password, String sslMode) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + facadePort + "/?user=" + user + "&password="
                + password + "&sslMode=" + sslMode + "&trustCertificateKeyStoreUrl=" + certs.trustStore().toUri()
                + "&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword="
                + TestCertificates.STORE_PASSWORD + "&connectTimeout=5000&socketTimeout=30000");
    }

    /** The cipher suite of Connector/J's own socket; empty when it is not TLS. */
    private static String cipherSuite(Connection c) throws Exception {
        com.mysql.cj.NativeSession session = (com.mysql.cj.NativeSession) c
                .unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getSession();
        Socket socket = session.getProtocol().getSocketConnection().getMysqlSocket();
        return socket instanceof SSLSocket s ? s.getSession().getCipherSuite() : "";
    }

    private static long counter(String name) {
        return app.getEnvironment().metrics().counter("sluice.facade." + name).getCount();
    }

    private static int errorCode(ThrowingConnect connect) {
        try {
            connect.open().close();
        } catch (SQLException e) {
            return e.getErrorCode();
        }
        throw new AssertionError("the login succeeded");
    }

    @FunctionalInterface
    private interface ThrowingConnect {
        Connection open() throws SQLException;
    }

    @Test
    void aRealReplicaReplicatesThroughSluiceOverVerifiedTls() throws Exception {
        source.execute("CREATE DATABASE tls_db", "CREATE TABLE tls_db.t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO tls_db.t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        try (MysqlServer replica = MysqlServer.start(42)) {
            replica.startReplica("127.0.0.1", facadePort, "repl", REPL_PASSWORD, "SOURCE_SSL=1",
                    "SOURCE_SSL_CA='" + certs.caPem() + "'", "SOURCE_SSL_VERIFY_SERVER_CERT=1",
                    "SOURCE_AUTO_POSITION=1");
            source.execute("INSERT INTO tls_db.t VALUES (4, 'four')");
            replica.waitForGtids(source.gtidExecuted(), Duration.ofMinutes(2));
            assertThat(replica.query("SELECT id, v FROM tls_db.t ORDER BY id")).containsExactly(
                    List.of("1", "one"), List.of("2", "two"), List.of("3", "three"), List.of("4", "four"));
            Map<String, String> status = replica.replicaStatus();
            assertThat(status.get("Source_SSL_Allowed")).isEqualTo("Yes");
            assertThat(status.get("Source_SSL_Verify_Server_Cert")).isEqualTo("Yes");
            assertThat(status.get("Replica_IO_Running")).isEqualTo("Yes");
            assertThat(status.get("Last_IO_Errno")).isEqualTo("0");
        }
    }

    @Test
    void connectorJWithVerifyIdentityLogsInOverTlsAndRolesStillHold() throws Exception {
        try (Connection ops = connect("ops", OPS_PASSWORD, "VERIFY_IDENTITY");
             Connection repl = connect("repl", REPL_PASSWORD, "VERIFY_IDENTITY")) {
            assertThat(cipherSuite(ops)).startsWith("TLS_");
            assertThat(cipherSuite(repl)).startsWith("TLS_");
            long opsId;
            try (Statement st = ops.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                opsId = rs.getLong(1);
            }
            try (Statement st = repl.createStatement()) {
                assertThatThrownBy(() -> st.execute("KILL " + opsId)).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1095));
            }
        }
        assertThat(errorCode(() -> connect("repl", "not-" + REPL_PASSWORD, "VERIFY_IDENTITY"))).isEqualTo(1045);
        assertThat(errorCode(() -> connect("repl", REPL_PASSWORD, "DISABLED"))).isEqualTo(3159);
        // a client that trusts another CA refuses the facade's certificate
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + facadePort + "/?user=repl"
                + "&password=" + REPL_PASSWORD + "&sslMode=VERIFY_CA&trustCertificateKeyStoreUrl="
                + certs.otherTrustStore().toUri() + "&trustCertificateKeyStoreType=PKCS12"
                + "&trustCertificateKeyStorePassword=" + TestCertificates.STORE_PASSWORD).close())
                .isInstanceOf(SQLException.class);
    }

    @Test
    void mysqlsStoredFormTakesFullAuthenticationOnceThenTheFastPath() throws Exception {
        // golden: Sluice's SHA-256-crypt agrees with what the real MySQL stored for the password
        CachingSha2AuthString stored = CachingSha2AuthString.parseHex(storedHex);
        assertThat(stored.rounds()).isEqualTo(5000);
        assertThat(stored.matches(STORED_PASSWORD.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(stored.matches(("x" + STORED_PASSWORD).getBytes(StandardCharsets.UTF_8))).isFalse();

        long full = counter("auth.full");
        assertThat(errorCode(() -> connect("stored", "not-" + STORED_PASSWORD, "VERIFY_IDENTITY")))
                .isEqualTo(1045);
        assertThat(counter("auth.full")).as("a refused full authentication caches nothing").isEqualTo(full);
        try (Connection c = connect("stored", STORED_PASSWORD, "VERIFY_IDENTITY")) {
            assertThat(cipherSuite(c)).startsWith("TLS_");
        }
        assertThat(counter("auth.full")).as("the first login took full authentication").isEqualTo(full + 1);
        try (Connection c = connect("stored", STORED_PASSWORD, "VERIFY_IDENTITY")) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(counter("auth.full")).as("the second took the fast path").isEqualTo(full + 1);
        assertThat(errorCode(() -> connect("stored", "not-" + STORED_PASSWORD, "VERIFY_IDENTITY")))
                .as("a wrong password misses the cache and fails full authentication").isEqualTo(1045);
        // the form `sluice hash-password` prints works the same way
        try (Connection c = connect("cli", CLI_PASSWORD, "VERIFY_IDENTITY")) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(counter("auth.full")).isEqualTo(full + 2);
    }

    @Test
    void goldenSha256CryptAgainstMysqlForPasswordsOfSeveralLengths() {
        List<String> passwords = new ArrayList<>();
        passwords.add(TestPasswords.used("golden-pw"));                                  // under 32 bytes
        passwords.add(TestPasswords.fresh("golden-32") + "-abcdefghijk");               // past 32 bytes
        passwords.add(TestPasswords.used(TestPasswords.fresh("golden-long") + "é-" + TestPasswords.fresh("x")
                + TestPasswords.fresh("y") + TestPasswords.fresh("z")));                  // past 64 bytes, UTF-8
        for (int i = 0; i < passwords.size(); i++) {
            String user = "golden" + i;
            source.createUser(user, passwords.get(i), "caching_sha2_password");
            CachingSha2AuthString stored = CachingSha2AuthString.parseHex(authenticationStringHex(user));
            byte[] right = passwords.get(i).getBytes(StandardCharsets.UTF_8);
            assertThat(stored.matches(right)).as("password %d", i).isTrue();
            byte[] wrong = right.clone();
            wrong[wrong.length - 1] ^= 1;
            assertThat(stored.matches(wrong)).as("password %d, last bit flipped", i).isFalse();
        }
    }

    @Test
    void unusableTlsFilesStopTheNodeWithTheKeyAtFault() throws Exception {
        String missing = startError(certs.dir().resolve("missing.pem"), certs.serverKeyPem());
        assertThat(missing).contains("facade.tls.certificate").contains("missing.pem");
        String mismatched = startError(certs.serverCertPem(), certs.wrongNameKeyPem());
        assertThat(mismatched).contains("facade.tls.privateKey").contains("is not the private key");
        Path garbage = Files.writeString(certs.dir().resolve("garbage.pem"), "not a certificate\n");
        assertThat(startError(garbage, certs.serverKeyPem())).contains("facade.tls.certificate");

        Path noCert = TestApp.configFile(kafka.bootstrapServers(), "sluice.binlog.tls.bad", 0,
                List.of("tls:", "  requireSecureTransport: true"), List.of());
        SluiceCli.Result r = SluiceCli.run("check", noCert.toString());
        assertThat(r.exitStatus()).as("%s", r).isEqualTo(1);
        assertThat(r.out() + r.err()).contains("facade.tls.requireSecureTransport needs facade.tls.certificate");
    }

    private static String startError(Path certificate, Path key) throws Exception {
        Path config = TestApp.configFile(kafka.bootstrapServers(), "sluice.binlog.tls.bad", 0, List.of(
                "tls:", "  certificate: " + certificate, "  privateKey: " + key), List.of());
        DropwizardTestSupport<SluiceConfiguration> bad = new DropwizardTestSupport<>(SluiceApplication.class,
                config.toString());
        try {
            bad.before();
        } catch (Exception e) {
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            return messages.toString();
        } finally {
            bad.after();
        }
        throw new AssertionError("the node started with " + certificate + " and " + key);
    }
}
