package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.app.security.PasswordHash;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code api.auth} on nodes in-process against a real three-broker Kafka cluster: a node with users and tokens that
 * protects reads, one that leaves reads open, and one with no credentials at all (mutating calls from loopback only),
 * on the REST port (Sluice's routes, kingbus's, the status page) and the admin port (metrics, tasks, health checks).
 * Every password and token comes from {@link TestPasswords}; no answer and no log line may hold one.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiAuthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BODIES = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> SECRETS = new ArrayList<>();
    private static KafkaCluster kafka;
    /** Each node logs to a file of its own (Dropwizard's file appender), which the tests read once it stopped. */
    private static final Path LOGS = Path.of("target", "test-logs");
    private static long started;
    private static TestApp guarded;
    private static String adminPassword;
    private static String readPassword;
    private static String adminToken;
    private static String readToken;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        adminPassword = TestPasswords.fresh("rest-admin");
        readPassword = TestPasswords.fresh("rest-read");
        adminToken = TestPasswords.fresh("rest-admin-token");
        readToken = TestPasswords.fresh("rest-read-token");
        SECRETS.addAll(List.of(adminPassword, readPassword, adminToken, readToken));
        guarded = node("sluice.binlog.auth1", true);
        started = System.nanoTime();
    }

    @AfterAll
    static void stop() {
        if (guarded != null) {
            guarded.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A node with the users ops (admin) and viewer (read) and the tokens ci (admin) and grafana (read). */
    private static TestApp node(String topic, boolean protectReads) throws Exception {
        int facadePort = freePort();
        List<String> lines = new ArrayList<>(logging(topic));
        lines.addAll(List.of(
                "api:",
                "  auth:",
                "    protectReads: " + protectReads,
                "    users:",
                "      - {user: ops, role: admin, hash: \"" + hash(adminPassword) + "\"}",
                "      - {user: viewer, role: read, hash: \"" + hash(readPassword) + "\"}",
                "    tokens:",
                "      - {name: ci, role: admin, sha256: \"" + io.sluice.app.security.ApiToken.sha256Hex(adminToken)
                        + "\"}",
                "      - {name: grafana, role: read, sha256: \""
                        + io.sluice.app.security.ApiToken.sha256Hex(readToken) + "\"}"));
        return TestApp.start(TestApp.configFile(kafka.bootstrapServers(), topic, facadePort, List.of(), lines),
                facadePort);
    }

    /** The node's log: the console, and {@link #logFile} (read once the node stopped: the appender is async). */
    private static List<String> logging(String topic) throws Exception {
        Files.createDirectories(LOGS);
        Files.deleteIfExists(logFile(topic));
        return List.of("logging:", "  appenders:", "    - {type: console}",
                "    - {type: file, currentLogFilename: \"" + logFile(topic) + "\", archive: false}");
    }

    private static Path logFile(String topic) {
        return LOGS.resolve("ApiAuthIT-" + topic + ".log").toAbsolutePath();
    }

    private static List<String> refusals(String topic, String address) throws Exception {
        return Files.readAllLines(logFile(topic)).stream()
                .filter(l -> l.contains("API refused") && l.contains("from " + address + ":")).toList();
    }

    private static String hash(String password) {
        return PasswordHash.create(password.toCharArray(), PasswordHash.MIN_ITERATIONS).toString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> rest(TestApp app, String method, String path, String body, String auth)
            throws Exception {
        HttpResponse<String> r = app.call(method, path, body, auth);
        BODIES.add(r.body());
        return r;
    }

    private static HttpResponse<String> admin(TestApp app, String method, String path, String auth)
            throws Exception {
        HttpResponse<String> r = app.admin(method, path, auth);
        BODIES.add(r.body());
        return r;
    }

    /** A 401 as the API answers it: both challenges, and a JSON error body with {@code message}. */
    private static void assertUnauthorized(HttpResponse<String> r, String message) throws Exception {
        assertThat(r.statusCode()).as("%s -> %s", r.request().uri(), r.body()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate"))
                .anySatisfy(v -> assertThat(v).startsWith("Basic realm=\"sluice\""))
                .anySatisfy(v -> assertThat(v).startsWith("Bearer realm=\"sluice\""));
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("code").asInt()).isEqualTo(401);
        assertThat(body.path("message").asText()).contains(message);
    }

    private static void assertForbidden(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as("%s -> %s", r.request().uri(), r.body()).isEqualTo(403);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("code").asInt()).isEqualTo(403);
        assertThat(body.path("message").asText()).contains("needs an admin credential");
    }

    private static long counter(TestApp app, String name) {
        return app.environment().metrics().counter(name).getCount();
    }

    @Test
    @Order(1)
    void withoutCredentialsNothingIsAnsweredButTheHealthChecks() throws Exception {
        for (String path : List.of("/api/v1/syncer", "/api/v1/cluster", "/binlog/syncer/status", "/members",
                "/status/")) {
            assertUnauthorized(rest(guarded, "GET", path, null, null), "needs credentials");
        }
        assertUnauthorized(rest(guarded, "POST", "/api/v1/syncer/stop", null, null), "needs credentials");
        HttpResponse<String> withBody = rest(guarded, "PUT", "/api/v1/binlog/retention", "{\"retentionMs\": 1000000}",
                null);
        assertUnauthorized(withBody, "needs credentials");
        // its body is not read: the answer says the connection closes, so the client opens a new one for the next
        assertThat(withBody.headers().firstValue("Connection")).hasValue("close");
        assertUnauthorized(rest(guarded, "DELETE", "/api/v1/replicas/1", null, null), "needs credentials");
        assertUnauthorized(rest(guarded, "PUT", "/binlog/syncer/stop", null, null), "needs credentials");
        assertUnauthorized(rest(guarded, "POST", "/members", "{}", null), "needs credentials");
        for (String path : List.of("/metrics", "/prometheus", "/threads")) {
            assertUnauthorized(admin(guarded, "GET", path, null), "needs credentials");
        }
        assertUnauthorized(admin(guarded, "POST", "/tasks/gc", null), "needs credentials");
        // load balancers probe without credentials (api.auth.openHealthChecks, on by default)
        assertThat(admin(guarded, "GET", "/ping", null).statusCode()).isEqualTo(200);
        assertThat(admin(guarded, "GET", "/healthcheck", null).statusCode()).isIn(200, 500);
        assertThat(counter(guarded, "sluice.api.auth.missing")).isGreaterThanOrEqualTo(14);
    }

    @Test
    @Order(2)
    void wrongOrMalformedCredentialsAre401CountedAndLoggedOncePerMinute() throws Exception {
        String wrong = TestPasswords.fresh("rest-wrong");
        SECRETS.add(wrong);
        long before = counter(guarded, "sluice.api.auth.failures");
        assertUnauthorized(rest(guarded, "GET", "/api/v1/syncer", null, basic("ops", wrong)),
                "unknown user or wrong password");
        assertUnauthorized(rest(guarded, "POST", "/api/v1/syncer/stop", null, basic("ops", wrong)),
                "unknown user or wrong password");
        assertUnauthorized(rest(guarded, "GET", "/api/v1/syncer", null, basic("nobody", adminPassword)),
                "unknown user or wrong password");
        assertUnauthorized(rest(guarded, "GET", "/api/v1/syncer", null, "Bearer " + wrong), "unknown bearer token");
        assertUnauthorized(admin(guarded, "POST", "/tasks/gc", "Bearer " + wrong), "unknown bearer token");
        assertUnauthorized(rest(guarded, "GET", "/api/v1/syncer", null, "Basic " + wrong),
                "not valid Basic or Bearer credentials");
        assertUnauthorized(rest(guarded, "GET", "/api/v1/syncer", null, "Digest username=\"ops\""),
                "scheme is not supported");
        assertThat(counter(guarded, "sluice.api.auth.failures")).isEqualTo(before + 7);
        // the log lines are checked once the node has stopped (theGuardedNodesLog…)
    }

    @Test
    @Order(3)
    void aReadOnlyCredentialReadsAndIsRefusedEveryChange() throws Exception {
        for (String auth : List.of(basic("viewer", readPassword), "Bearer " + readToken)) {
            for (String path : List.of("/api/v1/syncer", "/api/v1/cluster", "/api/v1/replicas",
                    "/binlog/syncer/status", "/members", "/status/")) {
                assertThat(rest(guarded, "GET", path, null, auth).statusCode()).as(path).isEqualTo(200);
            }
            assertThat(admin(guarded, "GET", "/metrics", auth).statusCode()).isEqualTo(200);
            assertThat(admin(guarded, "GET", "/prometheus", auth).statusCode()).isEqualTo(200);
            assertForbidden(rest(guarded, "PUT", "/api/v1/syncer", "{}", auth));
            assertForbidden(rest(guarded, "POST", "/api/v1/syncer/stop", null, auth));
            assertForbidden(rest(guarded, "POST", "/api/v1/facade/stop", null, auth));
            assertForbidden(rest(guarded, "PUT", "/api/v1/binlog/retention", "{\"retentionMs\": 1000000}", auth));
            assertForbidden(rest(guarded, "POST", "/api/v1/binlog/purge", "{\"toFile\": \"binlog.000001\"}", auth));
            assertForbidden(rest(guarded, "DELETE", "/api/v1/replicas/1", null, auth));
            assertForbidden(rest(guarded, "PUT", "/binlog/syncer/stop", null, auth));
            assertForbidden(rest(guarded, "PUT", "/binlog/server/stop", null, auth));
            assertForbidden(rest(guarded, "POST", "/members", "{}", auth));
            assertForbidden(admin(guarded, "POST", "/tasks/gc", auth));
        }
        // the facade was never stopped
        assertThat(JSON.readTree(rest(guarded, "GET", "/api/v1/facade", null, "Bearer " + readToken).body())
                .path("state").asText()).isEqualTo("RUNNING");
        assertThat(counter(guarded, "sluice.api.auth.forbidden")).isEqualTo(20);
    }

    @Test
    @Order(4)
    void anAdminUserAndAnAdminTokenChangeThings() throws Exception {
        String user = basic("ops", adminPassword);
        String token = "Bearer " + adminToken;
        // past the filter, each route answers as it does without authentication
        assertThat(rest(guarded, "POST", "/api/v1/syncer/stop", null, user).statusCode()).isEqualTo(200);
        assertThat(rest(guarded, "POST", "/api/v1/syncer/start", null, token).statusCode()).isEqualTo(409);
        assertThat(rest(guarded, "PUT", "/api/v1/binlog/retention", "{\"retentionMs\": 86400000}", user)
                .statusCode()).isEqualTo(200);
        assertThat(rest(guarded, "DELETE", "/api/v1/replicas/424242", null, token).statusCode()).isEqualTo(404);
        // Dropwizard's bean validation of the body, past the filter
        assertThat(rest(guarded, "PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"\"}}", user).statusCode())
                .isEqualTo(422);
        HttpResponse<String> kingbusStop = rest(guarded, "PUT", "/binlog/syncer/stop", null, token);
        assertThat(kingbusStop.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(kingbusStop.body()).path("message").asText()).isEqualTo("success");
        assertThat(rest(guarded, "PUT", "/binlog/syncer/start", "{\"mysql_addr\": \"127.0.0.1:1\", "
                + "\"mysql_user\": \"repl\", \"semi_sync\": true}", user).statusCode()).isEqualTo(400);
        assertThat(rest(guarded, "POST", "/members", "{}", token).statusCode()).isEqualTo(405);
        assertThat(admin(guarded, "POST", "/tasks/gc", user).statusCode()).isEqualTo(200);
        assertThat(admin(guarded, "POST", "/tasks/gc", token).statusCode()).isEqualTo(200);
        assertThat(admin(guarded, "GET", "/threads", token).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void statusSendsATokenFromTheEnvironmentOrAFileOrAUserWithItsPassword() throws Exception {
        SluiceCli.Result none = SluiceCli.runWithEnvironment(Map.of(), "status", "--url", guarded.url());
        assertThat(none.exitStatus()).as("%s", none).isEqualTo(2);
        assertThat(none.err()).contains("HTTP 401").contains("SLUICE_API_TOKEN").contains("--token-file");

        SluiceCli.Result env = SluiceCli.runWithEnvironment(Map.of("SLUICE_API_TOKEN", readToken), "status",
                "--url", guarded.url(), "--json");
        assertThat(env.exitStatus()).as("%s", env).isEqualTo(0);
        assertThat(JSON.readTree(env.out()).path("cluster").path("members").isArray()).isTrue();

        Path file = Files.createTempFile("sluice-token", ".txt");
        Files.writeString(file, readToken + "\n");
        SluiceCli.Result fromFile = SluiceCli.runWithEnvironment(Map.of("SLUICE_API_TOKEN",
                TestPasswords.fresh("rest-ignored-token")), "status", "--url", guarded.url(), "--token-file",
                file.toString());
        assertThat(fromFile.exitStatus()).as("%s", fromFile).isEqualTo(0);
        assertThat(fromFile.out()).startsWith("Sluice node at " + guarded.url());

        SluiceCli.Result user = SluiceCli.runWithEnvironment(Map.of("SLUICE_API_PASSWORD", readPassword), "status",
                "--url", guarded.url(), "--user", "viewer");
        assertThat(user.exitStatus()).as("%s", user).isEqualTo(0);

        String wrong = TestPasswords.fresh("rest-status-wrong");
        SECRETS.add(wrong);
        SluiceCli.Result bad = SluiceCli.runWithEnvironment(Map.of("SLUICE_API_TOKEN", wrong), "status", "--url",
                guarded.url());
        assertThat(bad.exitStatus()).as("%s", bad).isEqualTo(2);
        assertThat(bad.err()).contains("credentials are wrong");
        for (SluiceCli.Result r : List.of(none, env, fromFile, user, bad)) {
            for (String secret : SECRETS) {
                assertThat(r.out() + r.err()).doesNotContain(secret);
            }
        }
    }

    /**
     * Once the guarded node has stopped (its file appender flushed): one refusal line a minute for 127.0.0.1, and no
     * password or token in any answer or log line.
     */
    @Test
    @Order(6)
    void theGuardedNodesLogHoldsOneRefusalAMinuteAndNoSecret() throws Exception {
        long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - started);
        guarded.close();
        guarded = null;
        assertThat(refusals("sluice.binlog.auth1", "127.0.0.1")).hasSizeBetween(1, (int) minutes + 1)
                .allSatisfy(l -> assertThat(l).contains("WARN"));
        assertThat(BODIES).isNotEmpty();
        List<String> lines = Files.readAllLines(logFile("sluice.binlog.auth1"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("api.auth: 2 user(s), 2 token(s)"));
        for (String secret : SECRETS) {
            assertThat(BODIES).noneMatch(b -> b.contains(secret));
            assertThat(lines).noneMatch(l -> l.contains(secret));
        }
    }

    @Test
    @Order(7)
    void withReadsOpenOnlyChangesNeedCredentialsEvenFromLoopback() throws Exception {
        TestApp open = node("sluice.binlog.auth2", false);
        try {
            assertThat(rest(open, "GET", "/api/v1/syncer", null, null).statusCode()).isEqualTo(200);
            assertThat(rest(open, "GET", "/status/", null, null).statusCode()).isEqualTo(200);
            assertThat(admin(open, "GET", "/metrics", null).statusCode()).isEqualTo(200);
            assertUnauthorized(rest(open, "POST", "/api/v1/syncer/stop", null, null), "needs credentials");
            assertUnauthorized(rest(open, "PUT", "/binlog/syncer/stop", null, null), "needs credentials");
            assertUnauthorized(admin(open, "POST", "/tasks/gc", null), "needs credentials");
            assertThat(rest(open, "POST", "/api/v1/syncer/stop", null, "Bearer " + adminToken).statusCode())
                    .isEqualTo(200);
        } finally {
            open.close();
        }
    }

    /**
     * Without credentials, changes come from this host only. Tests reach servers on loopback only, so the refusal of
     * a caller from elsewhere is proved by {@code ApiAuthFilterTest} on the filter's decision with such addresses;
     * here, that a local caller may change things, but not a page of another site in a local browser, and that the
     * node says at start what it accepts.
     */
    @Test
    @Order(8)
    void withoutCredentialsChangesComeFromThisHostOnly() throws Exception {
        int facadePort = freePort();
        Path config = TestApp.configFile(kafka.bootstrapServers(), "sluice.binlog.auth3", facadePort, List.of(),
                logging("sluice.binlog.auth3"));
        TestApp local = TestApp.start(config, facadePort);
        try {
            assertThat(rest(local, "GET", "/api/v1/syncer", null, null).statusCode()).isEqualTo(200);
            assertThat(rest(local, "POST", "/api/v1/syncer/stop", null, null).statusCode()).isEqualTo(200);
            assertThat(rest(local, "PUT", "/binlog/syncer/stop", null, null).statusCode()).isEqualTo(200);
            assertThat(admin(local, "POST", "/tasks/gc", null).statusCode()).isEqualTo(200);
            assertThat(counter(local, "sluice.api.auth.missing")).isEqualTo(0);

            // a page of another site, in a browser on this host, may not use that to stop the node
            HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + local.restPort() + "/api/v1/syncer/stop"))
                    .header("Origin", "https://evil.example")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            BODIES.add(forged.body());
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(forged.body()).path("message").asText()).contains("another site");
            assertThat(counter(local, "sluice.api.auth.forbidden")).isEqualTo(1);
        } finally {
            local.close();
        }
        assertThat(refusals("sluice.binlog.auth3", "127.0.0.1")).singleElement()
                .satisfies(l -> assertThat(l).contains("POST /api/v1/syncer/stop").contains("another site"));
        assertThat(Files.readAllLines(logFile("sluice.binlog.auth3")))
                .filteredOn(l -> l.contains("WARN") && l.contains("ApiAuthSetup")).singleElement()
                .satisfies(l -> assertThat(l).contains("from this host only (127.0.0.1, ::1)")
                        .contains("api.auth.users"));
    }
}
