package io.sluice.model.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What MySQL 8.0 keeps in {@code mysql.user.authentication_string} for a caching_sha2_password account: {@code $A$},
 * the rounds in thousands as 3 hexadecimal digits ({@code 005}: 5,000, the default; MySQL 8.0.24+ lets
 * {@code caching_sha2_password_digest_rounds} raise it), {@code $}, 20 salt bytes, and the 43-character
 * {@link Sha256Crypt SHA-256-crypt} digest of the password with that salt. See {@code sql/auth/sha2_password.cc}
 * (Caching_sha2_password::serialize_string and deserialize).
 *
 * <p>The salt bytes are 1–127 without {@code $} but may be control characters, so the form is exchanged in
 * hexadecimal, as {@code SELECT HEX(authentication_string)} prints it ({@link #parseHex}, {@link #hex}).
 *
 * @param rounds rounds of SHA-256-crypt, a multiple of 1,000 from 5,000 to 4,095,000
 * @param salt   20 bytes
 * @param digest 43 characters of crypt's base-64
 */
public record CachingSha2AuthString(int rounds, byte[] salt, String digest) {
    /** Bytes of salt MySQL uses ({@code CRYPT_SALT_LENGTH}). */
    public static final int SALT_BYTES = 20;
    /** Bytes of the whole form: {@code $A$005$}, the salt, the digest. */
    public static final int LENGTH = 7 + SALT_BYTES + Sha256Crypt.DIGEST_CHARS;
    /** The longest password MySQL takes ({@code CACHING_SHA2_PASSWORD_MAX_PASSWORD_LENGTH}). */
    public static final int MAX_PASSWORD_BYTES = 256;
    private static final int MIN_ROUNDS = 5000;
    private static final int MAX_ROUNDS = 0xfff * 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    public CachingSha2AuthString {
        if (rounds < MIN_ROUNDS || rounds > MAX_ROUNDS || rounds % 1000 != 0) {
            throw new IllegalArgumentException("caching_sha2_password rounds must be a multiple of 1000 from 5000 to "
                    + MAX_ROUNDS + ", not " + rounds);
        }
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("caching_sha2_password salt must be " + SALT_BYTES + " bytes");
        }
        for (byte b : salt) {
            if (b <= 0 || b == '$') {
                throw new IllegalArgumentException("caching_sha2_password salt holds a byte MySQL never uses (0, "
                        + "'$' or above 127)");
            }
        }
        if (digest.length() != Sha256Crypt.DIGEST_CHARS || !digest.matches("[./0-9A-Za-z]+")) {
            throw new IllegalArgumentException("caching_sha2_password digest must be " + Sha256Crypt.DIGEST_CHARS
                    + " characters of crypt's base-64");
        }
        salt = salt.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** The form for {@code password} with a fresh salt and the default rounds, as MySQL makes it. */
    public static CachingSha2AuthString of(String password) {
        byte[] salt = new byte[SALT_BYTES];
        for (int i = 0; i < salt.length; i++) {
            // as MySQL's generate_user_salt: 7 bits, neither NUL nor '$'
            int c = RANDOM.nextInt(128);
            salt[i] = (byte) (c == 0 || c == '$' ? c + 1 : c);
        }
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        return new CachingSha2AuthString(Sha256Crypt.DEFAULT_ROUNDS, salt,
                Sha256Crypt.digest(key, salt, Sha256Crypt.DEFAULT_ROUNDS));
    }

    /** Reads the form's bytes, as MySQL stores them. */
    public static CachingSha2AuthString parse(byte[] stored) {
        if (stored.length != LENGTH || stored[0] != '$' || stored[1] != 'A' || stored[2] != '$' || stored[6] != '$') {
            throw new IllegalArgumentException("not MySQL's caching_sha2_password form: it is " + LENGTH
                    + " bytes starting $A$ (hexadecimal 244124) and a rounds field such as 005$");
        }
        String count = new String(stored, 3, 3, StandardCharsets.US_ASCII);
        int thousands;
        try {
            thousands = Integer.parseInt(count, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("caching_sha2_password rounds field is not hexadecimal");
        }
        return new CachingSha2AuthString(thousands * 1000, Arrays.copyOfRange(stored, 7, 7 + SALT_BYTES),
                new String(stored, 7 + SALT_BYTES, Sha256Crypt.DIGEST_CHARS, StandardCharsets.US_ASCII));
    }

    /**
     * Reads the form in hexadecimal, as {@code SELECT HEX(authentication_string)} prints it ({@value #LENGTH} × 2
     * digits, either case), with or without a {@code 0x} prefix.
     */
    public static CachingSha2AuthString parseHex(String hex) {
        String h = hex.strip();
        if (h.startsWith("0x") || h.startsWith("0X")) {
            h = h.substring(2);
        }
        if (h.length() != LENGTH * 2) {
            throw new IllegalArgumentException("MySQL's caching_sha2_password form is " + LENGTH * 2
                    + " hex digits (SELECT HEX(authentication_string)), not " + h.length());
        }
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(h);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MySQL's caching_sha2_password form is not hexadecimal");
        }
        return parse(stored);
    }

    /** The bytes MySQL stores. */
    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        String head = String.format(Locale.ROOT, "$A$%03X$", rounds / 1000);
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, out, 0, 7);
        System.arraycopy(salt, 0, out, 7, SALT_BYTES);
        System.arraycopy(digest.getBytes(StandardCharsets.US_ASCII), 0, out, 7 + SALT_BYTES,
                Sha256Crypt.DIGEST_CHARS);
        return out;
    }

    /** The stored bytes in upper-case hexadecimal, as {@code HEX(authentication_string)} prints them. */
    public String hex() {
        return HexFormat.of().withUpperCase().formatHex(encode());
    }

    /**
     * Whether {@code password} (its bytes as the client sent them, UTF-8 for MySQL clients) is the one this form
     * was made from. Costs {@link #rounds} SHA-256 computations; passwords past
     * {@value #MAX_PASSWORD_BYTES} bytes never match, as in MySQL.
     */
    public boolean matches(byte[] password) {
        if (password.length > MAX_PASSWORD_BYTES) {
            return false;
        }
        String computed = Sha256Crypt.digest(password, salt, rounds);
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                digest.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CachingSha2AuthString a && rounds == a.rounds && Arrays.equals(salt, a.salt)
                && digest.equals(a.digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    /** Never shows the digest or the salt. */
    @Override
    public String toString() {
        return "CachingSha2AuthString[rounds=" + rounds + "]";
    }
}
