package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-node KRaft cluster of real broker processes, made the way docs/kafka.md tells an operator to make one: from
 * the property templates {@code kafka-1..3.properties}, with the storage formatted by {@code kafka-storage.sh format
 * --add-scram} and each node started by {@code kafka-server-start.sh}.
 *
 * <p>There is no Kafka distribution here, so {@link #kafkaHome()} is a directory whose {@code bin/} holds the four
 * scripts Sluice's docs use ({@code kafka-storage.sh}, {@code kafka-server-start.sh}, {@code kafka-configs.sh},
 * {@code kafka-acls.sh}), each running the class the real script runs, from the Kafka jars of this JVM's class path.
 * Scripts written for a real installation ({@code sluice-kafka-setup.sh}) run against it unchanged.
 *
 * <p>The only changes made to a template are the ones its header asks an operator to make: host names (here
 * 127.0.0.1 with a free port per listener), {@code log.dirs}, and the admin password; a few lines appended for a
 * small test machine (heap-hungry defaults) are marked as such. Every broker's output goes to
 * {@code target/test-logs}, where the suite's secret scan reads it.
 */
public final class KafkaProcesses implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaProcesses.class);
    private static final int NODES = 3;

    /**
     * Jars put before the class path of the scripts' JVMs: the versions Kafka's tools need where the test's class path
     * has others (the module's build copies them there; Dropwizard's argparse4j 0.9.0 lacks classes that
     * kafka-storage.sh loads from 0.7.0).
     */
    public static final Path CLI_LIB = Path.of("target", "kafka-cli-lib");

    private final Path work;
    private final Path home;
    private final String adminPassword;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    private final Path[] configs = new Path[NODES];
    private final Process[] processes = new Process[NODES];
    private final Path[] logs = new Path[NODES];

    private KafkaProcesses(Path work, String adminPassword, int[] clientPorts, int[] controllerPorts) {
        this.controllerPorts = controllerPorts;
        this.work = work;
        this.home = work.resolve("kafka-home");
        this.adminPassword = adminPassword;
        this.clientPorts = clientPorts;
    }

    /**
     * Formats and starts the three nodes, and waits until the cluster has three brokers.
     *
     * @param templates     the directory with {@code kafka-1..3.properties} and {@code admin.properties}
     * @param work          a fresh directory for the nodes' data, configurations and scripts
     * @param adminPassword the password of the brokers' {@code admin} account
     * @return the running cluster
     */
    public static KafkaProcesses start(Path templates, Path work, String adminPassword) {
        int[] ports = FreePorts.take(2 * NODES);
        int[] client = {ports[0], ports[1], ports[2]};
        int[] controller = {ports[3], ports[4], ports[5]};
        KafkaProcesses cluster = new KafkaProcesses(work, adminPassword, client, controller);
        try {
            cluster.writeScripts();
            for (int n = 1; n <= NODES; n++) {
                Path config = work.resolve("kafka-" + n + ".properties");
                Files.writeString(config, render(Files.readString(templates.resolve("kafka-" + n + ".properties")),
                        n, client, controller, work.resolve("kafka-" + n + "-data"), adminPassword));
                cluster.configs[n - 1] = config;
            }
            Path admin = work.resolve("admin.properties");
            Files.writeString(admin, replaceOnce(Files.readString(templates.resolve("admin.properties")),
                    "CHANGE-ME-admin-password", adminPassword));
            String clusterId = cluster.tool("kafka-storage.sh", "random-uuid").trim();
            for (int n = 1; n <= NODES; n++) {
                cluster.tool("kafka-storage.sh", "format", "--cluster-id", clusterId,
                        "--config", cluster.configs[n - 1].toString(),
                        "--add-scram", "SCRAM-SHA-512=[name=admin,password=" + adminPassword + "]");
            }
            long begun = System.nanoTime();
            for (int n = 1; n <= NODES; n++) {
                cluster.startNode(n);
            }
            cluster.awaitBrokers(NODES, Duration.ofMinutes(3));
            LOG.info("three Kafka broker processes at {} ready in {} ms", cluster.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The template with its host names, ports, data directory and password set, and the test machine's lines. */
    static String render(String template, int node, int[] client, int[] controller, Path dataDir, String password) {
        String text = template;
        for (int n = 1; n <= NODES; n++) {
            text = text.replace("kafka-" + n + ":9092", "127.0.0.1:" + client[n - 1])
                    .replace("kafka-" + n + ":9093", "127.0.0.1:" + controller[n - 1]);
        }
        text = replaceOnce(text, "listeners=SASL_PLAINTEXT://:9092,CONTROLLER://:9093",
                "listeners=SASL_PLAINTEXT://127.0.0.1:" + client[node - 1] + ",CONTROLLER://127.0.0.1:"
                        + controller[node - 1]);
        text = replaceOnce(text, "log.dirs=/var/lib/kafka/data", "log.dirs=" + dataDir.toAbsolutePath());
        if (!text.contains("CHANGE-ME-admin-password")) {
            throw new IllegalStateException("the template of node " + node + " has no admin password to set");
        }
        text = text.replace("CHANGE-ME-admin-password", password);
        if (text.lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.matches(".*kafka-[123]:.*"))) {
            throw new IllegalStateException("the template of node " + node + " names a host not replaced");
        }
        return text + """

                # test machine only: the cleaner's 128 MiB dedupe buffer and Kafka's 1 GiB segments, in a 512 MiB heap
                log.cleaner.dedupe.buffer.size=4194304
                log.segment.bytes=67108864
                """;
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        if (at < 0 || text.indexOf(what, at + 1) >= 0) {
            throw new IllegalStateException("the template should hold '" + what + "' exactly once");
        }
        return text.replace(what, with);
    }

    private void writeScripts() throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path logback = home.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        script(bin, "kafka-server-start.sh", "-Xms256m -Xmx512m -XX:+UseSerialGC", "kafka.Kafka", logback);
        String tool = "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
        script(bin, "kafka-storage.sh", tool, "kafka.tools.StorageTool", logback);
        script(bin, "kafka-configs.sh", tool, "kafka.admin.ConfigCommand", logback);
        script(bin, "kafka-acls.sh", tool, "org.apache.kafka.tools.AclCommand", logback);
    }

    private static void script(Path bin, String name, String jvm, String mainClass, Path logback)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        if (Files.isDirectory(CLI_LIB)) {
            classPath = CLI_LIB.toAbsolutePath() + "/*:" + classPath;
        }
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n# what Kafka's " + name + " runs, from the test's class path\nexec '" + java
                + "' " + jvm + " -Dlogback.configurationFile='" + logback.toAbsolutePath() + "' -cp '"
                + classPath + "' " + mainClass + " \"$@\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Runs one of {@link #kafkaHome()}'s scripts to completion and returns its output.
     *
     * @param script the script's name, e.g. {@code kafka-acls.sh}
     * @param args   its arguments
     * @return what it printed
     * @throws IllegalStateException if it exits with another status than 0
     */
    public String tool(String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(script).toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " did not finish in 2 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(script + " " + args[0] + " exited with " + p.exitValue() + ": "
                        + out.replace(adminPassword, "<admin password>"));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void startNode(int n) throws IOException {
        Files.createDirectories(TestLogs.DIR);
        if (logs[n - 1] == null) {
            logs[n - 1] = TestLogs.DIR.resolve("kafka-process-" + n + "-" + clientPorts[n - 1] + ".log");
        }
        processes[n - 1] = new ProcessBuilder(home.resolve("bin").resolve("kafka-server-start.sh").toString(),
                configs[n - 1].toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs[n - 1].toFile()))
                .start();
    }

    /**
     * Waits until the cluster reports {@code count} brokers.
     *
     * @param count   the number of brokers
     * @param timeout how long to wait
     */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (int n = 1; n <= NODES; n++) {
                Process p = processes[n - 1];
                if (p != null && !p.isAlive() && p.exitValue() != 0 && p.exitValue() != 137 && p.exitValue() != 143) {
                    throw new IllegalStateException("Kafka node " + n + " exited with " + p.exitValue() + "; see "
                            + logs[n - 1].toAbsolutePath());
                }
            }
            try (Admin admin = Admin.create(adminProperties())) {
                int brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                if (brokers == count) {
                    return;
                }
                last = brokers + " brokers";
            } catch (Exception e) {
                last = String.valueOf(e);
            }
            sleep(500);
        }
        throw new IllegalStateException("the Kafka processes did not reach " + count + " brokers in " + timeout
                + " (" + last + "); see " + TestLogs.DIR.toAbsolutePath() + "/kafka-process-*.log");
    }

    /** @return the client listeners, {@code 127.0.0.1:port,...} */
    public String bootstrapServers() {
        StringBuilder b = new StringBuilder();
        for (int port : clientPorts) {
            b.append(b.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return b.toString();
    }

    /** @return the controller listeners, {@code 127.0.0.1:port,...} */
    public String controllerServers() {
        StringBuilder b = new StringBuilder();
        for (int port : controllerPorts) {
            b.append(b.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return b.toString();
    }

    /** @return a directory laid out like a Kafka installation's: {@code bin/kafka-*.sh} */
    public Path kafkaHome() {
        return home;
    }

    /** @return the admin client settings, {@code admin.properties} with its password set */
    public Path adminConfig() {
        return work.resolve("admin.properties");
    }

    /** @return client properties of the {@code admin} account, with the bootstrap servers */
    public Map<String, Object> adminProperties() {
        Properties p = new Properties();
        try (var in = Files.newInputStream(adminConfig())) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> map = new HashMap<>();
        p.forEach((k, v) -> map.put((String) k, v));
        map.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        map.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        map.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return map;
    }

    /**
     * SIGKILL of one node, as a crash or a pulled plug would be: no controlled shutdown, no leadership handed over.
     *
     * @param node 1, 2 or 3
     */
    public void kill(int node) {
        Process p = processes[node - 1];
        p.destroyForcibly();
        waitFor(p);
    }

    /**
     * Starts a node that was killed, on its data directory and ports.
     *
     * @param node 1, 2 or 3
     */
    public void restart(int node) {
        if (processes[node - 1].isAlive()) {
            throw new IllegalStateException("Kafka node " + node + " is running");
        }
        try {
            startNode(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops every node: SIGTERM (a controlled shutdown) to all three, then SIGKILL for any still running after 30 s,
     * since the last nodes of a quorum that stops together may wait for each other.
     */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Process p : processes) {
            if (p == null) {
                continue;
            }
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
