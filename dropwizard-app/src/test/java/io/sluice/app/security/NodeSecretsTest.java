package io.sluice.app.security;

import io.sluice.app.SluiceConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeSecretsTest {
    private static final String KEY = SecretBox.newKey();
    private static final String KEY_ID = SecretBox.fromBase64(KEY).keyId();

    @Test
    void theConfiguredKeyComesFirstThenTheFileThenTheEnvironment(@TempDir Path dir) throws Exception {
        SluiceConfiguration.SecretsSettings settings = new SluiceConfiguration.SecretsSettings();
        settings.key = KEY;
        assertThat(NodeSecrets.box(settings, false, dir, Map.of(NodeSecrets.ENV, SecretBox.newKey()))
                .map(SecretBox::keyId)).contains(KEY_ID);

        settings.key = null;
        Path file = Files.writeString(dir.resolve("key"), KEY + "\n");
        settings.keyFile = file.toString();
        assertThat(NodeSecrets.box(settings, false, dir, Map.of()).map(SecretBox::keyId)).contains(KEY_ID);

        settings.keyFile = null;
        assertThat(NodeSecrets.box(settings, false, dir, Map.of(NodeSecrets.ENV, KEY)).map(SecretBox::keyId))
                .contains(KEY_ID);
    }

    @Test
    void anEmbeddedNodeMakesItsOwnKeyOnceReadableByItAlone(@TempDir Path dir) throws Exception {
        SluiceConfiguration.SecretsSettings none = new SluiceConfiguration.SecretsSettings();
        Optional<SecretBox> first = NodeSecrets.box(none, true, dir, Map.of());
        Optional<SecretBox> again = NodeSecrets.box(none, true, dir, Map.of());
        assertThat(first).isPresent();
        assertThat(again.map(SecretBox::keyId)).isEqualTo(first.map(SecretBox::keyId));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aNodeOnAnExistingClusterWithoutAKeyHasNone(@TempDir Path dir) {
        assertThat(NodeSecrets.box(new SluiceConfiguration.SecretsSettings(), false, dir, Map.of())).isEmpty();
        assertThat(dir.resolve("secrets.key")).doesNotExist();
    }

    @Test
    void anUnusableKeySaysWhereItCameFrom(@TempDir Path dir) {
        SluiceConfiguration.SecretsSettings settings = new SluiceConfiguration.SecretsSettings();
        settings.keyFile = dir.resolve("missing").toString();
        assertThatThrownBy(() -> NodeSecrets.box(settings, false, dir, Map.of()))
                .hasMessageContaining("secrets.keyFile").hasMessageContaining("missing");
        settings.keyFile = null;
        assertThatThrownBy(() -> NodeSecrets.box(settings, false, dir, Map.of(NodeSecrets.ENV, "c2hvcnQ=")))
                .hasMessageContaining(NodeSecrets.ENV).hasMessageContaining("32 bytes");
    }
}
