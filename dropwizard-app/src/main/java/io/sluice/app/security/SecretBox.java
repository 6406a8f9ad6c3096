package io.sluice.app.security;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Seals secrets that Sluice keeps in Kafka (the syncer's source password) with AES-256-GCM under the node's secrets
 * key, which every node of a cluster shares and which never leaves the nodes' configuration or environment.
 * A sealed value reads {@code sluice-sealed:v1:<key id>:<base64 of nonce and ciphertext>}: the key id (the first 8
 * hex digits of SHA-256 of the key) lets a node with another key say so instead of failing obscurely, and the
 * context (the topic) is authenticated with it, so a value cannot be moved to another cluster's settings.
 */
public final class SecretBox {
    private static final String PREFIX = "sluice-sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    private SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a secrets key is 32 bytes (256 bits), base64-encoded; this one has "
                    + key.length + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.keyId = keyId(key);
    }

    /** A box for a key given as base64 of 32 bytes (what {@link #newKey()} prints). */
    public static SecretBox fromBase64(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secrets key is not base64");
        }
        try {
            return new SecretBox(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** A new random key, base64 of 32 bytes. */
    public static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Whether {@code value} has the sealed form (it may still not open with this node's key). */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key's id: the first 8 hex digits of its SHA-256, safe to log. */
    public String keyId() {
        return keyId;
    }

    /** Seals {@code secret} for {@code context}, with a fresh nonce each time. */
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] all = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, all, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, all, NONCE_BYTES, sealed.length);
            return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(all);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a value {@link #seal} made for the same {@code context}.
     *
     * @throws SealedSecretException when it is not a sealed value, was sealed with another key (naming both ids),
     *                               or was altered or sealed for another context
     */
    public String open(String sealed, String context) {
        if (!isSealed(sealed)) {
            throw new SealedSecretException("not a sealed value (it must start with " + PREFIX + ")");
        }
        String rest = sealed.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new SealedSecretException("a sealed value without its key id");
        }
        String id = rest.substring(0, colon);
        if (!id.equals(keyId)) {
            throw new SealedSecretException("it was sealed with the secrets key " + id + ", and this node's key is "
                    + keyId + ": give every node the same secrets key");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(rest.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new SealedSecretException("a sealed value that is not base64");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SealedSecretException("a sealed value too short to hold a nonce and a tag");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SealedSecretException("the sealed value was altered, or sealed for another topic than "
                    + context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "SecretBox[key " + keyId + "]";
    }

    /** A sealed value that this node cannot open; the message says why and never holds the secret. */
    public static final class SealedSecretException extends RuntimeException {
        public SealedSecretException(String message) {
            super(message);
        }
    }
}
