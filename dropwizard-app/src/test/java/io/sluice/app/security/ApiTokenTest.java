package io.sluice.app.security;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Bearer tokens: 256 random bits, and the SHA-256 the file holds. */
class ApiTokenTest {
    @Test
    void tokensAre256RandomBitsWithAPrefixAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = ApiToken.generate();
            assertThat(token).matches("sluice_[A-Za-z0-9_-]{43}");
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void theFileHoldsTheTokensSha256InHex() throws Exception {
        String token = io.sluice.testkit.TestPasswords.used(ApiToken.generate());
        String hex = ApiToken.sha256Hex(token);
        assertThat(hex).matches("[0-9a-f]{64}").isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))));
        assertThat(ApiToken.isSha256Hex(hex)).isTrue();
        assertThat(ApiToken.isSha256Hex(hex.toUpperCase())).isTrue();
        assertThat(ApiToken.parseSha256Hex(hex.toUpperCase())).isEqualTo(ApiToken.sha256(token));
        assertThat(ApiToken.isSha256Hex(token)).isFalse();
        assertThat(ApiToken.isSha256Hex(hex.substring(1))).isFalse();
        assertThat(ApiToken.isSha256Hex(null)).isFalse();
    }
}
