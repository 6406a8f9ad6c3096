package io.sluice.app;

import io.sluice.testkit.TestLogs;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installation tarball as an operator uses it: unpacked with {@code tar}, {@code bin/sluice} run as a real
 * process (through {@code /bin/sh}, which is dash on Debian) with the example configurations, an embedded node
 * started and stopped with SIGTERM as systemd stops it, and the systemd unit checked against the tarball's layout
 * (and by {@code systemd-analyze verify} where it is installed).
 */
class PackagingIT {
    private static final String UNIT = "systemd/sluice.service";

    @TempDir
    static Path dir;
    /** The unpacked installation, {@code sluice-<version>/}: what /opt/sluice is on a host. */
    private static Path home;

    /** What a process did. */
    record Exit(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(dir.toString()).as("SLUICE_JAVA_OPTS is split at spaces").doesNotContain(" ");
        // one top directory, or it fails saying what it found
        home = SluiceInstallation.unpack(dir.resolve("opt"));
    }

    @Test
    void theTarballHasTheLayoutTheLauncherAndTheUnitExpect() throws Exception {
        Path launcher = home.resolve("bin/sluice");
        assertThat(Files.getPosixFilePermissions(launcher)).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.readAllLines(launcher).get(0)).isEqualTo("#!/bin/sh");
        assertThat(home.resolve("lib/sluice.jar")).isRegularFile()
                .hasSameBinaryContentAs(Path.of("target", "sluice.jar"));
        for (String file : List.of("config/embedded.yml", "config/existing-cluster.yml",
                "config/sluice.env.example", UNIT, "README.md", "docs/deployment.md", "docs/configuration.md")) {
            assertThat(home.resolve(file)).isRegularFile();
        }
        // the broker templates and the account script (docs/kafka.md), as kafka-config has them
        Path templates = Path.of("..", "kafka-config", "src", "main", "kafka");
        try (Stream<Path> files = Files.list(templates)) {
            List<Path> all = files.toList();
            assertThat(all).as("kafka-config's templates").isNotEmpty();
            for (Path t : all) {
                Path shipped = home.resolve("config/kafka").resolve(t.getFileName().toString());
                assertThat(shipped).hasSameTextualContentAs(t);
                if (t.toString().endsWith(".sh")) {
                    assertThat(Files.getPosixFilePermissions(shipped)).contains(PosixFilePermission.OWNER_EXECUTE);
                }
            }
        }
    }

    @Test
    void withoutArgumentsTheLauncherPrintsItsUsage() throws Exception {
        Exit usage = sluice(Map.of(), List.of());
        assertThat(usage.status()).as("%s", usage).isEqualTo(2);
        assertThat(usage.err()).startsWith("usage: sluice <command>").contains("server [config.yml]")
                .contains("SLUICE_JAVA_OPTS");
        assertThat(usage.out()).isEmpty();
        if (Files.isExecutable(Path.of("/usr/bin/dash"))) {
            ProcessBuilder dash = new ProcessBuilder("/usr/bin/dash", home.resolve("bin/sluice").toString());
            environment(dash, Map.of());
            Exit withDash = run(dash, "dash-usage");
            assertThat(withDash).isEqualTo(usage);
        }
    }

    @Test
    void decodeRefusesABadPropertiesFileWithStatusTwo() throws Exception {
        Path file = Files.createTempFile("decoder", ".properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:1\nsluice.decoder.mode=sideways\n");
        Exit bad = sluice(Map.of(), List.of("decode", file.toString()));
        assertThat(bad.status()).as("%s", bad).isEqualTo(2);
        assertThat(bad.err()).contains("cannot start the decoder: sluice.decoder.mode must be one-topic or"
                + " topic-per-table, not sideways").contains("the decoder did not start");
        assertThat(sluice(Map.of(), List.of()).err()).contains("decode decoder.properties");
        Files.delete(file);
    }

    @Test
    void theExampleConfigurationsPassCheck() throws Exception {
        // embedded.yml needs no environment; with no -Xmx given, the launcher's default heap (1 GiB)
        Exit embedded = sluice(Map.of("SLUICE_JAVA_OPTS", "-XshowSettings:vm"),
                List.of("check", home.resolve("config/embedded.yml").toString()));
        assertThat(embedded.status()).as("%s", embedded).isEqualTo(0);
        assertThat(embedded.out()).contains("Configuration is OK");
        assertThat(embedded.err()).contains("Max. Heap Size: 1.00G");

        // existing-cluster.yml reads its Kafka password and token hash from the environment; -Xmx given wins
        String kafkaPassword = TestPasswords.fresh("packaging-kafka");
        String token = TestPasswords.fresh("packaging-token");
        Map<String, String> env = Map.of("SLUICE_KAFKA_PASSWORD", kafkaPassword,
                "SLUICE_API_TOKEN_SHA256", HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))),
                "SLUICE_JAVA_OPTS", "-XshowSettings:vm -Xmx300m");
        Exit cluster = sluice(env, List.of("check", home.resolve("config/existing-cluster.yml").toString()));
        assertThat(cluster.status()).as("%s", cluster).isEqualTo(0);
        assertThat(cluster.out()).contains("Configuration is OK");
        assertThat(cluster.err()).contains("Max. Heap Size: 300.00M");

        // strict substitution: without the password the file is refused, naming the variable
        Map<String, String> noPassword = new LinkedHashMap<>(env);
        noPassword.remove("SLUICE_KAFKA_PASSWORD");
        Exit refused = sluice(noPassword, List.of("check", home.resolve("config/existing-cluster.yml").toString()));
        assertThat(refused.status()).as("%s", refused).isEqualTo(1);
        assertThat(refused.out() + refused.err()).contains("SLUICE_KAFKA_PASSWORD");
    }

    @Test
    void theLauncherFollowsASymlinkToItsInstallation() throws Exception {
        Path link = Files.createDirectories(dir.resolve("usr-local-bin")).resolve("sluice");
        Files.createSymbolicLink(link, home.resolve("bin/sluice"));
        ProcessBuilder pb = new ProcessBuilder(link.toString(), "check", home.resolve("config/embedded.yml")
                .toString());
        environment(pb, Map.of());
        Exit check = run(pb, "symlink-check");
        assertThat(check.status()).as("%s", check).isEqualTo(0);
        assertThat(check.out()).contains("Configuration is OK");
    }

    @Test
    void aJavaHomeWithoutJavaIsRefusedInOneLine() throws Exception {
        Path nothing = dir.resolve("no-such-jdk");
        Exit refused = sluice(Map.of("JAVA_HOME", nothing.toString()),
                List.of("check", home.resolve("config/embedded.yml").toString()));
        assertThat(refused.status()).as("%s", refused).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err().lines().toList()).as("%s", refused).hasSize(1);
        assertThat(refused.err()).startsWith("sluice: JAVA_HOME is " + nothing).contains("Java 17 or later");
    }

    @Test
    void anEmbeddedNodeStartsAndStopsOnSigterm() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                runEmbeddedNode(attempt);
                return;
            } catch (PortTakenException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** The node could not bind one of its ports (a race with other processes for a free port): tried again. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    private void runEmbeddedNode(int attempt) throws Exception {
        int[] ports = io.sluice.testkit.FreePorts.take(4);
        int rest = ports[0];
        int admin = ports[1];
        int facade = ports[2];
        int kafka = ports[3];
        // the working directory stands for /var/lib/sluice; -Ddw overrides put the example's ports on free
        // loopback ones and its dataDir in the temporary directory
        Path work = Files.createDirectories(dir.resolve("node-" + attempt));
        Path data = work.resolve("data");
        String opts = String.join(" ", "-Xmx384m", "-XX:+UseSerialGC",
                "-Ddw.dataDir=" + data,
                "-Ddw.server.applicationConnectors[0].port=" + rest,
                "-Ddw.server.applicationConnectors[0].bindHost=127.0.0.1",
                "-Ddw.server.adminConnectors[0].port=" + admin,
                "-Ddw.server.adminConnectors[0].bindHost=127.0.0.1",
                "-Ddw.facade.bindHost=127.0.0.1",
                "-Ddw.facade.port=" + facade,
                "-Ddw.kafka.embeddedPort=" + kafka);
        Path log = work.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/sluice").toString(), "server",
                home.resolve("config/embedded.yml").toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb, Map.of("SLUICE_JAVA_OPTS", opts));
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            HttpResponse<String> health = null;
            while (health == null || health.statusCode() != 200) {
                if (!process.isAlive()) {
                    if (Files.readString(log).contains("Address already in use")) {
                        throw new PortTakenException("the node found a port taken");
                    }
                    throw new AssertionError("the node exited with " + process.exitValue() + "; see " + log);
                }
                assertThat(System.nanoTime()).as("/healthcheck answers 200 within 120 s; last answer %s, see %s",
                        health == null ? "none" : health.statusCode() + " " + health.body(), log).isLessThan(deadline);
                try {
                    health = get(http, admin, "/healthcheck");
                } catch (IOException e) {
                    // not listening yet
                }
                if (health == null || health.statusCode() != 200) {
                    Thread.sleep(250);
                }
            }
            assertThat(Files.isDirectory(data.resolve("kafka"))).as("the embedded broker's log under dataDir")
                    .isTrue();
            // the launcher execs java: the process systemd signals is the JVM itself, not a shell
            assertThat(process.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));

            HttpResponse<String> syncer = get(http, rest, "/api/v1/syncer");
            assertThat(syncer.statusCode()).as("%s", syncer.body()).isEqualTo(200);
            assertThat(syncer.body()).contains("\"state\":\"STOPPED\"");

            long start = System.nanoTime();
            process.destroy(); // SIGTERM, as systemctl stop sends
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the node exits within 30 s of SIGTERM; see %s",
                    log).isTrue();
            assertThat(process.exitValue()).as("exit status after SIGTERM (the unit's SuccessExitStatus)")
                    .isIn(0, 143);
            String output = Files.readString(log);
            assertThat(output).contains("Started oejs.Server").contains("Stopped oejs.Server")
                    .contains("Embedded Kafka at 127.0.0.1:" + kafka + " shut down");
            System.out.printf("node stopped %d ms after SIGTERM%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            Files.createDirectories(TestLogs.DIR);
            Files.copy(log, TestLogs.DIR.resolve("packaging-server-" + rest + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void theSystemdUnitMatchesTheTarball() throws Exception {
        Path unit = home.resolve(UNIT);
        Map<String, String> service = section(unit, "Service");
        // /opt/sluice is the unpacked tarball: its ExecStart is the tarball's launcher
        assertThat(service.get("ExecStart")).isEqualTo("/opt/sluice/bin/sluice server /etc/sluice/sluice.yml");
        String installed = service.get("ExecStart").split(" ")[0];
        assertThat(installed).startsWith("/opt/sluice/");
        assertThat(home.resolve(installed.substring("/opt/sluice/".length()))).isExecutable();
        assertThat(service).containsEntry("User", "sluice").containsEntry("Group", "sluice")
                .containsEntry("EnvironmentFile", "-/etc/sluice/sluice.env")
                .containsEntry("WorkingDirectory", "/var/lib/sluice")
                .containsEntry("Restart", "on-failure")
                .containsEntry("NoNewPrivileges", "true")
                .containsEntry("ProtectSystem", "strict")
                .containsEntry("ProtectHome", "true")
                .containsEntry("PrivateTmp", "true")
                .containsKeys("TimeoutStopSec", "LimitNOFILE");
        assertThat(service.get("SuccessExitStatus").split(" ")).as("how the JVM exits on SIGTERM").contains("143");
        List<String> writable = List.of(service.get("ReadWritePaths").split(" "));
        assertThat(writable).containsExactlyInAnyOrder("/var/lib/sluice", "/var/log/sluice");
        // the embedded example keeps its data where the service may write
        String dataDir = Files.readAllLines(home.resolve("config/embedded.yml")).stream()
                .filter(l -> l.startsWith("dataDir:")).findFirst().orElseThrow().substring("dataDir:".length())
                .trim();
        assertThat(writable).anyMatch(w -> dataDir.startsWith(w + "/"));

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            System.out.println("systemd-analyze is not installed: the unit was checked by reading it only");
            return;
        }
        // verify checks that ExecStart is executable: a copy of the unit whose /opt/sluice is the unpacked tarball
        Path units = Files.createDirectories(dir.resolve("units"));
        Path copy = units.resolve("sluice.service");
        Files.writeString(copy, Files.readString(unit).replace("/opt/sluice", home.toString()));
        Exit verify = run(new ProcessBuilder(analyze.toString(), "verify", copy.toString()), "systemd-analyze");
        assertThat(verify.status()).as("%s", verify).isEqualTo(0);
        assertThat(verify.out() + verify.err()).as("no warning about the unit").doesNotContain("sluice.service");
        // and the tool does look: a unit whose ExecStart is not there fails
        Path broken = Files.createDirectories(dir.resolve("broken")).resolve("sluice.service");
        Files.writeString(broken, Files.readString(unit).replace("/opt/sluice", dir.resolve("missing").toString()));
        Exit refused = run(new ProcessBuilder(analyze.toString(), "verify", broken.toString()), "systemd-analyze");
        assertThat(refused.status()).as("%s", refused).isNotEqualTo(0);
        assertThat(refused.err()).contains("is not executable");
    }

    /** The keys of one [section] of a unit file (the last value of a repeated key). */
    private static Map<String, String> section(Path unit, String name) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        String current = "";
        for (String line : Files.readAllLines(unit)) {
            String l = line.strip();
            if (l.startsWith("[") && l.endsWith("]")) {
                current = l.substring(1, l.length() - 1);
            } else if (current.equals(name) && !l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                keys.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return keys;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        TestLogs.response("GET " + path + " -> " + r.statusCode(), r.body());
        return r;
    }

    /** {@code bin/sluice args...} with this JVM's Java as JAVA_HOME, and {@code env} on top. */
    private static Exit sluice(Map<String, String> env, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/sluice").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        environment(pb, env);
        return run(pb, "sluice-" + (args.isEmpty() ? "usage" : args.get(0)));
    }

    /**
     * The environment an operator's shell would give: none of the suite's own SLUICE_ variables or JVM option
     * variables, JAVA_HOME this JVM's Java, then {@code env}.
     */
    private static void environment(ProcessBuilder pb, Map<String, String> env) {
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("SLUICE_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.putAll(env);
    }

    /** Runs a short command to its end (60 s at most), keeping its output under target/test-logs. */
    private static Exit run(ProcessBuilder pb, String label) throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path out = Files.createTempFile(runs, label, ".out");
        Path err = Files.createTempFile(runs, label, ".err");
        Process process = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", pb.command()) + " did not end within 60 s");
        }
        Exit exit = new Exit(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.createDirectories(TestLogs.DIR);
        Files.writeString(TestLogs.DIR.resolve("packaging-commands.log"), "$ " + String.join(" ", pb.command())
                + "\n" + exit + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return exit;
    }
}
