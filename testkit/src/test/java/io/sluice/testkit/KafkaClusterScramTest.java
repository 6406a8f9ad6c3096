package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SASL/SCRAM cluster with ACLs: two brokers that replicate to each other as the bootstrap admin user, a user added
 * while it runs, a wrong password refused at once, and a user that reads only what an ACL grants.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaClusterScramTest {

    private static final String TOPIC = "scram-test";

    @Test
    void scramUsersAuthenticateAndAclsDecide() throws Exception {
        String adminPassword = TestPasswords.fresh("kafka-admin");
        String userPassword = TestPasswords.fresh("kafka-user");
        try (KafkaCluster cluster = KafkaCluster.startScram(2, "admin", adminPassword, true)) {
            // replication factor 2: the brokers authenticate to each other with the bootstrap credential
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            List<String> written = List.of("one", "two", "three");
            Map<String, Object> producerConfig = new HashMap<>(
                    KafkaCluster.scramClientProperties("admin", adminPassword));
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String value : written) {
                    producer.send(new ProducerRecord<>(TOPIC, value.getBytes(StandardCharsets.UTF_8)))
                            .get(30, TimeUnit.SECONDS);
                }
            }

            cluster.addScramUser("alice", userPassword);

            // a wrong password fails at once with an authentication error, not a timeout
            long begun = System.nanoTime();
            try (Admin wrong = userAdmin(cluster, "alice", userPassword + "x")) {
                assertThatThrownBy(() -> wrong.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begun)).isLessThan(15);

            // the right password logs in, but without an ACL the topic is out of reach
            try (Admin alice = userAdmin(cluster, "alice", userPassword)) {
                assertThat(alice.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(2);
                assertThatThrownBy(() -> alice.describeTopics(List.of(TOPIC)).allTopicNames()
                        .get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }

            cluster.allow(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL),
                    new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW))));
            assertThat(read(cluster, "alice", userPassword, written.size())).containsExactlyElementsOf(written);
        }
    }

    @Test
    void scramUsersNeedAScramCluster() {
        try (KafkaCluster cluster = KafkaCluster.start(1)) {
            assertThatThrownBy(() -> cluster.addScramUser("bob", TestPasswords.fresh("kafka-unused")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("startScram");
        }
    }

    private static Admin userAdmin(KafkaCluster cluster, String user, String password) {
        Map<String, Object> config = KafkaCluster.scramClientProperties(user, password);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return Admin.create(config);
    }

    private static List<String> read(KafkaCluster cluster, String user, String password, int expected) {
        Map<String, Object> config = KafkaCluster.scramClientProperties(user, password);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return read;
    }
}
