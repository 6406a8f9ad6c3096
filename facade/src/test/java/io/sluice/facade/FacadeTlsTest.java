package io.sluice.facade;

import com.codahale.metrics.MetricRegistry;
import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.Capabilities;
import io.sluice.model.protocol.Handshake;
import io.sluice.model.protocol.HandshakeResponse;
import io.sluice.model.protocol.MysqlException;
import io.sluice.model.protocol.PacketWriter;
import io.sluice.model.protocol.Packets;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Cipher;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS and caching_sha2_password full authentication on a real {@link FacadeServer} on loopback (no Kafka: no
 * statement here reads the topic), spoken to byte by byte by a small client written here, which upgrades its socket
 * with the JDK's TLS after the SSLRequest as libmysqlclient does, and by Connector/J. One server offers TLS, one
 * requires it, and one offers none.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FacadeTlsTest {
    private static final String SERVER_UUID = "5f0c6c1e-3f43-11ef-9e2a-0242ac120003";
    private static final int CAPABILITIES = Capabilities.LONG_PASSWORD | Capabilities.PROTOCOL_41
            | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.TRANSACTIONS | Capabilities.MULTI_RESULTS | Capabilities.DEPRECATE_EOF;
    private static final String HASHED = TestPasswords.fresh("facade-tls-hashed");
    private static final String STORED = TestPasswords.fresh("facade-tls-stored");
    private static final String RSA_USER_PASSWORD = TestPasswords.fresh("facade-tls-rsa");

    private static TestCertificates certs;
    private static MetricRegistry metrics;
    private static FacadeServer offering;
    private static FacadeServer requiring;
    private static FacadeServer plain;
    private static FacadeServer clientCerts;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("facade-tls"));
        Map<String, Account> accounts = Map.of(
                "hashed", Account.fromHashes("hashed", Account.sha2Hex(HASHED), null, false),
                "stored", Account.fromHashes("stored", Account.sha2CryptHex(STORED), null, false),
                "rsa", Account.fromHashes("rsa", Account.sha2CryptHex(RSA_USER_PASSWORD), null, false));
        Credentials credentials = Credentials.of(accounts);
        metrics = new MetricRegistry();
        offering = server(credentials, tls(false), new FacadeMetrics(metrics));
        requiring = server(credentials, tls(true), FacadeMetrics.unregistered());
        plain = server(credentials, null, FacadeMetrics.unregistered());
        clientCerts = server(credentials, FacadeTls.load(certs.serverCertPem(), certs.serverKeyPem(), certs.caPem(),
                true), FacadeMetrics.unregistered());
    }

    private static FacadeTls tls(boolean require) {
        return FacadeTls.load(certs.serverCertPem(), certs.serverKeyPem(), null, require);
    }

    private static FacadeServer server(Credentials credentials, FacadeTls tls, FacadeMetrics m) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        FacadeConfig config = new FacadeConfig("127.0.0.1", 0, 4243, SERVER_UUID, "8.0.31-sluice", "binlog",
                Map.of("bootstrap.servers", "127.0.0.1:" + deadPort), 100, 1 << 20, 1 << 30).withTls(tls);
        FacadeServer s = new FacadeServer(config, credentials, m);
        s.start();
        return s;
    }

    @AfterAll
    static void stop() {
        for (FacadeServer s : new FacadeServer[] {offering, requiring, plain, clientCerts}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static long fullAuthentications() {
        return metrics.counter(FacadeMetrics.PREFIX + "auth.full").getCount();
    }

    // --- the greeting and the upgrade

    @Test
    void clientSslIsAdvertisedOnlyWhenTlsIsConfigured() throws IOException {
        try (Client c = new Client(offering)) {
            assertThat(c.greeting().capabilities() & Capabilities.SSL).isNotZero();
        }
        try (Client c = new Client(plain)) {
            assertThat(c.greeting().capabilities() & Capabilities.SSL).isZero();
        }
    }

    @Test
    void afterAnSslRequestTheLoginGoesOnOverTlsWithSequenceIdTwo() throws Exception {
        long tlsBefore = metrics.counter(FacadeMetrics.PREFIX + "connections.tls").getCount();
        try (Client c = new Client(offering)) {
            Handshake h = c.greeting();
            c.startTls();
            assertThat(c.cipherSuite()).startsWith("TLS_");
            c.write(2, c.response("hashed", Auth.sha2Scramble(HASHED, h.nonce())));
            Packet fast = c.read();
            assertThat(fast.sequence).isEqualTo(3);
            assertThat(fast.payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(4);
            assertThat(Packets.isOk(ok.payload)).isTrue();
            c.write(0, new byte[] {0x0e}); // COM_PING, through TLS
            assertThat(Packets.isOk(c.read().payload)).isTrue();
        }
        assertThat(metrics.counter(FacadeMetrics.PREFIX + "connections.tls").getCount()).isEqualTo(tlsBefore + 1);
    }

    @Test
    void aSecondSslRequestIsRefused() throws Exception {
        try (Client c = new Client(offering)) {
            c.greeting();
            c.startTls();
            c.write(2, c.sslRequest());
            assertThat(Packets.parseErr(c.read().payload).code()).isEqualTo(1043);
        }
    }

    @Test
    void requireSecureTransportRefusesAPlainLoginWith3159BeforeAuthentication() throws Exception {
        try (Client c = new Client(requiring)) {
            Handshake h = c.greeting();
            c.write(1, c.response("hashed", Auth.sha2Scramble(HASHED, h.nonce())));
            Packet err = c.read();
            assertThat(err.sequence).isEqualTo(2);
            MysqlException e = Packets.parseErr(err.payload);
            assertThat(e.code()).isEqualTo(3159);
            assertThat(e.sqlState()).isEqualTo("HY000");
            assertThat(e.getMessage()).contains("Connections using insecure transport are prohibited while "
                    + "--require_secure_transport=ON.");
        }
        try (Client c = new Client(requiring)) {
            Handshake h = c.greeting();
            c.startTls();
            c.write(2, c.response("hashed", Auth.sha2Scramble(HASHED, h.nonce())));
            assertThat(c.read().payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
            assertThat(Packets.isOk(c.read().payload)).isTrue();
        }
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateItSignedGetIn() throws Exception {
        try (Client c = new Client(clientCerts)) {
            Handshake h = c.greeting();
            c.startTls(certs.clientKeyStore());
            c.write(2, c.response("hashed", Auth.sha2Scramble(HASHED, h.nonce())));
            assertThat(c.read().payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
            assertThat(Packets.isOk(c.read().payload)).isTrue();
        }
        try (Client c = new Client(clientCerts)) {
            Handshake h = c.greeting();
            // TLS 1.3: the client learns of the refusal when it reads
            assertThatThrownBy(() -> {
                c.startTls();
                c.write(2, c.response("hashed", Auth.sha2Scramble(HASHED, h.nonce())));
                c.read();
            }).isInstanceOf(IOException.class);
        }
    }

    // --- caching_sha2_password full authentication

    @Test
    void aStoredFormAccountTakesFullAuthenticationOnceThenTheFastPath() throws Exception {
        long before = fullAuthentications();
        try (Client c = new Client(offering)) {
            Handshake h = c.greeting();
            c.startTls();
            c.write(2, c.response("stored", Auth.sha2Scramble(STORED, h.nonce())));
            Packet more = c.read();
            assertThat(more.sequence).isEqualTo(3);
            assertThat(more.payload).containsExactly(0x01, Auth.PERFORM_FULL_AUTH);
            c.write(4, nulTerminated(STORED));
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(5);
            assertThat(Packets.isOk(ok.payload)).as("OK, without 01 03, after full authentication").isTrue();
        }
        assertThat(fullAuthentications()).isEqualTo(before + 1);
        try (Client c = new Client(offering)) {
            Handshake h = c.greeting();
            c.startTls();
            c.write(2, c.response("stored", Auth.sha2Scramble(STORED, h.nonce())));
            assertThat(c.read().payload).containsExactly(0x01, Auth.FAST_AUTH_SUCCESS);
            assertThat(Packets.isOk(c.read().payload)).isTrue();
        }
        assertThat(fullAuthentications()).as("the second login took the fast path").isEqualTo(before + 1);
        // a wrong password misses the cache, gets full authentication, and is refused there
        try (Client c = new Client(offering)) {
            Handshake h = c.greeting();
            c.startTls();
            c.write(2, c.response("stored", Auth.sha2Scramble("not-" + STORED, h.nonce())));
            assertThat(c.read().payload).containsExactly(0x01, Auth.PERFORM_FULL_AUTH);
            c.write(4, nulTerminated("not-" + STORED));
            MysqlException e = Packets.parseErr(c.read().payload);
            assertThat(e.code()).isEqualTo(1045);
            assertThat(e.getMessage()).contains("using password: YES");
        }
        assertThat(fullAuthentications()).isEqualTo(before + 1);
    }

    @Test
    void withoutTlsThePasswordComesEncryptedWithTheNodesRsaKey() throws Exception {
        try (Client c = new Client(plain)) {
            Handshake h = c.greeting();
            c.write(1, c.response("rsa", Auth.sha2Scramble(RSA_USER_PASSWORD, h.nonce())));
            assertThat(c.read().payload).containsExactly(0x01, Auth.PERFORM_FULL_AUTH);
            c.write(4, new byte[] {Auth.REQUEST_PUBLIC_KEY});
            Packet key = c.read();
            assertThat(key.sequence).isEqualTo(5);
            assertThat(key.payload[0]).isEqualTo((byte) 0x01);
            String pem = new String(key.payload, 1, key.payload.length - 1, StandardCharsets.US_ASCII);
            assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, publicKey(pem));
            c.write(6, cipher.doFinal(Auth.xorPasswordWithNonce(RSA_USER_PASSWORD, h.nonce())));
            Packet ok = c.read();
            assertThat(ok.sequence).isEqualTo(7);
            assertThat(Packets.isOk(ok.payload)).isTrue();
        }
        // a password sent in clear without TLS is never taken: it does not decrypt
        try (Client c = new Client(plain)) {
            Handshake h = c.greeting();
            c.write(1, c.response("stored", Auth.sha2Scramble(STORED, h.nonce())));
            assertThat(c.read().payload).containsExactly(0x01, Auth.PERFORM_FULL_AUTH);
            c.write(4, nulTerminated(STORED));
            assertThat(Packets.parseErr(c.read().payload).code()).isEqualTo(1045);
        }
    }

    @Test
    void connectorJVerifiesTheCertificateAndLogsInOverTls() throws Exception {
        try (Connection c = connectorJ(offering, "hashed", HASHED, "VERIFY_IDENTITY")) {
            assertThat(driverCipherSuite(c)).startsWith("TLS_");
            try (Statement st = c.createStatement()) {
                assertThat(st.executeQuery("SELECT @@GLOBAL.GTID_MODE").next()).isTrue();
            }
        }
        // the stored-form account, full authentication over TLS by the driver itself
        try (Connection c = connectorJ(offering, "stored", STORED, "VERIFY_IDENTITY")) {
            assertThat(driverCipherSuite(c)).startsWith("TLS_");
        }
        assertThatThrownBy(() -> connectorJ(requiring, "hashed", HASHED, "DISABLED").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(3159));
        // Connector/J's RSA path against the node's key
        try (Connection c = connectorJ(plain, "rsa", RSA_USER_PASSWORD, "DISABLED")) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    private static Connection connectorJ(FacadeServer server, String user, String password, String sslMode)
            throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + server.port() + "/?user=" + user
                + "&password=" + password + "&sslMode=" + sslMode + "&trustCertificateKeyStoreUrl="
                + certs.trustStore().toUri() + "&trustCertificateKeyStoreType=PKCS12"
                + "&trustCertificateKeyStorePassword=" + TestCertificates.STORE_PASSWORD
                + "&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=10000");
    }

    /** The cipher suite of the driver's own socket, or empty when it is not TLS. */
    static String driverCipherSuite(Connection c) throws Exception {
        com.mysql.cj.NativeSession session = (com.mysql.cj.NativeSession) c
                .unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getSession();
        Socket socket = session.getProtocol().getSocketConnection().getMysqlSocket();
        return socket instanceof SSLSocket s ? s.getSession().getCipherSuite() : "";
    }

    private static PublicKey publicKey(String pem) throws Exception {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
    }

    private static byte[] nulTerminated(String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(pw, pw.length + 1);
    }

    record Packet(int sequence, byte[] payload) {
    }

    /** A blocking client that shows every byte and sequence id, and upgrades to TLS as libmysqlclient does. */
    private static final class Client implements Closeable {
        private final Socket raw = new Socket();
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Client(FacadeServer server) throws IOException {
            raw.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            raw.setSoTimeout(10_000);
            socket = raw;
            in = raw.getInputStream();
            out = raw.getOutputStream();
        }

        Handshake greeting() throws IOException {
            Packet p = read();
            assertThat(p.sequence).isZero();
            return Handshake.parse(p.payload);
        }

        byte[] sslRequest() {
            return new PacketWriter().u32(CAPABILITIES | Capabilities.SSL).u32(1 << 24).u8(45).zeros(23)
                    .toByteArray();
        }

        /** SSLRequest (sequence 1), then the TLS handshake, checking the server's name against the test CA. */
        void startTls() throws Exception {
            startTls(null);
        }

        /** The same, presenting the key and certificate of {@code keyStore} (PKCS#12), unless {@code null}. */
        void startTls(Path keyStore) throws Exception {
            write(1, sslRequest());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream s = Files.newInputStream(certs.trustStore())) {
                trust.load(s, TestCertificates.STORE_PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.KeyManager[] keys = null;
            if (keyStore != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream s = Files.newInputStream(keyStore)) {
                    store.load(s, TestCertificates.STORE_PASSWORD.toCharArray());
                }
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, TestCertificates.STORE_PASSWORD.toCharArray());
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, tmf.getTrustManagers(), null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(),
                    true);
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
        }

        String cipherSuite() {
            return ((SSLSocket) socket).getSession().getCipherSuite();
        }

        byte[] response(String user, byte[] auth) {
            int caps = CAPABILITIES | (socket instanceof SSLSocket ? Capabilities.SSL : 0);
            return new HandshakeResponse(caps, 16 * 1024 * 1024, 45, user, auth, null, Auth.CACHING_SHA2, Map.of())
                    .encode();
        }

        void write(int sequence, byte[] payload) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(payload.length);
            b.write(payload.length >>> 8);
            b.write(payload.length >>> 16);
            b.write(sequence);
            b.writeBytes(payload);
            out.write(b.toByteArray());
            out.flush();
        }

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

        @Override
        public void close() throws IOException {
            socket.close();
            raw.close();
        }
    }
}
