package io.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.app.security.SecretBox;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source password at rest (issue 7, item 7), on a real MySQL source and a real Kafka cluster: given in a PUT it
 * is stored sealed, never in plain text, and the syncer replicates with it; a node without a secrets key refuses to
 * store one and cannot open one; passwordFile and passwordEnv keep it out of Kafka altogether.
 */
class SecretsAtRestIT {
    private static final String TOPIC = "sluice.binlog.secrets";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "SLUICE_IT_SOURCE_PASSWORD";

    @Test
    void theSourcePasswordIsSealedInKafkaOrKeptOutOfIt(@TempDir Path dir) throws Exception {
        String password = TestPasswords.fresh("sealed-source");
        String envPassword = System.getenv(ENV);
        assertThat(envPassword).as("the failsafe configuration sets %s", ENV).isNotNull();
        TestPasswords.used(envPassword);
        try (KafkaCluster kafka = KafkaCluster.start(3); MysqlServer source = MysqlServer.start(81)) {
            source.createUser("sealed_repl", password, "caching_sha2_password");
            source.createUser("env_repl", envPassword, "caching_sha2_password");
            source.execute("CREATE DATABASE s", "CREATE TABLE s.t (id INT PRIMARY KEY)", "INSERT INTO s.t VALUES (1)");
            List<String> bodies = new ArrayList<>();
            try (TestApp keyed = TestApp.start(kafka.bootstrapServers(), TOPIC)) {
                // a plain password in the PUT: the syncer runs with it, and Kafka holds it sealed only
                String sealedBody = body(source, "sealed_repl", "password", password);
                bodies.add(ok(keyed.call("PUT", "/api/v1/syncer", sealedBody)));
                awaitCaughtUp(keyed, source, bodies);
                List<String> stored = settingsRecords(kafka.bootstrapServers());
                assertThat(stored).isNotEmpty().noneMatch(v -> v.contains(password));
                String keyId = SecretBox.fromBase64(TestApp.SECRETS_KEY).keyId();
                assertThat(last(stored)).contains("\"passwordSealed\":\"sluice-sealed:v1:" + keyId + ":")
                        .contains("\"password\":null");

                try (TestApp keyless = TestApp.startWithoutSecretsKey(kafka.bootstrapServers(), TOPIC)) {
                    // a node with no key will not store a plain password, and says what to do instead
                    HttpResponse<String> refused = keyless.call("PUT", "/api/v1/syncer", sealedBody);
                    bodies.add(refused.body());
                    assertThat(refused.statusCode()).isEqualTo(400);
                    JsonNode error = JSON.readTree(refused.body());
                    assertThat(error.path("field").asText()).isEqualTo("source.password");
                    assertThat(error.path("message").asText()).contains("secrets key").contains("passwordFile");

                    // two ways at once is a bad body, refused with what to do (Dropwizard answers 422 for a body that
                    // fails its validation)
                    HttpResponse<String> both = keyless.call("PUT", "/api/v1/syncer", JSON.writeValueAsString(
                            Map.of("source", Map.of("host", source.host(), "port", source.port(), "user",
                                    "sealed_repl", "password", password, "passwordEnv", ENV))));
                    bodies.add(both.body());
                    assertThat(both.statusCode()).as(both.body()).isEqualTo(422);
                    assertThat(both.body()).contains("give exactly one of password, passwordSealed, passwordFile");

                    // a password file: stored as its path, read by the node that runs the syncer
                    Path file = Files.writeString(dir.resolve("source-password"), password + "\n");
                    bodies.add(ok(keyless.call("PUT", "/api/v1/syncer", body(source, "sealed_repl", "passwordFile",
                            file.toString()))));
                    source.execute("INSERT INTO s.t VALUES (2)");
                    awaitCaughtUp(keyed, source, bodies);
                    assertThat(last(settingsRecords(kafka.bootstrapServers()))).contains(file.toString())
                            .doesNotContain(password);

                    // an environment variable: stored as its name
                    bodies.add(ok(keyed.call("PUT", "/api/v1/syncer", body(source, "env_repl", "passwordEnv", ENV))));
                    source.execute("INSERT INTO s.t VALUES (3)");
                    awaitCaughtUp(keyed, source, bodies);
                    assertThat(last(settingsRecords(kafka.bootstrapServers()))).contains("\"passwordEnv\":\"" + ENV)
                            .doesNotContain(envPassword);

                    // sealed again; then the keyed node goes and the keyless one leads: it cannot open the password
                    // and says so, rather than trying the source with a wrong one
                    bodies.add(ok(keyed.call("PUT", "/api/v1/syncer", sealedBody)));
                    awaitCaughtUp(keyed, source, bodies);
                    keyed.close();
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        JsonNode s = JSON.readTree(keyless.call("GET", "/api/v1/syncer", null).body());
                        assertThat(s.path("state").asText()).isEqualTo("ERROR");
                        assertThat(s.path("lastError").path("message").asText())
                                .contains("sealed and this node has no secrets key");
                    });
                    bodies.add(keyless.call("GET", "/api/v1/syncer", null).body());
                }
            }
            assertThat(String.join("\n", bodies)).doesNotContain(password).doesNotContain(envPassword);
            assertThat(settingsRecords(kafka.bootstrapServers())).noneMatch(v -> v.contains(password)
                    || v.contains(envPassword));
        }
    }

    /** A PUT body for {@code source} with the password given as {@code passwordField}. */
    private static String body(MysqlServer source, String user, String passwordField, String value)
            throws Exception {
        return JSON.writeValueAsString(Map.of("source", Map.of("host", source.host(), "port", source.port(),
                "user", user, passwordField, value)));
    }

    private static String ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r.body();
    }

    private static void awaitCaughtUp(TestApp app, MysqlServer source, List<String> bodies) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String body = app.call("GET", "/api/v1/syncer", null).body();
            JsonNode s = JSON.readTree(body);
            assertThat(s.path("state").asText()).as(body).isEqualTo("RUNNING");
            assertThat(GtidSet.parse(s.path("executedGtidSet").asText()))
                    .isEqualTo(GtidSet.parse(source.gtidExecuted()));
            bodies.add(body);
        });
    }

    private static String last(List<String> values) {
        assertThat(values).isNotEmpty();
        return values.get(values.size() - 1);
    }

    /** Every value ever written to the settings topic, as text. */
    private static List<String> settingsRecords(String bootstrap) {
        TopicPartition tp = new TopicPartition(TOPIC + ".settings", 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        values.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            return values;
        }
    }
}
