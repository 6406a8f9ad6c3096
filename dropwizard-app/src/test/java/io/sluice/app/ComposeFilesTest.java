package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.app.security.ApiToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compose/}: that the compose file means what compose/README.md says (three KRaft brokers with Sluice's safety
 * settings, two Sluice nodes built from the project's jar whose configuration files pass the node's own validation,
 * two replicas attached to those nodes' facades), and that Debian's {@code docker-compose} accepts it. Nothing here
 * needs a Docker engine.
 */
class ComposeFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, as Compose interpolates them. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private static Path root;
    private static Path compose;
    private static JsonNode services;
    private static Map<String, String> dotEnv;

    @TempDir
    Path dir;

    @BeforeAll
    static void read() throws Exception {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("compose/docker-compose.yml"))) {
            p = p.getParent();
        }
        assertThat(p).as("compose/docker-compose.yml above %s", Path.of("").toAbsolutePath()).isNotNull();
        root = p;
        compose = root.resolve("compose");
        JsonNode file = YAML.readTree(compose.resolve("docker-compose.yml").toFile());
        assertThat(file.has("version")).as("the obsolete `version` key").isFalse();
        services = file.get("services");
        assertThat(services).as("services").isNotNull();
        dotEnv = readDotEnv(compose.resolve(".env"));
    }

    // --- Kafka ------------------------------------------------------------------------------------------------------

    @Test
    void threeBrokersInCombinedModeFormOneQuorum() {
        List<String> brokers = servicesWithImage("apache/kafka:");
        assertThat(brokers).containsExactly("kafka-1", "kafka-2", "kafka-3");
        Set<String> nodeIds = new HashSet<>();
        Set<String> voterLists = new HashSet<>();
        Set<String> clusterIds = new HashSet<>();
        Set<String> expectedVoters = new TreeSet<>();
        for (String b : brokers) {
            Map<String, String> env = environment(b);
            assertThat(env.get("KAFKA_PROCESS_ROLES")).as(b).isEqualTo("broker,controller");
            assertThat(nodeIds.add(env.get("KAFKA_NODE_ID"))).as("%s's node id %s is unique", b,
                    env.get("KAFKA_NODE_ID")).isTrue();
            voterLists.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
            clusterIds.add(env.get("CLUSTER_ID"));
            String controllerPort = listenerPort(env.get("KAFKA_LISTENERS"), "CONTROLLER");
            expectedVoters.add(env.get("KAFKA_NODE_ID") + "@" + b + ":" + controllerPort);
            assertThat(env.get("KAFKA_CONTROLLER_LISTENER_NAMES")).as(b).isEqualTo("CONTROLLER");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).as(b)
                    .isEqualTo("PLAINTEXT://" + b + ":" + listenerPort(env.get("KAFKA_LISTENERS"), "PLAINTEXT"));
            // the log directory is a named volume of its own, so a broker keeps its data across restarts
            String logDir = env.get("KAFKA_LOG_DIRS");
            assertThat(namedVolumeAt(b, logDir)).as("%s: a named volume at %s", b, logDir).isNotNull();
            assertThat(services.get(b).has("healthcheck")).as("%s has a healthcheck", b).isTrue();
        }
        assertThat(voterLists).as("one quorum voter list on every broker").hasSize(1);
        assertThat(new TreeSet<>(List.of(voterLists.iterator().next().split(",")))).as("the voters are the brokers")
                .isEqualTo(expectedVoters);
        assertThat(clusterIds).as("one cluster id").hasSize(1);
        assertThat(clusterIds.iterator().next()).as("a cluster id as kafka-storage.sh random-uuid prints it")
                .matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void brokersHaveSluicesSafetySettings() throws Exception {
        List<String> brokers = servicesWithImage("apache/kafka:");
        Map<String, String> wanted = Map.of(
                "KAFKA_DEFAULT_REPLICATION_FACTOR", "3",
                "KAFKA_MIN_INSYNC_REPLICAS", "2",
                "KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2",
                "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3",
                "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        for (String b : brokers) {
            assertThat(environment(b)).as(b).containsAllEntriesOf(wanted);
        }
        // the replication Sluice creates its topic with fits this cluster: RF <= brokers, 2 <= minISR < RF
        for (String node : sluiceNodes()) {
            JsonNode kafka = sluiceConfig(node).get("kafka");
            int rf = kafka.get("replicationFactor").asInt();
            int minIsr = kafka.get("minInsyncReplicas").asInt();
            assertThat(rf).as("%s kafka.replicationFactor", node).isBetween(3, brokers.size());
            assertThat(minIsr).as("%s kafka.minInsyncReplicas", node).isBetween(2, rf - 1);
        }
    }

    // --- MySQL source ---------------------------------------------------------------------------------------------

    @Test
    void theSourceHasGtidsAndARowBasedBinlogAndTheReplicationAccount() throws Exception {
        assertThat(services.get("mysql-source").get("image").asText()).isEqualTo("mysql:8.0");
        assertThat(strings(services.get("mysql-source").get("command"))).contains("--gtid-mode=ON",
                "--enforce-gtid-consistency=ON", "--binlog-format=ROW", "--server-id=1")
                .anyMatch(a -> a.startsWith("--log-bin"));
        Path init = initDirectory("mysql-source");
        String scripts = readAll(init);
        assertThat(scripts).contains("CREATE USER '${REPL_USER}'@'%' IDENTIFIED BY '${REPL_PASSWORD}'")
                .contains("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${REPL_USER}'@'%'")
                .contains("CREATE TABLE demo.orders").contains("INSERT INTO demo.orders");
        assertThat(environment("mysql-source")).containsKeys("REPL_USER", "REPL_PASSWORD", "MYSQL_ROOT_PASSWORD");
    }

    // --- Sluice nodes ---------------------------------------------------------------------------------------------

    @Test
    void theSluiceNodesAreBuiltFromTheProjectsJar() throws Exception {
        assertThat(sluiceNodes()).containsExactly("sluice-1", "sluice-2");
        for (String s : servicesBuiltFrom("compose/Dockerfile")) {
            JsonNode build = services.get(s).get("build");
            assertThat(compose.resolve(build.get("context").asText()).normalize()).as("%s build context", s)
                    .isEqualTo(root);
        }
        List<String> dockerfile = Files.readAllLines(compose.resolve("Dockerfile"));
        assertThat(dockerfile).as("base image").anyMatch(l -> l.equals("FROM eclipse-temurin:17-jre"));
        // the artifact Maven builds: the shade plugin's finalName in dropwizard-app's pom
        String pom = Files.readString(root.resolve("dropwizard-app/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertThat(finalName.find()).as("the shaded jar's finalName in dropwizard-app/pom.xml").isTrue();
        String artifact = "dropwizard-app/target/" + finalName.group(1) + ".jar";
        assertThat(dockerfile).as("the Dockerfile copies %s", artifact)
                .anyMatch(l -> l.matches("COPY\\s+(--\\S+\\s+)*" + Pattern.quote(artifact) + "\\s+\\S+"));
        assertThat(dockerIgnoreAdmits(artifact)).as(".dockerignore sends %s", artifact).isTrue();
        assertThat(dockerIgnoreAdmits("dropwizard-app/src/main/java/io/sluice/app/SluiceApplication.java"))
                .as(".dockerignore keeps the sources out of the build context").isFalse();
        String user = dockerfile.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertThat(user.substring(5).trim()).as("the user the node runs as").isNotIn("root", "0");
        assertThat(dockerfile).as("a HEALTHCHECK on the admin port")
                .anyMatch(l -> l.contains("http://127.0.0.1:8081/healthcheck"));
        Set<String> exposed = new HashSet<>();
        dockerfile.stream().filter(l -> l.startsWith("EXPOSE ")).forEach(l -> exposed.addAll(
                List.of(l.substring(7).trim().split("\\s+"))));
        for (String node : sluiceNodes()) {
            JsonNode c = sluiceConfig(node);
            assertThat(exposed).as("EXPOSE has %s's ports", node).contains(applicationPort(c), adminPort(c),
                    c.get("facade").get("port").asText());
        }
    }

    @Test
    void eachSluiceNodesConfigurationFitsTheComposeFileAndPassesCheck() throws Exception {
        Set<String> keys = new HashSet<>();
        for (String node : sluiceNodes()) {
            JsonNode c = sluiceConfig(node);
            assertThat(c.get("kafka").get("bootstrapServers").asText()).as("%s kafka.bootstrapServers", node)
                    .isEqualTo(String.join(",", servicesWithImage("apache/kafka:").stream()
                            .map(b -> b + ":" + listenerPort(environment(b).get("KAFKA_LISTENERS"), "PLAINTEXT"))
                            .toList()));
            assertThat(c.get("cluster").get("advertisedHost").asText()).as("%s cluster.advertisedHost", node)
                    .isEqualTo(node);
            assertThat(publishedContainerPorts(node)).as("%s publishes its REST, admin and facade ports", node)
                    .contains(applicationPort(c), adminPort(c), c.get("facade").get("port").asText());
            Map<String, String> env = environment(node);
            keys.add(env.get("SLUICE_SECRETS_KEY"));

            Exit ok = check(configFile(node), env);
            assertThat(ok.status()).as("sluice check %s with %s's environment: %s", configFile(node), node, ok)
                    .isEqualTo(0);
            assertThat(ok.out()).contains("Configuration is OK");
        }
        // the files do depend on the environment compose gives the nodes: without the key, check refuses them
        String first = sluiceNodes().get(0);
        Map<String, String> withoutKey = new HashMap<>(environment(first));
        withoutKey.remove("SLUICE_SECRETS_KEY");
        Exit refused = check(configFile(first), withoutKey);
        assertThat(refused.status()).as("%s", refused).isNotEqualTo(0);
        assertThat(refused.err() + refused.out()).contains("SLUICE_SECRETS_KEY");
        assertThat(keys).as("one secrets key, the same on every node").hasSize(1).doesNotContainNull();
        assertThat(dotEnv.get("SLUICE_ADMIN_TOKEN_SHA256")).as("the admin token's hash in .env is the token's")
                .isEqualTo(ApiToken.sha256Hex(dotEnv.get("SLUICE_ADMIN_TOKEN")));
    }

    @Test
    void everyPublishedHostPortIsUniqueAndLocal() {
        Set<String> hostPorts = new HashSet<>();
        services.fieldNames().forEachRemaining(s -> {
            for (String p : strings(services.get(s).get("ports"))) {
                String[] parts = p.split(":");
                assertThat(parts).as("%s publishes %s on an address and a port", s, p).hasSize(3);
                assertThat(parts[0]).as("%s publishes %s on 127.0.0.1 only (the demo credentials are public)", s,
                        p).isEqualTo("127.0.0.1");
                assertThat(hostPorts.add(parts[1])).as("host port %s published once", parts[1]).isTrue();
            }
        });
        assertThat(hostPorts).isNotEmpty();
    }

    // --- The one-shot configuration and the replicas ----------------------------------------------------------------

    @Test
    void theSyncerIsConfiguredWithAPasswordFromTheNodesEnvironmentAndTheAdminToken() throws Exception {
        JsonNode svc = services.get("configure-syncer");
        assertThat(svc).as("the configure-syncer service").isNotNull();
        Map<String, String> env = environment("configure-syncer");
        String passwordVariable = env.get("SOURCE_PASSWORD_ENV");
        for (String node : sluiceNodes()) {
            assertThat(environment(node).get(passwordVariable))
                    .as("%s has %s, the source password the syncer is configured with", node, passwordVariable)
                    .isEqualTo(environment("mysql-source").get("REPL_PASSWORD"));
            assertThat(svc.get("depends_on").get(node).get("condition").asText()).isEqualTo("service_healthy");
            JsonNode c = sluiceConfig(node);
            assertThat(env.get("SLUICE_URLS").split(" ")).as("SLUICE_URLS")
                    .contains("http://" + node + ":" + applicationPort(c));
        }
        assertThat(svc.get("depends_on").get("mysql-source").get("condition").asText()).isEqualTo("service_healthy");
        assertThat(env.get("SOURCE_HOST")).isEqualTo("mysql-source");
        assertThat(env.get("SOURCE_USER")).isEqualTo(environment("mysql-source").get("REPL_USER"));
        assertThat(env.get("SLUICE_ADMIN_TOKEN")).isEqualTo(dotEnv.get("SLUICE_ADMIN_TOKEN"));
        String script = Files.readString(hostPathMountedAt("configure-syncer",
                strings(svc.get("entrypoint")).get(1)));
        assertThat(script).contains("\"passwordEnv\"").doesNotContain("\"password\":")
                .contains("Authorization: Bearer ${SLUICE_ADMIN_TOKEN}").contains("/api/v1/syncer");
    }

    @Test
    void replicasAttachToTheSluiceNodesFacades() throws Exception {
        List<String> replicas = new ArrayList<>();
        services.fieldNames().forEachRemaining(s -> {
            if (environment(s).containsKey("SLUICE_HOST")) {
                replicas.add(s);
            }
        });
        assertThat(replicas).containsExactly("replica-1", "replica-2");
        Set<String> attachedTo = new HashSet<>();
        Set<String> serverIds = new HashSet<>();
        serverIds.add(serverId("mysql-source"));
        for (String r : replicas) {
            JsonNode svc = services.get(r);
            Map<String, String> env = environment(r);
            assertThat(svc.get("image").asText()).isEqualTo("mysql:8.0");
            assertThat(strings(svc.get("command"))).contains("--gtid-mode=ON", "--enforce-gtid-consistency=ON");
            assertThat(serverIds.add(serverId(r))).as("%s's server id is unique", r).isTrue();
            String node = env.get("SLUICE_HOST");
            assertThat(sluiceNodes()).as("%s's SLUICE_HOST", r).contains(node);
            attachedTo.add(node);
            assertThat(env.get("SLUICE_PORT")).as("%s's SLUICE_PORT is %s's facade.port", r, node)
                    .isEqualTo(sluiceConfig(node).get("facade").get("port").asText());
            assertThat(env.get("REPL_USER")).isEqualTo(environment("mysql-source").get("REPL_USER"));
            assertThat(env.get("REPL_PASSWORD")).isEqualTo(environment("mysql-source").get("REPL_PASSWORD"));
            assertThat(svc.get("depends_on").get("configure-syncer").get("condition").asText())
                    .as("%s starts once the syncer is configured", r).isEqualTo("service_completed_successfully");
            String scripts = readAll(initDirectory(r));
            assertThat(scripts).contains("SOURCE_HOST='${SLUICE_HOST}'", "SOURCE_PORT=${SLUICE_PORT}",
                    "SOURCE_USER='${REPL_USER}'", "SOURCE_PASSWORD='${REPL_PASSWORD}'", "SOURCE_AUTO_POSITION=1",
                    "GET_SOURCE_PUBLIC_KEY=1", "SOURCE_CONNECT_RETRY=", "SOURCE_RETRY_COUNT=", "START REPLICA;");
        }
        assertThat(attachedTo).as("one replica on each Sluice node").containsExactlyInAnyOrderElementsOf(
                sluiceNodes());
    }

    @Test
    void initScriptsAreSourcedByTheMysqlEntrypoint() throws Exception {
        for (String s : List.of("mysql-source", "replica-1", "replica-2")) {
            try (var files = Files.list(initDirectory(s))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
                    // an executable .sh is run as a process of its own, without the entrypoint's docker_process_sql
                    assertThat(Files.isExecutable(f)).as("%s is not executable", f).isFalse();
                }
            }
        }
    }

    @Test
    void everyVariableTheComposeFileUsesIsInDotEnv() throws Exception {
        Set<String> used = new TreeSet<>();
        Matcher m = VARIABLE.matcher(withoutComments(Files.readString(compose.resolve("docker-compose.yml"))));
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(dotEnv.keySet()).as("compose/.env defines every variable docker-compose.yml uses")
                .containsAll(used);
        assertThat(Files.readString(compose.resolve(".env"))).as(".env says its values are demo-only")
                .containsIgnoringCase("demo-only");
    }

    // --- docker-compose itself ------------------------------------------------------------------------------------

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Path binary = onPath("docker-compose");
        // like chromium for the status page: a tool the suite needs, named in the README; missing, the test fails
        assertThat(binary).as("docker-compose is not on the PATH, so `docker-compose config` cannot validate "
                + "compose/docker-compose.yml: install Debian's package (apt-get install docker-compose; .ci/run does)")
                .isNotNull();
        Exit config = run(compose, Map.of(), binary.toString(), "-f", "docker-compose.yml", "config", "-q");
        assertThat(config.status()).as("docker-compose config -q: %s", config).isEqualTo(0);
        assertThat(config.err()).as("docker-compose config -q warns of nothing: %s", config)
                .doesNotContainIgnoringCase("warning").doesNotContain("is not set");
        Exit list = run(compose, Map.of(), binary.toString(), "-f", "docker-compose.yml", "config", "--services");
        assertThat(list.status()).as("%s", list).isEqualTo(0);
        Set<String> expected = new TreeSet<>();
        services.fieldNames().forEachRemaining(expected::add);
        assertThat(new TreeSet<>(list.out().lines().map(String::trim).filter(l -> !l.isEmpty()).toList()))
                .isEqualTo(expected);
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    record Exit(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Exit check(Path config, Map<String, String> env) throws Exception {
        return run(dir, env, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SluiceApplication.class.getName(), "check",
                config.toString());
    }

    /** Runs a process with exactly {@code env} (plus PATH), as a container would get it. */
    private Exit run(Path workDir, Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        String path = pb.environment().get("PATH");
        pb.environment().clear();
        if (path != null) {
            pb.environment().put("PATH", path);
        }
        pb.environment().putAll(env);
        Process process = pb.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 120 s");
        }
        return new Exit(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> servicesWithImage(String prefix) {
        List<String> out = new ArrayList<>();
        services.fieldNames().forEachRemaining(s -> {
            JsonNode image = services.get(s).get("image");
            if (image != null && image.asText().startsWith(prefix)) {
                out.add(s);
            }
        });
        return out;
    }

    private static List<String> servicesBuiltFrom(String dockerfile) {
        List<String> out = new ArrayList<>();
        services.fieldNames().forEachRemaining(s -> {
            JsonNode build = services.get(s).get("build");
            if (build != null && build.path("dockerfile").asText().equals(dockerfile)) {
                out.add(s);
            }
        });
        return out;
    }

    /** Services that run a Sluice node: built from compose/Dockerfile and started with {@code server}. */
    private static List<String> sluiceNodes() {
        return servicesBuiltFrom("compose/Dockerfile").stream()
                .filter(s -> strings(services.get(s).get("command")).contains("server")).toList();
    }

    private static Path configFile(String node) {
        List<String> command = strings(services.get(node).get("command"));
        return hostPathMountedAt(node, command.get(command.size() - 1));
    }

    /** The node's configuration file as the node reads it: ${...} filled from the environment compose gives it. */
    private static JsonNode sluiceConfig(String node) throws Exception {
        Path file = configFile(node);
        assertThat(file).as("%s's configuration file", node).isRegularFile();
        return YAML.readTree(interpolate(Files.readString(file), environment(node), file.toString()));
    }

    private static String applicationPort(JsonNode config) {
        return config.get("server").get("applicationConnectors").get(0).get("port").asText();
    }

    private static String adminPort(JsonNode config) {
        return config.get("server").get("adminConnectors").get(0).get("port").asText();
    }

    private static Path hostPathMountedAt(String service, String target) {
        for (String v : strings(services.get(service).get("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(target) && parts[0].startsWith(".")) {
                Path p = compose.resolve(parts[0]).normalize();
                assertThat(p).as("%s mounts %s from %s, which exists", service, target, p).exists();
                return p;
            }
        }
        throw new AssertionError(service + " mounts nothing from this directory at " + target);
    }

    private static String namedVolumeAt(String service, String target) throws RuntimeException {
        for (String v : strings(services.get(service).get("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(target) && !parts[0].startsWith(".")
                    && !parts[0].startsWith("/")) {
                return parts[0];
            }
        }
        return null;
    }

    private static Path initDirectory(String mysql) {
        Path init = hostPathMountedAt(mysql, "/docker-entrypoint-initdb.d");
        assertThat(init).isDirectory();
        return init;
    }

    private static String readAll(Path directory) throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(directory)) {
            for (Path f : files.sorted().toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }

    private static String serverId(String mysql) {
        return strings(services.get(mysql).get("command")).stream().filter(a -> a.startsWith("--server-id="))
                .map(a -> a.substring("--server-id=".length())).findFirst()
                .orElseThrow(() -> new AssertionError(mysql + " has no --server-id"));
    }

    private static Set<String> publishedContainerPorts(String service) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : strings(services.get(service).get("ports"))) {
            out.add(p.substring(p.lastIndexOf(':') + 1));
        }
        return out;
    }

    /** The port of listener {@code name} in a KAFKA_LISTENERS value such as {@code PLAINTEXT://:9092,CONTROLLER://:9093}. */
    private static String listenerPort(String listeners, String name) {
        for (String l : listeners.split(",")) {
            if (l.startsWith(name + "://")) {
                return l.substring(l.lastIndexOf(':') + 1);
            }
        }
        throw new AssertionError("no " + name + " listener in " + listeners);
    }

    /** A service's environment as the container gets it: compose's ${...} filled from .env. */
    private static Map<String, String> environment(String service) {
        JsonNode env = services.get(service).get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env == null) {
            return out;
        }
        assertThat(env.isObject()).as("%s's environment is a mapping", service).isTrue();
        env.properties().forEach(e -> out.put(e.getKey(),
                interpolate(e.getValue().asText(), dotEnv, service + "." + e.getKey())));
        return out;
    }

    /** Fills ${NAME} and its default forms from {@code values}; an unknown NAME without a default fails. */
    private static String interpolate(String text, Map<String, String> values, String where) {
        String escaped = text.replace("$$", "\u0000");
        Matcher m = VARIABLE.matcher(escaped);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            String op = m.group(2);
            boolean empty = value == null || (op != null && op.startsWith(":") && value.isEmpty());
            if (empty) {
                if (op == null || op.endsWith("?")) {
                    throw new AssertionError(where + " uses ${" + m.group(1) + "}, which is not set");
                }
                value = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("\u0000", "$");
    }

    private static Map<String, String> readDotEnv(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            assertThat(eq).as(".env line %s is NAME=value", l).isPositive();
            assertThat(out.put(l.substring(0, eq), l.substring(eq + 1))).as(".env sets %s once", l.substring(0, eq))
                    .isNull();
        }
        return out;
    }

    private static String withoutComments(String yaml) {
        return yaml.lines().map(l -> l.strip().startsWith("#") ? "" : l).reduce("", (a, b) -> a + b + "\n");
    }

    /**
     * Whether the repository root's .dockerignore lets {@code path} into the build context: the last pattern that
     * matches the path or one of its parent directories decides, {@code !} admits (Docker's rules, for the simple
     * patterns the file uses).
     */
    private static boolean dockerIgnoreAdmits(String path) throws Exception {
        Path ignore = root.resolve(".dockerignore");
        if (!Files.exists(ignore)) {
            return true;
        }
        boolean admitted = true;
        for (String line : Files.readAllLines(ignore)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            boolean exception = l.startsWith("!");
            String pattern = exception ? l.substring(1) : l;
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            boolean matches = false;
            for (Path p = Path.of(path); p != null; p = p.getParent()) {
                matches |= matcher.matches(p);
            }
            if (matches) {
                admitted = exception;
            }
        }
        return admitted;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
