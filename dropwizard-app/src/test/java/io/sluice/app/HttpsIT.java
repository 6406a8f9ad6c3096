package io.sluice.app;

import io.sluice.app.security.ApiToken;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * HTTPS through Dropwizard's own connector, with the key store's password taken from an environment variable by the
 * configuration's substitution ({@code ${SLUICE_KEYSTORE_PASSWORD}}). A JVM cannot set its own environment, so the
 * node is a child process ({@code java -cp <test classpath> io.sluice.app.SluiceApplication server file}) with the
 * variable set, against a real Kafka cluster in this JVM; its output goes to {@code target/test-logs}, where the
 * secret scan reads it. The clients verify the certificate (the test CA, and the name 127.0.0.1).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpsIT {
    private static KafkaCluster kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aNodeAnswersOverTlsWithTheKeyStorePasswordFromTheEnvironment() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        // the testkit's stores share a fixed password; this node's gets a fresh one, for the secret scan
        String storePassword = TestPasswords.fresh("keystore");
        Path keyStore = restore(certs.serverKeyStore(), dir.resolve("node.p12"), storePassword);
        String adminToken = TestPasswords.fresh("https-admin-token");
        int restPort = freePort();
        Path config = dir.resolve("sluice.yml");
        Files.writeString(config, String.join("\n", List.of(
                "server:",
                "  applicationConnectors:",
                "    - type: https",
                "      port: " + restPort,
                "      bindHost: 127.0.0.1",
                "      keyStorePath: " + keyStore,
                "      keyStorePassword: ${SLUICE_KEYSTORE_PASSWORD}",
                "      keyStoreType: PKCS12",
                "  adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]",
                "dataDir: " + dir.resolve("data"),
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  topic: sluice.binlog.https",
                "facade:",
                "  bindHost: 127.0.0.1",
                "  port: " + freePort(),
                "api:",
                "  auth:",
                "    tokens:",
                "      - {name: ci, role: admin, sha256: \"" + ApiToken.sha256Hex(adminToken) + "\"}",
                "")), StandardCharsets.UTF_8);
        assertThat(Files.readString(config)).doesNotContain(storePassword);

        Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve("HttpsIT-node.log");
        ProcessBuilder node = sluice("server", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        node.environment().put("SLUICE_KEYSTORE_PASSWORD", storePassword);
        Process process = node.start();
        try {
            HttpClient verifying = client(certs.trustStore());
            URI syncer = URI.create("https://127.0.0.1:" + restPort + "/api/v1/syncer");
            HttpResponse<String> answer = awaitAnswer(verifying, syncer, process, log);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"state\"");
            assertThat(answer.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLSv1."));

            // authentication over TLS: a change without credentials, then with the admin token
            URI start = URI.create("https://127.0.0.1:" + restPort + "/api/v1/syncer/start");
            assertThat(verifying.send(HttpRequest.newBuilder(start).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(verifying.send(HttpRequest.newBuilder(start).POST(HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(409);

            // a client that trusts another CA refuses the node's certificate
            Throwable untrusted = catchThrowable(() -> client(certs.otherTrustStore()).send(
                    HttpRequest.newBuilder(syncer).build(), HttpResponse.BodyHandlers.ofString()));
            assertThat(untrusted).isInstanceOf(SSLHandshakeException.class);
            // and plain HTTP gets no API answer on the TLS port
            Throwable plain = catchThrowable(() -> {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + restPort + "/api/v1/syncer")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isNotEqualTo(200);
            });
            assertThat(plain).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(
                    IOException.class));
        } finally {
            stopNode(process);
        }
        assertThat(Files.readString(log)).doesNotContain(storePassword).doesNotContain(adminToken);
    }

    @Test
    void aVariableThatIsNotSetStopsTheStartNamingIt() throws Exception {
        Path config = dir.resolve("unset.yml");
        Files.writeString(config, "facade:\n  metadataBackend: {host: db, user: meta, "
                + "password: \"${SLUICE_TEST_UNSET_VARIABLE}\"}\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("check.txt");
        ProcessBuilder check = sluice("check", config.toString()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        check.environment().remove("SLUICE_TEST_UNSET_VARIABLE");
        Process process = check.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(out)).contains("SLUICE_TEST_UNSET_VARIABLE")
                .doesNotContain("Configuration is OK");

        String password = TestPasswords.fresh("backend");
        ProcessBuilder set = sluice("check", config.toString()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        set.environment().put("SLUICE_TEST_UNSET_VARIABLE", password);
        Process ok = set.start();
        assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).as(Files.readString(out)).isEqualTo(0);
        assertThat(Files.readString(out)).contains("Configuration is OK").doesNotContain(password);
    }

    private static ProcessBuilder sluice(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                SluiceApplication.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** The PKCS#12 store {@code from} (the testkit's password) again, under {@code password}. */
    private static Path restore(Path from, Path to, String password) throws Exception {
        char[] testkit = TestCertificates.STORE_PASSWORD.toCharArray();
        KeyStore source = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(from)) {
            source.load(in, testkit);
        }
        KeyStore target = KeyStore.getInstance("PKCS12");
        target.load(null, null);
        Key key = source.getKey("server", testkit);
        Certificate[] chain = source.getCertificateChain("server");
        target.setKeyEntry("server", key, password.toCharArray(), chain);
        try (OutputStream out = Files.newOutputStream(to)) {
            target.store(out, password.toCharArray());
        }
        return to;
    }

    /** A client that trusts the CA in {@code trustStore} only and checks the server's name (HttpClient's default). */
    private static HttpClient client(Path trustStore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, TestCertificates.STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The first answer of the node, which needs some seconds to start; fails early if the process dies. */
    private static HttpResponse<String> awaitAnswer(HttpClient client, URI uri, Process process, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the node exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (SSLHandshakeException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the node did not answer at " + uri + " within 120 s:\n" + Files.readString(log),
                last);
    }

    private static void stopNode(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
