package io.sluice.model.protocol;

import static io.sluice.model.binlog.V4Events.hex;
import static io.sluice.model.binlog.V4Events.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    static final String CACHING_SHA2_HEX = "63616368696e675f736861325f70617373776f7264"; // "caching_sha2_password"

    /** The 20-byte nonce of {@link #GREETING}: printable bytes 1..127 without '$', as MySQL makes them. */
    static final byte[] NONCE = hex("2a175c310b6e4473", "213f680852197d4e29610e37");

    /**
     * Protocol::HandshakeV10 as MySQL 8.0.31 sends it with TLS available (send_server_handshake_packet in
     * {@code sql/auth/sql_authentication.cc}); the packet header would be {@code 4a 00 00 00}: 74 bytes, seq 0.
     */
    static final byte[] GREETING = hex(
            "0a",                       // protocol version 10
            "382e302e333100",           // server version "8.0.31", NUL-terminated
            "0c000000",                 // connection id 12
            "2a175c310b6e4473",         // auth-plugin-data part 1: nonce bytes 0..7
            "00",                       // filler
            "ffff",                     // capability flags, lower 16 bits (CLIENT_SSL and PROTOCOL_41 among them)
            "ff",                       // character set 255 = utf8mb4_0900_ai_ci
            "0200",                     // status flags SERVER_STATUS_AUTOCOMMIT
            "ffdf",                     // capability flags, upper 16 bits: 0xdfff
            "15",                       // length of auth-plugin-data: 21 = 20 + NUL
            "00000000000000000000",     // reserved, 10 bytes
            "213f680852197d4e29610e37", // auth-plugin-data part 2: nonce bytes 8..19 (max(13, 21 - 8) = 13 bytes
            "00",                       //   with the NUL)
            CACHING_SHA2_HEX, "00");    // auth plugin name "caching_sha2_password", NUL-terminated

    /** The caching_sha2_password response for "s3cr3t-Pa55" and {@link #NONCE}, computed with Python's hashlib. */
    static final byte[] SHA2_RESPONSE = hex("303dff1da282594fe4d621a63ac458713e73c8dea5fe263620ecbfbcb77689bf");

    /**
     * Protocol::HandshakeResponse41 of a replica's receiver connecting as "repl" (parse_client_handshake_packet in
     * {@code sql/auth/sql_authentication.cc}).
     */
    static final byte[] RESPONSE = hex(
            "05a2ff01",                 // capabilities 0x01ffa205: LONG_PASSWORD, LONG_FLAG, PROTOCOL_41,
                                        //   TRANSACTIONS, SECURE_CONNECTION, MULTI_STATEMENTS, MULTI_RESULTS,
                                        //   PS_MULTI_RESULTS, PLUGIN_AUTH, CONNECT_ATTRS,
                                        //   PLUGIN_AUTH_LENENC_CLIENT_DATA, CAN_HANDLE_EXPIRED_PASSWORDS,
                                        //   SESSION_TRACK, DEPRECATE_EOF
            "00000040",                 // max packet 1 GiB
            "ff",                       // character set 255
            "00".repeat(23),            // filler
            "7265706c00",               // user "repl", NUL-terminated
            "20",                       // auth response length 32 (lenenc: PLUGIN_AUTH_LENENC_CLIENT_DATA)
            toHex(SHA2_RESPONSE),       // auth response
            CACHING_SHA2_HEX, "00",     // plugin "caching_sha2_password"
            "41",                       // connection attributes: 65 bytes
            "0c5f636c69656e745f6e616d65", "086c69626d7973716c", // "_client_name" = "libmysql"
            "0f5f636c69656e745f76657273696f6e", "06382e302e3331", // "_client_version" = "8.0.31"
            "0c70726f6772616d5f6e616d65", "066d7973716c64");   // "program_name" = "mysqld"

    @Test
    void parsesMysql8031Greeting() {
        assertThat(GREETING).hasSize(0x4a);
        Handshake h = Handshake.parse(GREETING);
        assertThat(h.serverVersion()).isEqualTo("8.0.31");
        assertThat(h.connectionId()).isEqualTo(12);
        assertThat(h.nonce()).hasSize(20).isEqualTo(NONCE);
        assertThat(h.capabilities()).isEqualTo(0xdfffffff);
        assertThat(h.capabilities() & Capabilities.SSL).isNotZero();
        assertThat(h.capabilities() & Capabilities.PLUGIN_AUTH).isNotZero();
        assertThat(h.charset()).isEqualTo(255);
        assertThat(h.status()).isEqualTo(Packets.STATUS_AUTOCOMMIT);
        assertThat(h.authPlugin()).isEqualTo(Auth.CACHING_SHA2);
    }

    @Test
    void encodesTheGreetingByteForByte() {
        Handshake h = new Handshake("8.0.31", 12, NONCE, 0xdfffffff, 255, Packets.STATUS_AUTOCOMMIT, Auth.CACHING_SHA2);
        assertThat(toHex(h.encode())).isEqualTo(toHex(GREETING));
    }

    @Test
    void greetingRoundTrip() {
        Handshake h = new Handshake("8.0.31-sluice", 4_000_000_000L, Auth.nonce(),
                Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
                        | Capabilities.TRANSACTIONS | Capabilities.DEPRECATE_EOF,
                45, 0, Auth.NATIVE);
        Handshake back = Handshake.parse(h.encode());
        assertThat(back).isEqualTo(h);
        assertThat(back.authPlugin()).isEqualTo(Auth.NATIVE);
        assertThat(back.connectionId()).isEqualTo(4_000_000_000L);
    }

    @Test
    void greetingWithoutPluginAuthDefaultsToNativePassword() {
        Handshake h = new Handshake("5.5.62", 3, NONCE, Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION,
                8, 2, "ignored");
        Handshake back = Handshake.parse(h.encode());
        assertThat(back.nonce()).isEqualTo(NONCE);
        assertThat(back.authPlugin()).isEqualTo(Auth.NATIVE);
    }

    @Test
    void greetingCopiesItsNonce() {
        byte[] nonce = NONCE.clone();
        Handshake h = new Handshake("8.0.31", 1, nonce, 0, 0, 0, Auth.NATIVE);
        nonce[0] = 0;
        h.nonce()[1] = 0;
        assertThat(h.nonce()).isEqualTo(NONCE);
    }

    @Test
    void anErrInsteadOfAGreetingIsThrown() {
        byte[] err = hex(
                "ff",   // ERR
                "6a04", // 1130 ER_HOST_NOT_PRIVILEGED, sent before the handshake without SQLSTATE
                "486f737420273130"); // "Host '10"
        assertThatThrownBy(() -> Handshake.parse(err))
                .isInstanceOfSatisfying(MysqlException.class, e -> assertThat(e.code()).isEqualTo(1130));
    }

    @Test
    void malformedGreetingsAreProtocolErrors() {
        byte[] v9 = GREETING.clone();
        v9[0] = 9;
        assertThatThrownBy(() -> Handshake.parse(v9)).isInstanceOf(MysqlProtocolException.class)
                .hasMessageContaining("9");
        for (int cut : new int[] {1, 5, 12, 20}) {
            byte[] truncated = Arrays.copyOf(GREETING, cut);
            assertThatThrownBy(() -> Handshake.parse(truncated)).as("cut at %d", cut)
                    .isInstanceOf(MysqlProtocolException.class);
        }
    }

    @Test
    void parsesAReplicaHandshakeResponse() {
        HandshakeResponse r = HandshakeResponse.parse(RESPONSE);
        assertThat(r.capabilities()).isEqualTo(0x01ffa205);
        assertThat(r.maxPacket()).isEqualTo(1L << 30);
        assertThat(r.charset()).isEqualTo(255);
        assertThat(r.user()).isEqualTo("repl");
        assertThat(r.authResponse()).isEqualTo(SHA2_RESPONSE);
        assertThat(r.database()).isNull();
        assertThat(r.authPlugin()).isEqualTo(Auth.CACHING_SHA2);
        assertThat(r.attributes()).containsExactly(
                Map.entry("_client_name", "libmysql"),
                Map.entry("_client_version", "8.0.31"),
                Map.entry("program_name", "mysqld"));
        assertThat(Auth.verifySha2(r.authResponse(), NONCE, Auth.sha2Hash("s3cr3t-Pa55"))).isTrue();
        assertThat(toHex(r.encode())).isEqualTo(toHex(RESPONSE));
    }

    @Test
    void responseRoundTripWithDatabaseAndOneByteAuthLength() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("_os", "Linux");
        attrs.put("_pid", "4242");
        int caps = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.PLUGIN_AUTH
                | Capabilities.CONNECT_WITH_DB | Capabilities.CONNECT_ATTRS;
        byte[] auth = Auth.nativeScramble("pw", NONCE);
        HandshakeResponse r = new HandshakeResponse(caps, 16_777_216, 33, "app", auth, "shop", Auth.NATIVE, attrs);
        HandshakeResponse back = HandshakeResponse.parse(r.encode());
        assertThat(back).isEqualTo(r);
        assertThat(back.maxPacket()).isEqualTo(16_777_216);
        assertThat(back.charset()).isEqualTo(33);
        assertThat(back.database()).isEqualTo("shop");
        assertThat(back.authPlugin()).isEqualTo(Auth.NATIVE);
        assertThat(back.authResponse()).isEqualTo(auth);
        assertThat(back.attributes()).containsExactlyEntriesOf(attrs);
    }

    @Test
    void responseRefusesProtocol40AndLongUsers() {
        byte[] old = RESPONSE.clone();
        old[1] &= ~0x02; // clear CLIENT_PROTOCOL_41 (bit 9)
        assertThatThrownBy(() -> HandshakeResponse.parse(old)).isInstanceOf(MysqlProtocolException.class);

        HandshakeResponse longUser = new HandshakeResponse(Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION,
                0, 255, "u".repeat(HandshakeResponse.MAX_USER + 1), new byte[0], null, "", Map.of());
        assertThatThrownBy(() -> HandshakeResponse.parse(longUser.encode()))
                .isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> HandshakeResponse.parse(Arrays.copyOf(RESPONSE, 40)))
                .isInstanceOf(MysqlProtocolException.class);
    }

    @Test
    void toStringNeverShowsTheAuthResponse() {
        byte[] auth = "SECRET-AUTH-BYTES-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        HandshakeResponse r = new HandshakeResponse(0x01ffa205, 0, 255, "repl", auth, "db", Auth.CACHING_SHA2,
                Map.of());
        String s = r.toString();
        assertThat(s).contains("repl")
                .doesNotContain("SECRET")
                .doesNotContain(toHex(auth).substring(0, 8))
                .doesNotContain(Arrays.toString(auth).substring(1, 12))
                .doesNotContain(Base64.getEncoder().encodeToString(auth).substring(0, 8));
        HandshakeResponse parsed = HandshakeResponse.parse(RESPONSE);
        assertThat(parsed.toString()).doesNotContain(toHex(SHA2_RESPONSE).substring(0, 8))
                .doesNotContain(Arrays.toString(SHA2_RESPONSE).substring(1, 12));
    }

    @Test
    void responseCopiesItsAuthBytes() {
        byte[] auth = SHA2_RESPONSE.clone();
        HandshakeResponse r = new HandshakeResponse(0x01ffa205, 0, 255, "repl", auth, null, "", Map.of());
        auth[0] = 0;
        r.authResponse()[1] = 0;
        assertThat(r.authResponse()).isEqualTo(SHA2_RESPONSE);
    }

    @Test
    void recognisesAnSslRequest() {
        byte[] sslRequest = hex(
                "05aaff01",       // capabilities 0x01ffaa05: as RESPONSE plus CLIENT_SSL (0x0800)
                "00000040",       // max packet 1 GiB
                "ff",             // character set 255
                "00".repeat(23)); // filler; nothing more: the TLS handshake follows
        assertThat(sslRequest).hasSize(32);
        assertThat(HandshakeResponse.isSslRequest(sslRequest)).isTrue();

        byte[] withoutSsl = sslRequest.clone();
        withoutSsl[1] = (byte) 0xa2;
        assertThat(HandshakeResponse.isSslRequest(withoutSsl)).isFalse();
        assertThat(HandshakeResponse.isSslRequest(RESPONSE)).isFalse();
        assertThat(HandshakeResponse.isSslRequest(Arrays.copyOf(sslRequest, 31))).isFalse();
    }
}
