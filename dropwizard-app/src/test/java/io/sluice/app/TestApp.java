package io.sluice.app;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Sluice started in-process on free loopback ports against an existing Kafka cluster, with a small REST client.
 */
final class TestApp implements AutoCloseable {
    /** The secrets key every node of this JVM's tests shares (nodes of one cluster need the same key). */
    static final String SECRETS_KEY = io.sluice.app.security.SecretBox.newKey();
    private final DropwizardTestSupport<SluiceConfiguration> support;
    private final HttpClient http = HttpClient.newHttpClient();
    final int facadePort;

    private TestApp(DropwizardTestSupport<SluiceConfiguration> support, int facadePort) {
        this.support = support;
        this.facadePort = facadePort;
    }

    /**
     * A node with the tests' shared secrets key.
     *
     * @param overrides further configuration, applied after (and so over) the test defaults
     */
    static TestApp start(String bootstrapServers, String topic, ConfigOverride... overrides) throws Exception {
        List<ConfigOverride> all = new ArrayList<>(List.of(ConfigOverride.config("secrets.key", SECRETS_KEY)));
        all.addAll(List.of(overrides));
        return launch(bootstrapServers, topic, all.toArray(ConfigOverride[]::new));
    }

    /**
     * A node with no secrets key unless {@code overrides} give one: it cannot store a source password. (Overrides
     * are system properties, shared by the apps of one JVM: the key is set to empty, which means none.)
     */
    static TestApp startWithoutSecretsKey(String bootstrapServers, String topic, ConfigOverride... overrides)
            throws Exception {
        List<ConfigOverride> given = new ArrayList<>(List.of(ConfigOverride.config("secrets.key", "")));
        given.addAll(List.of(overrides));
        return launch(bootstrapServers, topic, given.toArray(ConfigOverride[]::new));
    }

    private static TestApp launch(String bootstrapServers, String topic, ConfigOverride... overrides)
            throws Exception {
        int facadePort;
        try (ServerSocket s = new ServerSocket(0)) {
            facadePort = s.getLocalPort();
        }
        List<ConfigOverride> all = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("dataDir", Files.createTempDirectory("sluice-app").toString()),
                ConfigOverride.config("kafka.bootstrapServers", bootstrapServers),
                ConfigOverride.config("kafka.topic", topic),
                ConfigOverride.config("facade.bindHost", "127.0.0.1"),
                ConfigOverride.config("facade.port", Integer.toString(facadePort))));
        all.addAll(List.of(overrides));
        DropwizardTestSupport<SluiceConfiguration> support = new DropwizardTestSupport<>(SluiceApplication.class,
                loggingConfig(), all.toArray(ConfigOverride[]::new));
        support.before();
        return new TestApp(support, facadePort);
    }

    /** A node started from a configuration file such as {@link #configFile} writes, its facade on {@code facadePort}. */
    static TestApp start(java.nio.file.Path configFile, int facadePort) throws Exception {
        DropwizardTestSupport<SluiceConfiguration> support = new DropwizardTestSupport<>(SluiceApplication.class,
                configFile.toString());
        support.before();
        return new TestApp(support, facadePort);
    }

    /**
     * A configuration file for a node on loopback: free REST and admin ports, a fresh data directory, the Kafka
     * cluster and topic, the facade on {@code facadePort}; {@code facadeLines} go on in the {@code facade} section
     * (indented by two spaces), then the tests' logging section unless {@code moreLines} has one, then
     * {@code moreLines} at the top level. For settings that overrides cannot set, such as lists.
     */
    static java.nio.file.Path configFile(String bootstrapServers, String topic, int facadePort, List<String> facadeLines,
                                         List<String> moreLines) throws java.io.IOException {
        List<String> lines = new ArrayList<>(List.of(
                "server:",
                "  applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]",
                "  adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]",
                "dataDir: " + Files.createTempDirectory("sluice-app"),
                "kafka:",
                "  bootstrapServers: " + bootstrapServers,
                "  topic: " + topic,
                "secrets:",
                "  key: " + SECRETS_KEY,
                "facade:",
                "  bindHost: 127.0.0.1",
                "  port: " + facadePort));
        facadeLines.forEach(l -> lines.add("  " + l));
        if (moreLines.stream().noneMatch(l -> l.startsWith("logging:"))) {
            lines.addAll(LOGGING);
        }
        lines.addAll(moreLines);
        lines.add("");
        java.nio.file.Path file = Files.createTempFile("sluice-app", ".yml");
        Files.writeString(file, String.join("\n", lines), java.nio.charset.StandardCharsets.UTF_8);
        return file;
    }

    /**
     * The tests' logging section: the console at INFO as usual, and everything, Sluice at DEBUG, in
     * target/test-logs/app.log, which the suite's secret scan reads (Dropwizard replaces the logging of
     * logback-test.xml when an app starts).
     */
    private static final List<String> LOGGING = List.of(
            "logging:",
            "  level: INFO",
            "  loggers: {io.sluice: DEBUG, org.apache.kafka: WARN, kafka: WARN, state.change.logger: WARN}",
            "  appenders:",
            "    - {type: console, threshold: INFO}",
            "    - {type: file, currentLogFilename: " + io.sluice.testkit.TestLogs.DIR.resolve("app.log").toAbsolutePath()
                    + ", archive: false}");

    /**
     * A configuration file with only {@link #LOGGING} and Dropwizard's default connectors (overrides can change
     * what a file has, such as {@code server.applicationConnectors[0].port}, and cannot add to it), for apps whose
     * other settings are overrides.
     */
    static String loggingConfig() {
        List<String> lines = new ArrayList<>(List.of(
                "server:",
                "  applicationConnectors: [{type: http, port: 8080}]",
                "  adminConnectors: [{type: http, port: 8081}]"));
        lines.addAll(LOGGING);
        try {
            java.nio.file.Path file = Files.createTempFile("sluice-logging", ".yml");
            Files.writeString(file, String.join("\n", lines) + "\n", java.nio.charset.StandardCharsets.UTF_8);
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The REST port, for clients other than {@link #call}. */
    int restPort() {
        return support.getLocalPort();
    }

    /** The REST API's address. */
    String url() {
        return "http://127.0.0.1:" + support.getLocalPort();
    }

    /** A REST call; the response whatever its status. */
    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(support.getLocalPort(), method, path, body);
    }

    /**
     * A REST call with an {@code Authorization} header ({@code null}: none, as {@link #call(String, String, String)});
     * the response whatever its status.
     */
    HttpResponse<String> call(String method, String path, String body, String authorization) throws Exception {
        return call(support.getLocalPort(), method, path, body, authorization);
    }

    /** A GET on the admin port (metrics, health checks); the response whatever its status. */
    HttpResponse<String> admin(String path) throws Exception {
        return call(support.getAdminPort(), "GET", path, null);
    }

    /** A call on the admin port (tasks are POSTs) with an {@code Authorization} header, or {@code null} for none. */
    HttpResponse<String> admin(String method, String path, String authorization) throws Exception {
        return call(support.getAdminPort(), method, path, null, authorization);
    }

    /** The application's environment (metrics). */
    io.dropwizard.core.setup.Environment environment() {
        return support.getEnvironment();
    }

    /** The admin port. */
    int adminPort() {
        return support.getAdminPort();
    }

    private HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
        return call(port, method, path, body, null);
    }

    private HttpResponse<String> call(int port, String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        io.sluice.testkit.TestLogs.response(method + " " + path + " -> " + r.statusCode(), r.body());
        return r;
    }

    @Override
    public void close() {
        support.after();
    }
}
