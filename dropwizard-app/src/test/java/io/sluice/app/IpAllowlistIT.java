package io.sluice.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sluice.ingest.client.SourceClient;
import io.sluice.model.protocol.MysqlException;
import io.sluice.testkit.KafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The IP allowlists of the facade ({@code facade.ipAllowlist}) and of the REST and admin ports
 * ({@code api.ipAllowlist}), on nodes with a real Kafka cluster: a loopback caller outside the lists gets MySQL's
 * ERR 1130 and HTTP 403, counted every time and logged once per address per minute; a list that holds the loopback
 * addresses (IPv4 and IPv6) lets it in.
 */
class IpAllowlistIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaCluster kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A node whose facade and API allow {@code allowed} only. */
    private static DropwizardTestSupport<SluiceConfiguration> node(String topic, List<String> allowed, int facadePort)
            throws Exception {
        String list = allowed.stream().map(a -> "\"" + a + "\"").toList().toString();
        Path config = TestApp.configFile(kafka.bootstrapServers(), topic, facadePort,
                List.of("ipAllowlist: " + list), List.of("api:", "  ipAllowlist: " + list));
        DropwizardTestSupport<SluiceConfiguration> app = new DropwizardTestSupport<>(SluiceApplication.class,
                config.toString());
        app.before();
        return app;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void callersOutsideTheListsAreRefusedCountedAndLoggedOncePerMinute() throws Exception {
        int facadePort = freePort();
        DropwizardTestSupport<SluiceConfiguration> app = node("sluice.binlog.allow1", List.of("10.0.0.0/8",
                "fd00::/8"), facadePort);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.setContext(context);
        logs.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
        try {
            for (int i = 0; i < 3; i++) {
                MysqlException e = catchThrowableOfType(MysqlException.class, () -> SourceClient.connect("127.0.0.1",
                        facadePort, "repl", "whatever", Duration.ofSeconds(5), Duration.ofSeconds(5)).close());
                assertThat(e.code()).isEqualTo(1130);
                assertThat(e.getMessage()).isEqualTo("Host '127.0.0.1' is not allowed to connect to this MySQL server");

                HttpResponse<String> rest = get(app.getLocalPort(), "/api/v1/syncer");
                assertThat(rest.statusCode()).isEqualTo(403);
                assertThat(rest.body()).contains("may not call");
                assertThat(get(app.getAdminPort(), "/healthcheck").statusCode()).isEqualTo(403);
                assertThat(get(app.getAdminPort(), "/prometheus").statusCode()).isEqualTo(403);
            }
            assertThat(app.getEnvironment().metrics().counter("sluice.facade.connections.refused").getCount())
                    .isEqualTo(3);
            assertThat(app.getEnvironment().metrics().counter("sluice.api.refused").getCount()).isEqualTo(9);
            List<String> warnings = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("refused")).toList();
            assertThat(warnings).filteredOn(m -> m.startsWith("facade refused a connection from 127.0.0.1"))
                    .hasSize(1);
            assertThat(warnings).filteredOn(m -> m.startsWith("API refused a request from 127.0.0.1")).hasSize(1);
        } finally {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logs);
            app.after();
        }
    }

    @Test
    void theLoopbackAddressesInTheListsAreLetIn() throws Exception {
        int facadePort = freePort();
        DropwizardTestSupport<SluiceConfiguration> app = node("sluice.binlog.allow2", List.of("10.0.0.0/8",
                "127.0.0.1/32", "::1"), facadePort);
        try {
            assertThat(get(app.getLocalPort(), "/api/v1/syncer").statusCode()).isEqualTo(200);
            assertThat(get(app.getAdminPort(), "/healthcheck").statusCode()).isIn(200, 500);
            // past the allowlist, the login itself is judged: no account has this password
            MysqlException e = catchThrowableOfType(MysqlException.class, () -> SourceClient.connect("127.0.0.1",
                    facadePort, "repl", "whatever", Duration.ofSeconds(5), Duration.ofSeconds(5)).close());
            assertThat(e.code()).isEqualTo(1045);
            assertThat(app.getEnvironment().metrics().counter("sluice.facade.connections.refused").getCount())
                    .isZero();
        } finally {
            app.after();
        }
    }

    @Test
    void aBadEntryStopsTheCheck() throws Exception {
        Path config = Files.createTempFile("sluice-allowlist-bad", ".yml");
        Files.writeString(config, "facade:\n  ipAllowlist: [\"10.0.0.0/33\"]\napi:\n  ipAllowlist: [\"db.example\"]\n");
        SluiceCli.Result r = SluiceCli.run("check", config.toString());
        assertThat(r.exitStatus()).as("%s", r).isEqualTo(1);
        assertThat(r.out() + r.err()).contains("facade.ipAllowlist").contains("api.ipAllowlist");
    }
}
