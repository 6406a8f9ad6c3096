package io.sluice.app.security;

import io.sluice.app.SluiceConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Finds this node's secrets key: {@code secrets.key}, else {@code secrets.keyFile}, else the environment variable
 * {@code SLUICE_SECRETS_KEY}, else, for an embedded (single-node) Kafka only, {@code <dataDir>/secrets.key}, made
 * on first start with permissions 0600. A node on an existing Kafka cluster with none of them has no key: it seals
 * nothing, and says so when asked to store a password.
 */
public final class NodeSecrets {
    /** The environment variable read when the configuration names no key. */
    public static final String ENV = "SLUICE_SECRETS_KEY";
    private static final Logger LOG = LoggerFactory.getLogger(NodeSecrets.class);

    private NodeSecrets() {
    }

    /**
     * The key's box, or empty when this node has none.
     *
     * @throws IllegalStateException for a key that cannot be read or is malformed, naming where it came from
     */
    public static Optional<SecretBox> box(SluiceConfiguration.SecretsSettings settings, boolean embeddedKafka,
                                          Path dataDir, Map<String, String> env) {
        if (settings.key != null && !settings.key.isBlank()) {
            return Optional.of(parse(settings.key, "secrets.key"));
        }
        if (settings.keyFile != null) {
            return Optional.of(parse(read(Path.of(settings.keyFile), "secrets.keyFile"), "secrets.keyFile "
                    + settings.keyFile));
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(parse(fromEnv, "the environment variable " + ENV));
        }
        if (embeddedKafka) {
            return Optional.of(parse(embeddedKey(dataDir.resolve("secrets.key")), "the key file under dataDir"));
        }
        LOG.warn("no secrets key (secrets.key, secrets.keyFile or {}): this node stores no source password in Kafka; "
                + "give the syncer's source a passwordFile or passwordEnv, or give every node the same key", ENV);
        return Optional.empty();
    }

    private static SecretBox parse(String key, String where) {
        try {
            SecretBox box = SecretBox.fromBase64(key);
            LOG.info("secrets key {} from {}", box.keyId(), where);
            return box;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the secrets key from " + where + " is unusable: " + e.getMessage());
        }
    }

    private static String read(Path file, String key) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalStateException(key + " " + file + " cannot be read: " + e, e);
        }
    }

    private static String embeddedKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
                Files.writeString(file, SecretBox.newKey() + "\n", StandardCharsets.US_ASCII);
                LOG.info("made a secrets key for this embedded node in {} (back it up with the data directory)", file);
            }
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (FileAlreadyExistsException e) {
            return read(file, "the key file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the secrets key " + file, e);
        }
    }
}
