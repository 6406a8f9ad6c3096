package io.sluice.app.security;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A password hash for the REST API's users ({@code api.auth.users}): PBKDF2 with HMAC-SHA256 from the JDK, in one
 * self-describing string in the PHC string format,
 * {@code $pbkdf2-sha256$i=<iterations>$<salt>$<derived key>}, salt and key in base64 without padding. A slow, salted
 * hash, because a leaked configuration file must not give the passwords away to a dictionary. The iteration count
 * travels with the hash, so a file can hold hashes of different strengths and stronger ones can be made later.
 *
 * <p>Immutable; {@link #verify} compares in constant time.
 */
public final class PasswordHash {
    /** The scheme's name in the string. */
    public static final String SCHEME = "pbkdf2-sha256";
    /**
     * Iterations {@code hash-password} uses: OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. About a third of a
     * second on a server core, paid once per user per {@code ApiCredentials} cache period, not once per call.
     */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** Fewer iterations are refused: such a hash falls to a dictionary too quickly to be worth a file of hashes. */
    public static final int MIN_ITERATIONS = 100_000;
    /** More are refused too: a hash that takes minutes to check is a mistake, and every login would pay it. */
    public static final int MAX_ITERATIONS = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final int iterations;
    private final byte[] salt;
    private final byte[] key;

    private PasswordHash(int iterations, byte[] salt, byte[] key) {
        this.iterations = iterations;
        this.salt = salt;
        this.key = key;
    }

    /** A new hash of {@code password} with a fresh random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        checkIterations(iterations);
        if (password.length == 0) {
            throw new IllegalArgumentException("an empty password cannot be hashed");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, KEY_BYTES));
    }

    /**
     * Reads a hash in the form {@link #toString()} writes.
     *
     * @throws IllegalArgumentException naming what is wrong, never repeating the text (it may be a password pasted
     *                                  into the wrong key)
     */
    public static PasswordHash parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no hash given");
        }
        String[] parts = text.strip().split("\\$", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !SCHEME.equals(parts[1]) || !parts[2].startsWith("i=")) {
            throw new IllegalArgumentException("not a hash of the form $" + SCHEME + "$i=<iterations>$<salt>$<key>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[2].substring(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the hash's iteration count is not a number");
        }
        checkIterations(iterations);
        byte[] salt = decode(parts[3], "salt");
        byte[] key = decode(parts[4], "key");
        if (salt.length < 8) {
            throw new IllegalArgumentException("the hash's salt is shorter than 8 bytes");
        }
        if (key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("the hash's key is not 16 to 64 bytes long");
        }
        return new PasswordHash(iterations, salt, key);
    }

    private static byte[] decode(String part, String what) {
        if (part.isEmpty() || part.contains("=")) {
            throw new IllegalArgumentException("the hash's " + what + " is not base64 without padding");
        }
        try {
            return B64_DECODER.decode(part);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the hash's " + what + " is not base64 without padding");
        }
    }

    private static void checkIterations(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count must be " + MIN_ITERATIONS + " to "
                    + MAX_ITERATIONS);
        }
    }

    /** Whether {@code password} is the one hashed, compared in constant time. The caller may then clear its array. */
    public boolean verify(char[] password) {
        if (password.length == 0) {
            return false;
        }
        byte[] candidate = derive(password, salt, iterations, key.length);
        return MessageDigest.isEqual(candidate, key);
    }

    public int iterations() {
        return iterations;
    }

    static byte[] derive(char[] password, byte[] salt, int iterations, int keyBytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // every Java 17 runtime has PBKDF2WithHmacSHA256 (it is required of the SunJCE provider)
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The self-describing string, for the configuration file. */
    @Override
    public String toString() {
        return "$" + SCHEME + "$i=" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash h && h.iterations == iterations && Arrays.equals(h.salt, salt)
                && Arrays.equals(h.key, key);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + iterations;
    }
}
