package io.sluice.model.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The two password-based authentication methods, on both sides. See MySQL's
 * {@code sql/auth/password.cc} (mysql_native_password) and {@code sql/auth/sha2_password.cc}
 * (caching_sha2_password).
 * <ul>
 *   <li>mysql_native_password: the client sends SHA1(pw) XOR SHA1(nonce ‖ SHA1(SHA1(pw))); the server stores
 *       SHA1(SHA1(pw)).</li>
 *   <li>caching_sha2_password: the client sends SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) ‖ nonce); a server that
 *       stores SHA256(SHA256(pw)) can check it without the plain password (the "fast path").</li>
 * </ul>
 */
public final class Auth {
    public static final String NATIVE = "mysql_native_password";
    public static final String CACHING_SHA2 = "caching_sha2_password";
    /** caching_sha2_password: the fast path succeeded, an OK follows. */
    public static final int FAST_AUTH_SUCCESS = 3;
    /** caching_sha2_password: the server needs the password itself (over TLS, or RSA-encrypted). */
    public static final int PERFORM_FULL_AUTH = 4;
    /** caching_sha2_password: the client asks for the server's RSA public key. */
    public static final int REQUEST_PUBLIC_KEY = 2;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Auth() {
    }

    /** A fresh 20-byte nonce of printable bytes 1–127, without NUL or '$' (as MySQL generates it). */
    public static byte[] nonce() {
        byte[] b = new byte[20];
        for (int i = 0; i < b.length; i++) {
            int c;
            do {
                c = 1 + RANDOM.nextInt(127);
            } while (c == '$');
            b[i] = (byte) c;
        }
        return b;
    }

    public static byte[] sha1(byte[]... parts) {
        return digest("SHA-1", parts);
    }

    public static byte[] sha256(byte[]... parts) {
        return digest("SHA-256", parts);
    }

    private static byte[] digest(String alg, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(alg);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " is missing from this JVM", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i % b.length]);
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The client's mysql_native_password response; empty for an empty password. */
    public static byte[] nativeScramble(String password, byte[] nonce) {
        if (password == null || password.isEmpty()) {
            return new byte[0];
        }
        byte[] stage1 = sha1(utf8(password));
        byte[] stage2 = sha1(stage1);
        return xor(stage1, sha1(nonce20(nonce), stage2));
    }

    /** The client's caching_sha2_password response; empty for an empty password. */
    public static byte[] sha2Scramble(String password, byte[] nonce) {
        if (password == null || password.isEmpty()) {
            return new byte[0];
        }
        byte[] stage1 = sha256(utf8(password));
        byte[] stage2 = sha256(stage1);
        return xor(stage1, sha256(stage2, nonce20(nonce)));
    }

    /** What a server stores for mysql_native_password: SHA1(SHA1(pw)). */
    public static byte[] nativeHash(String password) {
        return sha1(sha1(utf8(password)));
    }

    /** What a server stores for the caching_sha2_password fast path: SHA256(SHA256(pw)). */
    public static byte[] sha2Hash(String password) {
        return sha256(sha256(utf8(password)));
    }

    /** Checks a mysql_native_password response against SHA1(SHA1(pw)); an empty hash means no password. */
    public static boolean verifyNative(byte[] response, byte[] nonce, byte[] storedHash) {
        if (storedHash.length == 0) {
            return response.length == 0;
        }
        if (response.length != 20) {
            return false;
        }
        byte[] stage1 = xor(response, sha1(nonce20(nonce), storedHash));
        return MessageDigest.isEqual(sha1(stage1), storedHash);
    }

    /** Checks a caching_sha2_password response against SHA256(SHA256(pw)); an empty hash means no password. */
    public static boolean verifySha2(byte[] response, byte[] nonce, byte[] storedHash) {
        if (storedHash.length == 0) {
            return response.length == 0;
        }
        if (response.length != 32) {
            return false;
        }
        byte[] stage1 = xor(response, sha256(storedHash, nonce20(nonce)));
        return MessageDigest.isEqual(sha256(stage1), storedHash);
    }

    /** The password, NUL-terminated and XOR-ed with the nonce, as RSA-encrypted in full authentication. */
    public static byte[] xorPasswordWithNonce(String password, byte[] nonce) {
        byte[] pw = utf8(password);
        byte[] withNul = new byte[pw.length + 1];
        System.arraycopy(pw, 0, withNul, 0, pw.length);
        return xor(withNul, nonce20(nonce));
    }

    private static byte[] nonce20(byte[] nonce) {
        if (nonce.length > 20) {
            return java.util.Arrays.copyOf(nonce, 20);
        }
        return nonce;
    }
}
