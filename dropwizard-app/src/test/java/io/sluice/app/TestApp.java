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
    private final DropwizardTestSupport<SluiceConfiguration> support;
    private final HttpClient http = HttpClient.newHttpClient();
    final int facadePort;

    private TestApp(DropwizardTestSupport<SluiceConfiguration> support, int facadePort) {
        this.support = support;
        this.facadePort = facadePort;
    }

    /** @param overrides further configuration, applied after (and so over) the test defaults */
    static TestApp start(String bootstrapServers, String topic, ConfigOverride... overrides) throws Exception {
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
                (String) null, all.toArray(ConfigOverride[]::new));
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
     * (indented by two spaces), then {@code moreLines} at the top level. For settings that overrides cannot set, such
     * as lists.
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
                "facade:",
                "  bindHost: 127.0.0.1",
                "  port: " + facadePort));
        facadeLines.forEach(l -> lines.add("  " + l));
        lines.addAll(moreLines);
        lines.add("");
        java.nio.file.Path file = Files.createTempFile("sluice-app", ".yml");
        Files.writeString(file, String.join("\n", lines), java.nio.charset.StandardCharsets.UTF_8);
        return file;
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
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        support.after();
    }
}
