package io.sluice.app.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Bearer tokens of the REST API ({@code api.auth.tokens}). A token is 32 random bytes (256 bits) from
 * {@link SecureRandom}, written {@code sluice_} and base64url without padding; the file holds only its SHA-256 in hex.
 * A plain hash is enough here, unlike for passwords: nobody can guess 256 random bits, so a slow hash would only
 * slow every call.
 */
public final class ApiToken {
    /** What every token {@link #generate} makes starts with, so that secret scanners can spot one. */
    public static final String PREFIX = "sluice_";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiToken() {
    }

    /** A new random token. Shown once to the operator; only {@link #sha256Hex} of it goes in the file. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the token's UTF-8 bytes, 64 lowercase hex digits: what {@code api.auth.tokens[].sha256} holds. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    /** Whether {@code text} has the form of {@link #sha256Hex}'s result (either case). */
    public static boolean isSha256Hex(String text) {
        return text != null && SHA256_HEX.matcher(text.strip()).matches();
    }

    /** The bytes a configured hash stands for. */
    static byte[] parseSha256Hex(String text) {
        if (!isSha256Hex(text)) {
            throw new IllegalArgumentException("not 64 hex digits");
        }
        return HexFormat.of().parseHex(text.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
