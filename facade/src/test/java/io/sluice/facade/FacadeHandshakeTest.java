package io.sluice.facade;

import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.Handshake;
import io.sluice.model.protocol.HandshakeResponse;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.PacketReader;
import io.sluice.model.protocol.PacketWriter;
import io.sluice.model.protocol.Packets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real {@link FacadeServer} on a loopback port, spoken to by a small blocking client written here (so every
 * byte and sequence id is visible) and by MySQL Connector/J. No Kafka runs: the consumer config points at a
 * closed port, and no statement here reads the topic.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FacadeHandshakeTest {
    private static final String SERVER_UUID = "5f0c6c1e-3f43-11ef-9e2a-0242ac120002";
    private static final String VERSION = "8.0.31-sluice";
    private static final String PASSWORD = "s3cret-Pässword";
    /** Short, so tests of clients that stall in the handshake do not wait MySQL's 10 s. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int BASE_CAPABILITIES = Capabilities.LONG_PASSWORD | Capabilities.PROTOCOL_41
            | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.TRANSACTIONS | Capabilities.MULTI_RESULTS;

    private static FacadeServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        FacadeConfig config = new FacadeConfig("127.0.0.1", 0, 4242, SERVER_UUID, VERSION, "binlog",
                Map.of("bootstrap.servers", "127.0.0.1:" + deadPort), 100, 1 << 20, 1 << 30);
        Map<String, String> accounts = Map.of("repl", PASSWORD, "nopass", "");
        server = new FacadeServer(config, user -> Optional.ofNullable(accounts.get(user)), CONNECT_TIMEOUT);
        server.start();
        port = server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // --- greeting and authentication

    @Test
    void greetingIsHandshakeV10WithCachingSha2AndAPrintableNonce() throws IOException {
        try (Client c = new Client()) {
            Packet p = c.read();
            assertThat(p.sequence).isZero();
            Handshake h = Handshake.parse(p.payload);
            assertThat(h.serverVersion()).isEqualTo(VERSION);
            assertThat(h.authPlugin()).isEqualTo(Auth.CACHING_SHA2);
            assertThat(h.nonce()).hasSize(20);
            for (byte b : h.nonce()) {
                assertThat(b & 0xff).isBetween(1, 127).isNotEqualTo((int) '$');
            }
            assertThat(h.capabilities() & Capabilities.PROTOCOL_41).isNotZero();
            assertThat(h.capabilities() & Capabilities.DEPRECATE_EOF).isNotZero();
            // nothing advertised that the facade does not implement
            assertThat(h.capabilities() & (Capabilities.SSL | Capabilities.COMPRESS | Capabilities.QUERY_ATTRIBUTES
                    | Capabilities.ZSTD_COMPRESSION | Capabilities.SESSION_TRACK)).isZero();
            assertThat(h.status() & Packets.STATUS_AUTOCOMMIT).isNotZero();
        }
    }

    @Test
    void cachingSha2FastPath() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", Auth.sha2Scramble(PASSWORD, h.nonce()), Auth.CACHING_SHA2, 0));
            Packet fast = c.read();
            assertThat(fast.sequence).isEqualTo(2);
            assertThat(fast.payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(3);
            assertThat(Packets.isOk(ok.payload)).as("OK after fast auth").isTrue();
            assertThat(c.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
        }
    }

    @Test
    void nativePasswordIsAccepted() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", Auth.nativeScramble(PASSWORD, h.nonce()), Auth.NATIVE, 0));
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(2);
            assertThat(Packets.isOk(ok.payload)).isTrue();
            assertThat(c.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256_password", "mysql_clear_password", "authentication_ldap_sasl_client", ""})
    void anotherPluginIsSwitchedToCachingSha2(String plugin) throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", new byte[] {1, 2, 3}, plugin, 0));
            Packet sw = c.read();
            assertThat(sw.sequence).isEqualTo(2);
            PacketReader r = new PacketReader(sw.payload);
            assertThat(r.u8()).as("AuthSwitchRequest").isEqualTo(0xfe);
            assertThat(r.nulString()).isEqualTo(Auth.CACHING_SHA2);
            byte[] data = r.rest();
            assertThat(Arrays.copyOf(data, 20)).as("the greeting's nonce").isEqualTo(h.nonce());
            assertThat(data).hasSize(21).endsWith(0);

            c.write(3, Auth.sha2Scramble(PASSWORD, h.nonce()));
            Packet fast = c.read();
            assertThat(fast.sequence).isEqualTo(4);
            assertThat(fast.payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(5);
            assertThat(Packets.isOk(ok.payload)).isTrue();
            assertThat(c.query("SELECT @@GLOBAL.SERVER_UUID").rows).containsExactly(List.of(SERVER_UUID));
        }
    }

    /**
     * What libmariadb and libmysqlclient send when told to use mysql_native_password while the greeting names
     * caching_sha2_password, and what a MariaDB replica's I/O thread sends (its default plugin is native): the
     * nonce was for another plugin, so an empty response, and they wait for a switch. The facade switches them to
     * the plugin they asked for (MariaDB's replication client has no caching_sha2_password).
     */
    @Test
    void nativeClientWithoutAScrambleIsSwitchedToNative() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", new byte[0], Auth.NATIVE, 0));
            Packet sw = c.read();
            assertThat(sw.sequence).isEqualTo(2);
            PacketReader r = new PacketReader(sw.payload);
            assertThat(r.u8()).as("AuthSwitchRequest, not access denied").isEqualTo(0xfe);
            assertThat(r.nulString()).isEqualTo(Auth.NATIVE);
            byte[] data = r.rest();
            assertThat(Arrays.copyOf(data, 20)).as("the greeting's nonce").isEqualTo(h.nonce());
            assertThat(data).hasSize(21).endsWith(0);

            c.write(3, Auth.nativeScramble(PASSWORD, h.nonce()));
            Packet ok = c.read();
            assertThat(ok.sequence).as("OK at once: no fast-auth packet for native").isEqualTo(4);
            assertThat(Packets.isOk(ok.payload)).isTrue();
            assertThat(c.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
        }
    }

    @Test
    void nativeClientWithoutAScrambleAndAWrongPasswordIsDeniedAfterTheSwitch() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", new byte[0], Auth.NATIVE, 0));
            assertThat(c.read().payload[0] & 0xff).isEqualTo(0xfe);
            c.write(3, Auth.nativeScramble("wrong", h.nonce()));
            assertDenied(c.read(), "repl", "YES");
            c.assertClosed();
        }
    }

    @Test
    void aCachingSha2AnswerToTheNativeSwitchIsDenied() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", new byte[0], Auth.NATIVE, 0));
            assertThat(c.read().payload[0] & 0xff).isEqualTo(0xfe);
            c.write(3, Auth.sha2Scramble(PASSWORD, h.nonce()));
            assertDenied(c.read(), "repl", "YES");
            c.assertClosed();
        }
    }

    @Test
    void accountWithoutPasswordLogsInWithAnEmptyNativeResponse() throws IOException {
        try (Client c = new Client()) {
            c.greeting();
            c.write(1, c.response("nopass", new byte[0], Auth.NATIVE, 0));
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(2);
            assertThat(Packets.isOk(ok.payload)).as("no switch for an account without a password").isTrue();
        }
    }

    @Test
    void wrongPasswordAfterASwitchIsDenied() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", new byte[0], "sha256_password", 0));
            assertThat(c.read().payload[0] & 0xff).isEqualTo(0xfe);
            c.write(3, Auth.sha2Scramble("wrong", h.nonce()));
            Packet err = c.read();
            assertThat(err.sequence).isEqualTo(4);
            assertDenied(err, "repl", "YES");
            c.assertClosed();
        }
    }

    @Test
    void wrongPasswordIsDenied() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", Auth.sha2Scramble("not-the-password", h.nonce()), Auth.CACHING_SHA2, 0));
            Packet err = c.read();
            assertThat(err.sequence).isEqualTo(2);
            assertDenied(err, "repl", "YES");
            c.assertClosed();
        }
    }

    @Test
    void wrongNativePasswordIsDenied() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("repl", Auth.nativeScramble("not-the-password", h.nonce()), Auth.NATIVE, 0));
            assertDenied(c.read(), "repl", "YES");
            c.assertClosed();
        }
    }

    @Test
    void missingPasswordIsDenied() throws IOException {
        try (Client c = new Client()) {
            c.greeting();
            c.write(1, c.response("repl", new byte[0], Auth.CACHING_SHA2, 0));
            assertDenied(c.read(), "repl", "NO");
            c.assertClosed();
        }
    }

    @Test
    void unknownUserIsDenied() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            c.write(1, c.response("mallory", Auth.sha2Scramble(PASSWORD, h.nonce()), Auth.CACHING_SHA2, 0));
            assertDenied(c.read(), "mallory", "YES");
            c.assertClosed();
        }
    }

    @Test
    void accountWithoutPasswordLogsInWithAnEmptyResponse() throws IOException {
        try (Client c = new Client()) {
            c.greeting();
            c.write(1, c.response("nopass", new byte[0], Auth.CACHING_SHA2, 0));
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(2);
            assertThat(Packets.isOk(ok.payload)).as("no fast-auth byte for an empty password").isTrue();
        }
    }

    @Test
    void sslRequestIsRefused() throws IOException {
        try (Client c = new Client()) {
            c.greeting();
            c.write(1, new PacketWriter().u32(BASE_CAPABILITIES | Capabilities.SSL).u32(1 << 24).u8(45).zeros(23)
                    .toByteArray());
            MysqlException e = Packets.parseErr(c.read().payload);
            assertThat(e.code()).isEqualTo(1043);
            c.assertClosed();
        }
    }

    private static void assertDenied(Packet p, String user, String usingPassword) {
        assertThat(Packets.isErr(p.payload)).as("ERR packet").isTrue();
        MysqlException e = Packets.parseErr(p.payload);
        assertThat(e.code()).isEqualTo(1045);
        assertThat(e.sqlState()).isEqualTo("28000");
        assertThat(e.getMessage()).isEqualTo("Access denied for user '" + user + "'@'127.0.0.1' (using password: "
                + usingPassword + ")");
    }

    // --- commands

    @Test
    void queryWithClassicEofPackets() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            Result r = c.query("SELECT @@GLOBAL.GTID_MODE");
            assertThat(r.columns).containsExactly("@@GLOBAL.GTID_MODE");
            assertThat(r.rows).containsExactly(List.of("ON"));
            // count, definition, EOF, row, EOF; sequence ids 1..5 after the command's 0
            assertThat(r.packets).extracting(p -> p.sequence).containsExactly(1, 2, 3, 4, 5);
            assertThat(r.packets.get(2).payload).as("EOF after the definitions").containsExactly(0xfe, 0, 0, 2, 0);
            assertThat(r.packets.get(4).payload).as("EOF after the rows").containsExactly(0xfe, 0, 0, 2, 0);
        }
    }

    @Test
    void queryWithDeprecateEof() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, Capabilities.DEPRECATE_EOF)) {
            Result r = c.query("SELECT @@GLOBAL.GTID_MODE");
            assertThat(r.rows).containsExactly(List.of("ON"));
            // count, definition, row, OK with the 0xFE header
            assertThat(r.packets).extracting(p -> p.sequence).containsExactly(1, 2, 3, 4);
            assertThat(r.packets.get(3).payload).containsExactly(0xfe, 0, 0, 2, 0, 0, 0);
        }
    }

    @Test
    void replicaConversationBeforeTheDump() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            assertThat(Long.parseLong(c.query("SELECT UNIX_TIMESTAMP()").rows.get(0).get(0))).isPositive();
            assertThat(c.query("SELECT @@GLOBAL.SERVER_ID").rows).containsExactly(List.of("4242"));
            c.execute("SET @master_heartbeat_period= 30000001024, @source_heartbeat_period= 30000001024");
            c.execute("SET @master_binlog_checksum='NONE', @source_binlog_checksum='NONE'");
            assertThat(c.query("SELECT @source_binlog_checksum").rows).containsExactly(List.of("NONE"));
            assertThat(c.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
            assertThat(c.query("SELECT @@GLOBAL.SERVER_UUID").rows).containsExactly(List.of(SERVER_UUID));
            c.execute("SET @slave_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001', "
                    + "@replica_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001'");
            MysqlException semiSync = catchThrowableOfType(MysqlException.class,
                    () -> c.query("SELECT @@global.rpl_semi_sync_source_enabled"));
            assertThat(semiSync.code()).isEqualTo(1193);
            assertThat(c.query("SELECT VERSION()").rows).containsExactly(List.of(VERSION));
        }
    }

    @Test
    void unknownStatementGetsAnErrAndTheConnectionStaysUsable() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            c.write(0, command(0x03, "SHOW DATABASES"));
            Packet err = c.read();
            assertThat(err.sequence).isEqualTo(1);
            MysqlException e = Packets.parseErr(err.payload);
            assertThat(e.getMessage()).contains("SHOW DATABASES");
            assertThat(e.sqlState()).hasSize(5);
            assertThat(c.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
        }
    }

    @Test
    void pingInitDbAndUnknownCommand() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            c.write(0, new byte[] {0x0e});
            assertThat(Packets.isOk(c.read().payload)).as("COM_PING").isTrue();
            c.write(0, command(0x02, "mysql"));
            assertThat(Packets.isOk(c.read().payload)).as("COM_INIT_DB").isTrue();
            c.write(0, new byte[] {0x7f});
            Packet err = c.read();
            assertThat(err.sequence).isEqualTo(1);
            assertThat(Packets.parseErr(err.payload).code()).isEqualTo(1047);
            assertThat(c.query("SELECT @@server_id").rows).containsExactly(List.of("4242"));
        }
    }

    @Test
    void quitClosesTheConnection() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            c.write(0, new byte[] {0x01});
            c.assertClosed();
        }
    }

    @Test
    void commandWithSequenceIdOneIsOutOfOrder() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            c.write(1, command(0x03, "SELECT @@GLOBAL.GTID_MODE"));
            Packet err = c.read();
            assertThat(err.sequence).isEqualTo(2);
            MysqlException e = Packets.parseErr(err.payload);
            assertThat(e.code()).isEqualTo(1156);
            assertThat(e.sqlState()).isEqualTo("08S01");
            c.assertClosed();
        }
    }

    @Test
    void emptyCommandPacketIsMalformed() throws IOException {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            c.write(0, new byte[0]);
            assertThat(Packets.parseErr(c.read().payload).code()).isEqualTo(1835);
            c.assertClosed();
        }
    }

    // --- misbehaving clients: an ERR or a close, never a hang, and nobody else notices

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void garbageBeforeAuthenticationGetsAnErrOrAClose(int seed) throws IOException {
        byte[] garbage = new byte[16 + seed * 37];
        new Random(seed).nextBytes(garbage);
        try (Client c = new Client()) {
            c.greeting();
            c.out.write(garbage);
            c.out.flush();
            c.assertErrOrClose();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void randomPayloadInAWellFramedPacketGetsAnErrOrAClose(int seed) throws IOException {
        Random random = new Random(seed);
        byte[] payload = new byte[random.nextInt(120)];
        random.nextBytes(payload);
        if (seed % 2 == 0 && payload.length >= 4) {
            payload[1] |= (byte) (Capabilities.PROTOCOL_41 >>> 8); // get past the protocol check into the fields
        }
        try (Client c = new Client()) {
            c.greeting();
            c.write(1, payload);
            c.assertErrOrClose();
        }
    }

    @Test
    void nullConnectionAttributesAreAMalformedPacket() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            byte[] response = c.response("repl", Auth.sha2Scramble(PASSWORD, h.nonce()), Auth.CACHING_SHA2,
                    Capabilities.CONNECT_ATTRS);
            assertThat(response[response.length - 1]).as("the empty attribute block").isZero();
            response[response.length - 1] = (byte) 0xfb; // NULL instead of a length
            c.write(1, response);
            Packet err = c.read();
            assertThat(Packets.parseErr(err.payload).code()).isEqualTo(1835);
            c.assertClosed();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 8, 9, 31, 32, 33, 36, 38})
    void truncatedHandshakeResponseGetsAnErrOrAClose(int keep) throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            byte[] full = c.response("repl", Auth.sha2Scramble(PASSWORD, h.nonce()), Auth.CACHING_SHA2, 0);
            c.write(1, Arrays.copyOf(full, keep)); // a well-framed packet whose payload stops short
            c.assertErrOrClose();
        }
    }

    @Test
    void handshakeResponseThatNeverArrivesInFullIsCutOffAfterTheConnectTimeout() throws IOException {
        try (Client c = new Client()) {
            Handshake h = c.greeting();
            byte[] full = c.response("repl", Auth.sha2Scramble(PASSWORD, h.nonce()), Auth.CACHING_SHA2, 0);
            byte[] framed = MysqlPacketDecoderTest.frame(1, full);
            c.out.write(framed, 0, framed.length - 5); // the header promises more than is sent
            c.out.flush();
            long start = System.nanoTime();
            c.assertErrOrClose();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONNECT_TIMEOUT.plusSeconds(5));
        }
    }

    @Test
    void silentClientIsCutOffAndItsSlotFreed() throws IOException {
        try (Client c = new Client()) {
            c.greeting();
            assertThat(server.registry().size()).isPositive();
            c.assertErrOrClose();
        }
        // tests run one after another and close their clients: nothing is left once this one is gone
        await().atMost(Duration.ofSeconds(5)).until(() -> server.registry().size() == 0);
    }

    @Test
    void authenticatedClientIsNotCutOffByTheConnectTimeout() throws Exception {
        try (Client c = Client.login("repl", PASSWORD, 0)) {
            Thread.sleep(CONNECT_TIMEOUT.toMillis() + 500);
            assertThat(c.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
        }
    }

    @Test
    void misbehavingClientsDoNotDisturbOthers() throws Exception {
        try (Client good = Client.login("repl", PASSWORD, 0)) {
            List<Client> bad = new ArrayList<>();
            try {
                for (int seed = 0; seed < 4; seed++) {
                    Client b = new Client();
                    b.greeting();
                    byte[] garbage = new byte[200];
                    new Random(seed).nextBytes(garbage);
                    b.out.write(garbage);
                    b.out.flush();
                    bad.add(b);
                }
                Client out = Client.login("repl", PASSWORD, 0);
                bad.add(out);
                out.write(1, command(0x03, "SELECT 1"));
                assertThat(good.query("SELECT @@GLOBAL.GTID_MODE").rows).containsExactly(List.of("ON"));
                for (Client b : bad) {
                    b.assertErrOrClose();
                }
                assertThat(good.query("SELECT @@GLOBAL.SERVER_UUID").rows).containsExactly(List.of(SERVER_UUID));
                try (Client another = Client.login("repl", PASSWORD, Capabilities.DEPRECATE_EOF)) {
                    assertThat(another.query("SELECT @@server_id").rows).containsExactly(List.of("4242"));
                }
            } finally {
                for (Client b : bad) {
                    b.close();
                }
            }
        }
    }

    // --- the real driver

    @Test
    void connectorJ() throws SQLException {
        String url = "jdbc:mysql://127.0.0.1:" + port + "/?user=repl&password=" + PASSWORD
                + "&useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=10000";
        try (Connection conn = DriverManager.getConnection(url); Statement st = conn.createStatement()) {
            try (java.sql.ResultSet rs = st.executeQuery("SELECT @@GLOBAL.SERVER_UUID")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(SERVER_UUID);
                assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("@@GLOBAL.SERVER_UUID");
                assertThat(rs.next()).isFalse();
            }
            try (java.sql.ResultSet rs = st.executeQuery("SELECT @@GLOBAL.SERVER_ID AS id, @@GLOBAL.GTID_MODE")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("id")).isEqualTo(4242);
                assertThat(rs.getString(2)).isEqualTo("ON");
            }
            assertThat(conn.getMetaData().getDatabaseProductVersion()).isEqualTo(VERSION);
            assertThatThrownBy(() -> st.executeQuery("SHOW DATABASES"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("SHOW DATABASES");
            try (java.sql.ResultSet rs = st.executeQuery("SELECT @@GLOBAL.GTID_MODE")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ON");
            }
        }
    }

    @Test
    void connectorJWithAWrongPassword() {
        String url = "jdbc:mysql://127.0.0.1:" + port + "/?user=repl&password=wrong"
                + "&useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=10000";
        assertThatThrownBy(() -> DriverManager.getConnection(url).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied for user 'repl'");
    }

    // --- the test client

    private static byte[] command(int command, String argument) {
        return new PacketWriter().u8(command).string(argument).toByteArray();
    }

    private record Packet(int sequence, byte[] payload) {
    }

    private record Result(List<String> columns, List<List<String>> rows, List<Packet> packets) {
    }

    /** A blocking MySQL client over a socket, every read bounded by a timeout. */
    private static final class Client implements Closeable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;
        int capabilities = BASE_CAPABILITIES;

        Client() throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        static Client login(String user, String password, int extraCapabilities) throws IOException {
            Client c = new Client();
            try {
                Handshake h = c.greeting();
                c.write(1, c.response(user, Auth.sha2Scramble(password, h.nonce()), Auth.CACHING_SHA2,
                        extraCapabilities));
                assertThat(c.read().payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
                assertThat(Packets.isOk(c.read().payload)).isTrue();
                return c;
            } catch (IOException | RuntimeException | Error e) {
                c.close();
                throw e;
            }
        }

        Handshake greeting() throws IOException {
            Packet p = read();
            assertThat(p.sequence).isZero();
            return Handshake.parse(p.payload);
        }

        byte[] response(String user, byte[] auth, String plugin, int extraCapabilities) {
            capabilities = BASE_CAPABILITIES | extraCapabilities;
            return new HandshakeResponse(capabilities, 16 * 1024 * 1024, 45, user, auth, null, plugin, Map.of())
                    .encode();
        }

        void write(int sequence, byte[] payload) throws IOException {
            out.write(MysqlPacketDecoderTest.frame(sequence, payload));
            out.flush();
        }

        /** One packet (continuations are not expected from the facade's small answers). */
        Packet read() throws IOException {
            byte[] header = readFully(Packets.HEADER);
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            return new Packet(header[3] & 0xff, readFully(length));
        }

        private byte[] readFully(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("connection closed after " + b.length + " of " + n + " bytes");
            }
            return b;
        }

        /** COM_QUERY expecting a result set; an ERR is thrown as {@link MysqlException}. */
        Result query(String sql) throws IOException {
            write(0, command(0x03, sql));
            List<Packet> packets = new ArrayList<>();
            Packet first = read();
            packets.add(first);
            if (Packets.isErr(first.payload)) {
                throw Packets.parseErr(first.payload);
            }
            assertThat(Packets.isOk(first.payload)).as("a result set, not an OK").isFalse();
            int count = (int) new PacketReader(first.payload).lenencInt();
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Packet def = read();
                packets.add(def);
                PacketReader r = new PacketReader(def.payload);
                for (int skip = 0; skip < 4; skip++) {
                    r.lenencString(1024); // catalog, schema, table, org_table
                }
                columns.add(r.lenencString(1024));
            }
            if ((capabilities & Capabilities.DEPRECATE_EOF) == 0) {
                Packet eof = read();
                packets.add(eof);
                assertThat(Packets.isEof(eof.payload)).as("EOF after the column definitions").isTrue();
            }
            List<List<String>> rows = new ArrayList<>();
            while (true) {
                Packet p = read();
                packets.add(p);
                if ((p.payload[0] & 0xff) == Packets.EOF && p.payload.length < 9) {
                    break;
                }
                assertThat(Packets.isErr(p.payload)).as("ERR in the rows").isFalse();
                PacketReader r = new PacketReader(p.payload);
                List<String> row = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    row.add(r.lenencString(1 << 20));
                }
                rows.add(row);
            }
            for (int i = 0; i < packets.size(); i++) {
                assertThat(packets.get(i).sequence).as("sequence id of answer packet %d", i).isEqualTo(i + 1);
            }
            return new Result(columns, rows, packets);
        }

        /** COM_QUERY expecting OK. */
        void execute(String sql) throws IOException {
            write(0, command(0x03, sql));
            Packet p = read();
            if (Packets.isErr(p.payload)) {
                throw Packets.parseErr(p.payload);
            }
            assertThat(Packets.isOk(p.payload)).as("OK for %s", sql).isTrue();
            assertThat(p.sequence).isEqualTo(1);
        }

        /** The server closes the connection without sending anything more. */
        void assertClosed() throws IOException {
            try {
                assertThat(in.read()).as("end of stream").isEqualTo(-1);
            } catch (SocketException e) {
                // reset by the server: closed as well
            }
        }

        /** Whatever the server sends is one ERR packet; then it closes. A read timeout fails the test. */
        void assertErrOrClose() throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[256];
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered nor closed within " + READ_TIMEOUT_MS
                        + " ms; received " + got.size() + " bytes", e);
            } catch (SocketException e) {
                // reset by the server after it closed
            }
            byte[] b = got.toByteArray();
            if (b.length > 0) {
                assertThat(b.length).as("one whole packet").isGreaterThan(Packets.HEADER);
                int length = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16;
                assertThat(b.length).as("one whole packet").isEqualTo(Packets.HEADER + length);
                byte[] payload = Arrays.copyOfRange(b, Packets.HEADER, b.length);
                assertThat(Packets.isErr(payload)).as("an ERR packet: %s",
                        new String(payload, StandardCharsets.ISO_8859_1)).isTrue();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
