package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.testkit.KafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sluice status} against a node started in-process on a real three-broker cluster, without a syncer source
 * (so the syncer shows STOPPED): the human-readable sections, the {@code --json} object, the URL taken from a
 * configuration file, and a URL where nothing listens.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StatusCommandIT {
    private static final String TOPIC = "sluice.binlog.status";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaCluster kafka;
    private static TestApp app;
    private static String nodeId;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        app = TestApp.start(kafka.bootstrapServers(), TOPIC);
        // a lone node becomes the leader and ONLINE once it has read the topic to its end
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode cluster = JSON.readTree(app.call("GET", "/api/v1/cluster", null).body());
            assertThat(cluster.path("leader").asText()).isEqualTo(cluster.path("self").asText());
            assertThat(cluster.path("members")).singleElement()
                    .satisfies(m -> assertThat(m.path("state").asText()).isEqualTo("ONLINE"));
        });
        nodeId = JSON.readTree(app.call("GET", "/api/v1/cluster", null).body()).path("self").asText();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void printsTheClusterTheSyncerTheReplicasAndTheTopic() {
        SluiceCli.Result status = SluiceCli.run("status", "--url", app.url());
        assertThat(status.exitStatus()).as("%s", status).isEqualTo(0);
        assertThat(status.err()).isEmpty();
        assertThat(status.out()).startsWith("Sluice node at " + app.url() + "\n")
                .containsPattern("(?m)^Cluster\n  this node +" + Pattern.quote(nodeId) + "$")
                .containsPattern("(?m)^  leader +" + Pattern.quote(nodeId) + "$")
                .containsPattern("(?m)^ +NODE +STATE +ROLE +FACADE +RECORDS BEHIND +REPLICAS +LAST HEARD$")
                .containsPattern("(?m)^ +" + Pattern.quote(nodeId) + " +ONLINE +PRIMARY +\\S+:" + app.facadePort
                        + " +-?\\d+ +0 +\\d+ ms ago$")
                .containsPattern("(?m)^Syncer\n  state +STOPPED$")
                .containsPattern("(?m)^Replicas\n  none connected$")
                .containsPattern("(?m)^Topic\n  name +" + Pattern.quote(TOPIC) + "$")
                .containsPattern("(?m)^  in sync +\\d, \\d, \\d \\(min\\.insync\\.replicas 2\\)$")
                .containsPattern("(?m)^  writable +yes$");
        assertThat(status.out().indexOf("\nSyncer\n")).isGreaterThan(status.out().indexOf("Cluster\n"));
        assertThat(status.out().indexOf("\nTopic\n")).isGreaterThan(status.out().indexOf("\nReplicas\n"));
    }

    @Test
    void jsonIsOneObjectWithTheNodesAnswers() throws Exception {
        SluiceCli.Result status = SluiceCli.run("status", "--url", app.url() + "/", "--json");
        assertThat(status.exitStatus()).as("%s", status).isEqualTo(0);
        JsonNode all = JSON.readTree(status.out());
        assertThat(all.fieldNames()).toIterable().containsExactly("cluster", "syncer", "replicas");
        assertThat(all.path("cluster").path("self").asText()).isEqualTo(nodeId);
        assertThat(all.path("cluster").path("topic").path("name").asText()).isEqualTo(TOPIC);
        assertThat(all.path("syncer").path("state").asText()).isEqualTo("STOPPED");
        assertThat(all.path("replicas").isArray()).isTrue();
        assertThat(all.path("replicas")).isEmpty();
    }

    @Test
    void theUrlComesFromTheConfigurationFile() throws Exception {
        int port = URI.create(app.url()).getPort();
        Path file = Files.createTempFile("sluice-status", ".yml");
        Files.writeString(file, "server:\n"
                + "  applicationConnectors:\n    - type: http\n      port: " + port + "\n"
                + "  adminConnectors:\n    - type: http\n      port: 0\n"
                + "kafka:\n  topic: ignored\n", StandardCharsets.UTF_8);

        // the in-process node's overrides are dw.* system properties, which every configuration read in this JVM
        // gets, as a node's would: they set the application connector's port to 0, which tells no address
        SluiceCli.Result anyPort = SluiceCli.run("status", file.toString());
        assertThat(anyPort.exitStatus()).as("%s", anyPort).isEqualTo(2);
        assertThat(anyPort.err()).contains("port 0").contains("pass --url");

        Properties overrides = new Properties();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("dw."))
                .forEach(k -> overrides.setProperty(k, System.getProperty(k)));
        assertThat(overrides).isNotEmpty();
        overrides.stringPropertyNames().forEach(System::clearProperty);
        SluiceCli.Result status;
        try {
            status = SluiceCli.run("status", file.toString());
        } finally {
            System.getProperties().putAll(overrides);
        }
        assertThat(status.exitStatus()).as("%s", status).isEqualTo(0);
        assertThat(status.out()).startsWith("Sluice node at http://127.0.0.1:" + port + "\n")
                .containsPattern("(?m)^  this node +" + Pattern.quote(nodeId) + "$");
    }

    @Test
    void aUrlWhereNothingListensExitsWithTwo() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        SluiceCli.Result status = SluiceCli.run("status", "--url", "http://127.0.0.1:" + closed);
        assertThat(status.exitStatus()).as("%s", status).isEqualTo(2);
        assertThat(status.out()).isEmpty();
        assertThat(status.err()).contains("no Sluice node answers at http://127.0.0.1:" + closed)
                .contains("is it running");

        SluiceCli.Result notAUrl = SluiceCli.run("status", "--url", "127.0.0.1:" + closed);
        assertThat(notAUrl.exitStatus()).as("%s", notAUrl).isEqualTo(2);
        assertThat(notAUrl.err()).contains("--url must be a node's REST address");
    }
}
