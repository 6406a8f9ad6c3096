package io.sluice.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The YAML configuration as an operator writes it. */
class SluiceConfigurationTest {
    private final ObjectMapper mapper = Jackson.newObjectMapper();
    private final YamlConfigurationFactory<SluiceConfiguration> factory = new YamlConfigurationFactory<>(
            SluiceConfiguration.class, Validators.newValidator(), mapper, "dw");

    private SluiceConfiguration parse(String yaml) throws Exception {
        Path file = Files.createTempFile("sluice", ".yml");
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return factory.build(file.toFile());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void noMetadataBackendByDefault() throws Exception {
        assertThat(parse("facade:\n  port: 3307\n").facade.metadataBackend).isNull();
    }

    @Test
    void metadataBackend() throws Exception {
        SluiceConfiguration c = parse("facade:\n  metadataBackend:\n    host: replica-1\n    port: 3310\n"
                + "    user: meta\n    password: s3cret\n");
        assertThat(c.facade.metadataBackend.host).isEqualTo("replica-1");
        assertThat(c.facade.metadataBackend.port).isEqualTo(3310);
        assertThat(c.facade.metadataBackend.user).isEqualTo("meta");
        assertThat(c.facade.metadataBackend.password).isEqualTo("s3cret");
        assertThat(c.facade.metadataBackend.toString()).doesNotContain("s3cret");
    }

    @Test
    void aMetadataBackendWithoutHostIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> parse("facade:\n  metadataBackend:\n    user: meta\n"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("facade.metadataBackend.host");
    }

    private static final String BACKEND = "facade:\n  metadataBackend:\n    host: replica-1\n    user: meta\n";

    @Test
    void theMetadataBackendUsesPreferredTlsUnlessConfigured() throws Exception {
        assertThat(parse(BACKEND).facade.metadataBackend.clientTls().mode())
                .isEqualTo(io.sluice.model.client.tls.SslMode.PREFERRED);
        java.nio.file.Path dir = Files.createTempDirectory("sluice-config-tls");
        io.sluice.testkit.TestCertificates certs = io.sluice.testkit.TestCertificates.create(dir);
        SluiceConfiguration c = parse(BACKEND + "    tls:\n      mode: VERIFY_IDENTITY\n      caPath: " + certs.caPem()
                + "\n      clientCertPath: " + certs.clientCertPem() + "\n      clientKeyPath: " + certs.clientKeyPem()
                + "\n");
        io.sluice.model.client.tls.ClientTls tls = c.facade.metadataBackend.clientTls();
        assertThat(tls.mode()).isEqualTo(io.sluice.model.client.tls.SslMode.VERIFY_IDENTITY);
        assertThat(tls.load().clientKey()).isNotNull();
        assertThat(c.facade.metadataBackend.toString()).contains("VERIFY_IDENTITY")
                .doesNotContain(Files.readString(certs.clientKeyPem()).lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void badMetadataBackendTlsIsRefusedAtStartupNamingTheKey() {
        String[][] cases = {
            {"mode: SOMETIMES", "facade.metadataBackend.tls.mode"},
            {"mode: VERIFY_CA", "facade.metadataBackend.tls.ca"},
            {"caPath: /nonexistent/ca.pem", "facade.metadataBackend.tls.caPath"},
            {"mode: VERIFY_CA\n      ca: not a certificate", "facade.metadataBackend.tls.ca"},
            {"clientKey: inline", "facade.metadataBackend.tls.clientKey"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse(BACKEND + "    tls:\n      " + c[0] + "\n"))
                    .as(c[0]).isInstanceOf(io.dropwizard.configuration.ConfigurationException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void theTopicSpecComesFromTheKafkaKeys() throws Exception {
        io.sluice.kafka.TopicSpec defaults = io.sluice.app.core.KafkaRuntime.topicSpec(parse("kafka:\n  topic: t\n").kafka,
                false);
        assertThat(defaults.topicConfigs()).containsEntry("compression.type", "producer")
                .containsEntry("max.message.bytes", Integer.toString(16 * 1024 * 1024))
                .doesNotContainKeys("retention.ms", "retention.bytes");
        io.sluice.kafka.TopicSpec spec = io.sluice.app.core.KafkaRuntime.topicSpec(parse("kafka:\n  topic: t\n"
                + "  replicationFactor: 5\n  minInsyncReplicas: 3\n  maxMessageBytes: 8388608\n"
                + "  retentionMs: 604800000\n  retentionBytes: -1\n  compressionType: zstd\n").kafka, false);
        assertThat(spec.replicationFactor()).isEqualTo((short) 5);
        assertThat(spec.topicConfigs()).containsEntry("min.insync.replicas", "3")
                .containsEntry("max.message.bytes", "8388608").containsEntry("retention.ms", "604800000")
                .containsEntry("retention.bytes", "-1").containsEntry("compression.type", "zstd");
    }

    @Test
    void badTopicSettingsAreRefusedNamingTheKey() {
        String[][] cases = {
            {"compressionType: lz5", "kafka.compressionType"},
            {"retentionMs: 0", "kafka.retentionMs"},
            {"retentionBytes: -5", "kafka.retentionMs and kafka.retentionBytes"},
            {"maxMessageBytes: 1000", "kafka.maxMessageBytes"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse("kafka:\n  " + c[0] + "\n")).as(c[0])
                    .isInstanceOf(ConfigurationValidationException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void theLagHistoryIsSampledEveryTenSecondsUnlessSaidOtherwise() throws Exception {
        assertThat(parse("facade:\n  port: 3307\n").status.historySampleSeconds).isEqualTo(10);
        assertThat(parse("status:\n  historySampleSeconds: 1\n").status.historySampleSeconds).isEqualTo(1);
    }

    @Test
    void aSampleIntervalOutsideOneToSixHundredSecondsIsRefusedNamingTheKey() {
        for (String bad : new String[] {"0", "601"}) {
            assertThatThrownBy(() -> parse("status:\n  historySampleSeconds: " + bad + "\n"))
                    .isInstanceOf(ConfigurationValidationException.class)
                    .hasMessageContaining("status.historySampleSeconds");
        }
    }
}
