package io.sluice.app.security;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {
    private static final String TOPIC = "sluice.binlog";
    private final SecretBox box = SecretBox.fromBase64(SecretBox.newKey());

    @Test
    void sealsWithoutTheSecretAndOpensWithTheSameKeyAndTopic() {
        String secret = "s3cret-Pässword-with-unicode";
        String sealed = box.seal(secret, TOPIC);
        assertThat(sealed).startsWith("sluice-sealed:v1:" + box.keyId() + ":").doesNotContain(secret)
                .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes()));
        assertThat(SecretBox.isSealed(sealed)).isTrue();
        assertThat(box.open(sealed, TOPIC)).isEqualTo(secret);
        // a fresh nonce each time: the same secret never seals to the same text
        assertThat(box.seal(secret, TOPIC)).isNotEqualTo(sealed);
    }

    @Test
    void anotherKeyIsNamedWithBothIds() {
        SecretBox other = SecretBox.fromBase64(SecretBox.newKey());
        String sealed = other.seal("x-password", TOPIC);
        assertThatThrownBy(() -> box.open(sealed, TOPIC)).isInstanceOf(SecretBox.SealedSecretException.class)
                .hasMessageContaining(other.keyId()).hasMessageContaining(box.keyId())
                .hasMessageNotContaining("x-password");
    }

    @Test
    void anAlteredValueOrAnotherTopicIsRefused() {
        String sealed = box.seal("y-password", TOPIC);
        char last = sealed.charAt(sealed.length() - 3);
        String altered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A')
                + sealed.substring(sealed.length() - 2);
        assertThatThrownBy(() -> box.open(altered, TOPIC)).isInstanceOf(SecretBox.SealedSecretException.class)
                .hasMessageContaining("altered");
        assertThatThrownBy(() -> box.open(sealed, "other.topic")).isInstanceOf(SecretBox.SealedSecretException.class)
                .hasMessageContaining("other.topic");
        assertThatThrownBy(() -> box.open("plain", TOPIC)).isInstanceOf(SecretBox.SealedSecretException.class)
                .hasMessageContaining("not a sealed value");
        assertThatThrownBy(() -> box.open("sluice-sealed:v1:" + box.keyId() + ":AAAA", TOPIC))
                .isInstanceOf(SecretBox.SealedSecretException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> box.open("sluice-sealed:v1:" + box.keyId() + ":%%%", TOPIC))
                .isInstanceOf(SecretBox.SealedSecretException.class).hasMessageContaining("not base64");
    }

    @Test
    void keysMustBe32BytesOfBase64() {
        assertThatThrownBy(() -> SecretBox.fromBase64("not base64!")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> SecretBox.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes").hasMessageContaining("16");
        assertThat(Base64.getDecoder().decode(SecretBox.newKey())).hasSize(32);
        assertThat(box.toString()).contains(box.keyId());
    }
}
