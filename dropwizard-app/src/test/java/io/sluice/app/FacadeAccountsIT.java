package io.sluice.app;

import io.dropwizard.testing.DropwizardTestSupport;
import io.sluice.ingest.client.SourceClient;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;
import io.sluice.testkit.KafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Facade accounts configured by their hashes only, as {@code sluice hash-password} prints them, with a real
 * client (Connector/J) and Sluice's own replication client against a node on a real Kafka cluster: both plugins log
 * in, a wrong password is refused, a replication account may dump but not kill another account's connection, an
 * administrator may, and a file with a plain-text password is refused.
 */
class FacadeAccountsIT {
    private static final String REPL_PASSWORD = io.sluice.testkit.TestPasswords.used("Repl-Pa55-word");
    private static final String OPS_PASSWORD = io.sluice.testkit.TestPasswords.used("0ps-Adm1n-word");
    private static final int IDLE_SECONDS = 5;
    private static KafkaCluster kafka;
    private static DropwizardTestSupport<SluiceConfiguration> app;
    private static int facadePort;
    private static Path config;
    private static String opsSha2;

    /** The hashes {@code hash-password} prints for {@code password}: caching_sha2, then native. */
    private static String[] hashes(String password, String user, String role) {
        SluiceCli.Result r = SluiceCli.runWithInput(password + "\n", "hash-password", "--user", user, "--role", role);
        assertThat(r.exitStatus()).as("%s", r).isZero();
        assertThat(r.out()).doesNotContain(password).contains("- user: " + user, "role: " + role);
        Matcher sha2 = Pattern.compile("caching_sha2_password: \"([0-9a-f]{64})\"").matcher(r.out());
        Matcher nat = Pattern.compile("mysql_native_password: \"(\\*[0-9A-F]{40})\"").matcher(r.out());
        assertThat(sha2.find()).as(r.out()).isTrue();
        assertThat(nat.find()).as(r.out()).isTrue();
        return new String[] {sha2.group(1), nat.group(1)};
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        try (ServerSocket s = new ServerSocket(0)) {
            facadePort = s.getLocalPort();
        }
        String[] repl = hashes(REPL_PASSWORD, "repl", "replication");
        String[] ops = hashes(OPS_PASSWORD, "ops", "admin");
        opsSha2 = ops[0];
        config = TestApp.configFile(kafka.bootstrapServers(), "sluice.binlog.accounts", facadePort, List.of(
                "idleTimeoutSeconds: " + IDLE_SECONDS,
                "failedLoginThreshold: 2",
                "users:",
                "  - user: repl",
                "    role: replication",
                "    caching_sha2_password: \"" + repl[0] + "\"",
                "    mysql_native_password: \"" + repl[1] + "\"",
                "  - user: ops",
                "    role: admin",
                "    caching_sha2_password: \"" + ops[0] + "\""), List.of());
        assertThat(Files.readString(config)).doesNotContain(REPL_PASSWORD).doesNotContain(OPS_PASSWORD);
        app = new DropwizardTestSupport<>(SluiceApplication.class, config.toString());
        app.before();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.after();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Connection connect(String user, String password, String plugin) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + facadePort + "/?user=" + user + "&password="
                + password + "&sslMode=DISABLED&allowPublicKeyRetrieval=true&defaultAuthenticationPlugin=" + plugin);
    }

    private static long connectionId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> processIds(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW PROCESSLIST")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    @Test
    void hashedAccountsLogInWithBothPluginsAndWrongPasswordsAreRefused() throws Exception {
        for (String plugin : List.of("caching_sha2_password", "mysql_native_password")) {
            try (Connection c = connect("repl", REPL_PASSWORD, plugin);
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("Log_name");
            }
            assertThatThrownBy(() -> connect("repl", "not-" + REPL_PASSWORD, plugin).close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1045));
        }
        // an account with a caching_sha2_password hash only: a client that starts with mysql_native_password is
        // switched to caching_sha2_password and logs in
        try (Connection c = connect("ops", OPS_PASSWORD, "mysql_native_password")) {
            assertThat(connectionId(c)).isPositive();
        }
        assertThatThrownBy(() -> connect("nobody", REPL_PASSWORD, "caching_sha2_password").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1045));
    }

    @Test
    void aReplicationAccountDumpsButKillsOnlyItsOwnConnections() throws Exception {
        try (Connection ops = connect("ops", OPS_PASSWORD, "caching_sha2_password");
             Connection repl = connect("repl", REPL_PASSWORD, "caching_sha2_password");
             Connection repl2 = connect("repl", REPL_PASSWORD, "caching_sha2_password")) {
            long opsId = connectionId(ops);
            long replId = connectionId(repl);
            long repl2Id = connectionId(repl2);

            assertThat(processIds(repl)).contains(replId, repl2Id).doesNotContain(opsId);
            assertThat(processIds(ops)).contains(opsId, replId, repl2Id);
            try (Statement st = repl.createStatement()) {
                assertThatThrownBy(() -> st.execute("KILL " + opsId)).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1095));
                st.execute("KILL " + repl2Id);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !processIds(ops).contains(repl2Id));
            try (Statement st = ops.createStatement()) {
                st.execute("KILL " + replId);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> processIds(ops).equals(List.of(opsId)));
        }
        // the replication account dumps (non-blocking, the topic is empty: the end of the stream comes at once)
        try (SourceClient c = SourceClient.connect("127.0.0.1", facadePort, "repl", REPL_PASSWORD,
                Duration.ofSeconds(10), Duration.ofSeconds(30))) {
            c.execute("SET @source_binlog_checksum = 'CRC32', @master_binlog_checksum = 'CRC32'");
            c.dumpGtid(0, GtidSet.EMPTY);
            SourceClient.EventPacket e;
            int events = 0;
            while ((e = c.nextEvent()) != null) {
                e.drain();
                events++;
            }
            assertThat(events).isLessThan(10);
        }
        assertThatThrownBy(() -> SourceClient.connect("127.0.0.1", facadePort, "repl", OPS_PASSWORD,
                Duration.ofSeconds(10), Duration.ofSeconds(10))).isInstanceOf(MysqlException.class);
    }

    private static long errors(int code) {
        return app.getEnvironment().metrics().counter("sluice.facade.errors." + code).getCount();
    }

    /** The time a login takes, in ms; it either succeeds or is refused with 1045. */
    private static long login(String password) {
        long t0 = System.nanoTime();
        try {
            connect("repl", password, "caching_sha2_password").close();
        } catch (SQLException e) {
            assertThat(e.getErrorCode()).isEqualTo(1045);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void failedLoginsSlowDownTheNextOnesUntilOneSucceeds() throws Exception {
        login(REPL_PASSWORD);
        login("wrong-1");
        login("wrong-2");
        assertThat(login("wrong-3")).as("past 2 failures: 1 s").isGreaterThanOrEqualTo(900);
        assertThat(login(REPL_PASSWORD)).as("3 failures: 2 s, even for the right password")
                .isGreaterThanOrEqualTo(1900);
        long t0 = System.nanoTime();
        try (Connection c = connect("repl", REPL_PASSWORD, "caching_sha2_password")) {
            assertThat((System.nanoTime() - t0) / 1_000_000).as("a success cleared the address").isLessThan(900);
        }
    }

    @Test
    void anIdleClientIsDisconnectedAndADumpingOneIsNot() throws Exception {
        long before = errors(4031);
        try (SourceClient dump = SourceClient.connect("127.0.0.1", facadePort, "repl", REPL_PASSWORD,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
             Connection idle = connect("repl", REPL_PASSWORD, "caching_sha2_password")) {
            dump.execute("SET @source_binlog_checksum = 'CRC32', @master_binlog_checksum = 'CRC32'");
            dump.dumpGtid(77, GtidSet.EMPTY);
            Thread.sleep((IDLE_SECONDS + 2) * 1000L);
            assertThatThrownBy(() -> {
                try (Statement st = idle.createStatement()) {
                    st.executeQuery("SELECT 1").close();
                }
            }).isInstanceOf(SQLException.class);
            assertThat(errors(4031)).isEqualTo(before + 1);
            try (Connection ops = connect("ops", OPS_PASSWORD, "caching_sha2_password")) {
                assertThat(processIds(ops)).hasSize(2);
            }
        }
    }

    @Test
    void aFileWithAPlainTextPasswordIsRefused() throws Exception {
        Path plain = Files.createTempFile("sluice-plain", ".yml");
        Files.writeString(plain, Files.readString(config).replace("    - user: ops\n",
                "    - user: plain\n      password: \"" + OPS_PASSWORD + "\"\n    - user: ops\n"));
        SluiceCli.Result r = SluiceCli.run("check", plain.toString());
        assertThat(r.exitStatus()).as("%s", r).isEqualTo(1);
        assertThat(r.out() + r.err()).contains("plain-text password").contains("hash-password")
                .doesNotContain(OPS_PASSWORD);

        Path noHash = Files.createTempFile("sluice-nohash", ".yml");
        Files.writeString(noHash, Files.readString(config).replace(opsSha2, "not-a-hash"));
        SluiceCli.Result bad = SluiceCli.run("check", noHash.toString());
        assertThat(bad.exitStatus()).as("%s", bad).isEqualTo(1);
        assertThat(bad.out() + bad.err()).contains("caching_sha2_password or mysql_native_password");
    }
}
