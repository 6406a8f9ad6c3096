package io.sluice.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Sluice node as a real process: {@code java -jar target/sluice.jar server node.yml}, on free loopback ports,
 * against an existing Kafka cluster. {@link #kill()} is a SIGKILL, as a crash would be.
 */
final class SluiceNode implements AutoCloseable {
    private static final Path JAR = Path.of("target", "sluice.jar");
    private final String name;
    private final Path dir;
    private final int restPort;
    private final int facadePort;
    private final java.util.List<String> command;
    private final java.util.Map<String, String> environment;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private SluiceNode(String name, Path dir, int restPort, int facadePort, java.util.List<String> command,
                       java.util.Map<String, String> environment, String authorization) {
        this.name = name;
        this.dir = dir;
        this.restPort = restPort;
        this.facadePort = facadePort;
        this.command = command;
        this.environment = environment;
        this.authorization = authorization;
    }

    /**
     * Starts a node the way an operator does from the release archive: {@code bin/sluice server <config>} in the
     * unpacked installation {@code home}, with the environment {@code environment} (the variables the file names)
     * and {@code -Ddw.} overrides in {@code SLUICE_JAVA_OPTS} that put its ports on free loopback ones and set
     * {@code overrides} (key without {@code dw.} to value). Its REST calls carry {@code authorization}.
     */
    static SluiceNode startInstalled(String name, Path home, Path config, Path parent,
                                     java.util.Map<String, String> overrides, java.util.Map<String, String> environment,
                                     String authorization) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createDirectories(parent.resolve(name));
            int[] ports = io.sluice.testkit.FreePorts.take(3);
            java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-Ddw.server.applicationConnectors[0].port=" + ports[0],
                    "-Ddw.server.applicationConnectors[0].bindHost=127.0.0.1",
                    "-Ddw.server.adminConnectors[0].port=" + ports[1],
                    "-Ddw.server.adminConnectors[0].bindHost=127.0.0.1",
                    "-Ddw.facade.bindHost=127.0.0.1",
                    "-Ddw.facade.port=" + ports[2],
                    "-Ddw.cluster.advertisedHost=127.0.0.1"));
            overrides.forEach((k, v) -> options.add("-Ddw." + k + "=" + v));
            java.util.Map<String, String> env = new java.util.HashMap<>(environment);
            env.put("SLUICE_JAVA_OPTS", String.join(" ", options));
            env.put("JAVA_HOME", System.getProperty("java.home"));
            SluiceNode node = new SluiceNode(name, dir, ports[0], ports[2],
                    java.util.List.of(home.resolve("bin").resolve("sluice").toString(), "server", config.toString()),
                    env, authorization);
            try {
                node.launch();
                return node;
            } catch (PortTakenException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Starts a node; a port taken between choosing and binding it (a race with other processes) is retried. */
    static SluiceNode start(String name, String bootstrap, String topic, Path parent) throws Exception {
        return start(name, bootstrap, topic, parent, java.util.Map.of());
    }

    /**
     * Starts a node whose Kafka clients get {@code kafkaProperties} ({@code kafka.properties}: SASL and the like);
     * values are written single-quoted, as docs/configuration.md tells operators to write {@code sasl.jaas.config}.
     */
    static SluiceNode start(String name, String bootstrap, String topic, Path parent,
                            java.util.Map<String, String> kafkaProperties) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(name, bootstrap, topic, parent, kafkaProperties);
            } catch (PortTakenException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** The node could not bind one of its ports. */
    static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    private static SluiceNode startOnce(String name, String bootstrap, String topic, Path parent,
                                        java.util.Map<String, String> kafkaProperties) throws Exception {
        StringBuilder properties = new StringBuilder();
        kafkaProperties.forEach((k, v) -> properties.append("\n    ").append(k).append(": '")
                .append(v.replace("'", "''")).append('\''));
        Path dir = Files.createDirectories(parent.resolve(name));
        int[] ports = io.sluice.testkit.FreePorts.take(3);
        int rest = ports[0];
        int admin = ports[1];
        int facade = ports[2];
        String yaml = """
                server:
                  applicationConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  adminConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                dataDir: %s
                secrets:
                  key: %s
                kafka:
                  bootstrapServers: "%s"
                  topic: %s
                  properties:%s
                facade:
                  bindHost: 127.0.0.1
                  port: %d
                cluster:
                  nodeId: %s
                  advertisedHost: 127.0.0.1
                  sessionTimeoutMs: 6000
                  heartbeatMs: 500
                logging:
                  level: INFO
                  loggers: {org.apache.kafka: WARN, kafka: WARN, io.sluice: DEBUG}
                """.formatted(rest, admin, dir.resolve("data"), TestApp.SECRETS_KEY, bootstrap, topic,
                        properties.length() == 0 ? " {}" : properties, facade, name);
        Files.writeString(dir.resolve("node.yml"), yaml);
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the integration tests through "
                    + "Maven (mvn verify), which packages it first");
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SluiceNode node = new SluiceNode(name, dir, rest, facade, java.util.List.of(javaBin, "-Xmx384m",
                "-XX:+UseSerialGC", "-jar", JAR.toAbsolutePath().toString(), "server", dir.resolve("node.yml").toString()),
                java.util.Map.of(), null);
        node.launch();
        return node;
    }

    private void launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile()));
        pb.environment().putAll(environment);
        process = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                if (Files.readString(dir.resolve("node.log")).contains("Address already in use")) {
                    throw new PortTakenException("node " + name + " found a port taken");
                }
                throw new IllegalStateException("node " + name + " exited with " + process.exitValue() + "; see "
                        + dir.resolve("node.log"));
            }
            try {
                if (get("/api/v1/cluster").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("node " + name + " did not start within 90 s; see " + dir.resolve("node.log"));
    }

    String name() {
        return name;
    }

    int facadePort() {
        return facadePort;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return kept("GET " + path, http.send(request(path).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
        return kept("PUT " + path, http.send(request(path)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    /** The answer, kept for the suite's secret scan. */
    private static HttpResponse<String> kept(String call, HttpResponse<String> r) {
        io.sluice.testkit.TestLogs.response(call + " -> " + r.statusCode(), r.body());
        return r;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no leaving the group, no OFFLINE record. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a clean shutdown. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    Path log() {
        return dir.resolve("node.log");
    }

    /** Stops the node and keeps its log under target/test-logs for the suite's secret scan. */
    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            stop();
        }
        try {
            Files.createDirectories(io.sluice.testkit.TestLogs.DIR);
            Files.copy(log(), io.sluice.testkit.TestLogs.DIR.resolve("node-" + name + "-" + restPort + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "SluiceNode[" + name + ", rest " + restPort + ", facade " + facadePort + "]";
    }

}
