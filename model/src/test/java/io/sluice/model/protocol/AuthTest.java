package io.sluice.model.protocol;

import static io.sluice.model.binlog.V4Events.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuthTest {

    private static final String PASSWORD = "s3cr3t-Pa55";
    private static final byte[] NONCE = HandshakeTest.NONCE;

    @Test
    void nativeScrambleKnownAnswerFromTheFormula() throws Exception {
        // SHA1(pw) XOR SHA1(nonce ‖ SHA1(SHA1(pw))), computed here with MessageDigest only
        byte[] stage1 = MessageDigest.getInstance("SHA-1").digest(PASSWORD.getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = MessageDigest.getInstance("SHA-1").digest(stage1);
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update(NONCE);
        md.update(stage2);
        byte[] mask = md.digest();
        byte[] expected = new byte[20];
        for (int i = 0; i < 20; i++) {
            expected[i] = (byte) (stage1[i] ^ mask[i]);
        }
        assertThat(Auth.nativeScramble(PASSWORD, NONCE)).isEqualTo(expected);
        // the same value from Python's hashlib, so neither side can drift unnoticed
        assertThat(expected).isEqualTo(hex("1f0627fb666e7ec6b86787ec0dbf32729a719e2a"));
        assertThat(Auth.nativeHash(PASSWORD)).isEqualTo(stage2)
                .isEqualTo(hex("c7c015b29985c855089f57e8fb50e9dcfe689ed9"));
    }

    @Test
    void sha2ScrambleKnownAnswer() throws Exception {
        // SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) ‖ nonce)
        byte[] stage1 = MessageDigest.getInstance("SHA-256").digest(PASSWORD.getBytes(StandardCharsets.UTF_8));
        byte[] stage2 = MessageDigest.getInstance("SHA-256").digest(stage1);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(stage2);
        md.update(NONCE);
        byte[] mask = md.digest();
        byte[] expected = new byte[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (byte) (stage1[i] ^ mask[i]);
        }
        assertThat(Auth.sha2Scramble(PASSWORD, NONCE)).isEqualTo(expected).isEqualTo(HandshakeTest.SHA2_RESPONSE);
        assertThat(Auth.sha2Hash(PASSWORD))
                .isEqualTo(hex("ebd0bfbc39bd66ec4433258574e508618d56a567930013fbb4ae374b53c5c339"));
    }

    @Test
    void nativeScrambleVerifies() {
        byte[] nonce = Auth.nonce();
        byte[] response = Auth.nativeScramble(PASSWORD, nonce);
        assertThat(response).hasSize(20);
        assertThat(Auth.verifyNative(response, nonce, Auth.nativeHash(PASSWORD))).isTrue();
        assertThat(Auth.verifyNative(response, nonce, Auth.nativeHash("wrong"))).isFalse();
        assertThat(Auth.verifyNative(Auth.nativeScramble("wrong", nonce), nonce, Auth.nativeHash(PASSWORD)))
                .isFalse();
        assertThat(Auth.verifyNative(response, Auth.nonce(), Auth.nativeHash(PASSWORD))).isFalse();
        assertThat(Auth.verifyNative(new byte[19], nonce, Auth.nativeHash(PASSWORD))).isFalse();
    }

    @Test
    void sha2ScrambleVerifies() {
        byte[] nonce = Auth.nonce();
        byte[] response = Auth.sha2Scramble(PASSWORD, nonce);
        assertThat(response).hasSize(32);
        assertThat(Auth.verifySha2(response, nonce, Auth.sha2Hash(PASSWORD))).isTrue();
        assertThat(Auth.verifySha2(response, nonce, Auth.sha2Hash("wrong"))).isFalse();
        assertThat(Auth.verifySha2(Auth.sha2Scramble("wrong", nonce), nonce, Auth.sha2Hash(PASSWORD))).isFalse();
        assertThat(Auth.verifySha2(response, Auth.nonce(), Auth.sha2Hash(PASSWORD))).isFalse();
        assertThat(Auth.verifySha2(Auth.nativeScramble(PASSWORD, nonce), nonce, Auth.sha2Hash(PASSWORD))).isFalse();
    }

    @Test
    void nonUsAsciiPasswordsAreUtf8() {
        byte[] nonce = Auth.nonce();
        String pw = "pässwörd-密码";
        assertThat(Auth.verifyNative(Auth.nativeScramble(pw, nonce), nonce, Auth.nativeHash(pw))).isTrue();
        assertThat(Auth.verifySha2(Auth.sha2Scramble(pw, nonce), nonce, Auth.sha2Hash(pw))).isTrue();
    }

    @Test
    void nonceWithTrailingNulIsCutTo20Bytes() {
        // a client may pass the 21 bytes of auth-plugin-data including its NUL
        byte[] with21 = Arrays.copyOf(NONCE, 21);
        assertThat(Auth.nativeScramble(PASSWORD, with21)).isEqualTo(Auth.nativeScramble(PASSWORD, NONCE));
        assertThat(Auth.sha2Scramble(PASSWORD, with21)).isEqualTo(Auth.sha2Scramble(PASSWORD, NONCE));
    }

    @Test
    void emptyPasswordMeansEmptyResponse() {
        byte[] nonce = Auth.nonce();
        assertThat(Auth.nativeScramble("", nonce)).isEmpty();
        assertThat(Auth.nativeScramble(null, nonce)).isEmpty();
        assertThat(Auth.sha2Scramble("", nonce)).isEmpty();
        assertThat(Auth.sha2Scramble(null, nonce)).isEmpty();
        // an account without password stores an empty hash: only an empty response matches it
        assertThat(Auth.verifyNative(new byte[0], nonce, new byte[0])).isTrue();
        assertThat(Auth.verifySha2(new byte[0], nonce, new byte[0])).isTrue();
        assertThat(Auth.verifyNative(Auth.nativeScramble("x", nonce), nonce, new byte[0])).isFalse();
        assertThat(Auth.verifySha2(Auth.sha2Scramble("x", nonce), nonce, new byte[0])).isFalse();
        // and an empty response never matches a password
        assertThat(Auth.verifyNative(new byte[0], nonce, Auth.nativeHash(PASSWORD))).isFalse();
        assertThat(Auth.verifySha2(new byte[0], nonce, Auth.sha2Hash(PASSWORD))).isFalse();
    }

    @Test
    void nonceIs20PrintableBytesWithoutDollar() {
        for (int i = 0; i < 2000; i++) {
            byte[] nonce = Auth.nonce();
            assertThat(nonce).hasSize(20);
            for (byte b : nonce) {
                assertThat((int) b).isBetween(1, 127).isNotEqualTo((int) '$');
            }
        }
        assertThat(Auth.nonce()).isNotEqualTo(Auth.nonce());
    }

    @Test
    void passwordXoredWithNonceForFullAuthentication() {
        byte[] x = Auth.xorPasswordWithNonce("ab", NONCE);
        assertThat(x).containsExactly((byte) ('a' ^ NONCE[0]), (byte) ('b' ^ NONCE[1]), NONCE[2]); // NUL ^ nonce
        byte[] long25 = Auth.xorPasswordWithNonce("x".repeat(24), NONCE);
        assertThat(long25).hasSize(25);
        assertThat(long25[21]).isEqualTo((byte) ('x' ^ NONCE[1])); // the nonce repeats
    }
}
