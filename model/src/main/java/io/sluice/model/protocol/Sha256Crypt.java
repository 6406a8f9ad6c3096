package io.sluice.model.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256-crypt, written from Ulrich Drepper's public specification "Unix crypt using SHA-256 and SHA-512"
 * (akkadia.org/drepper/SHA-crypt.txt), with one difference the specification allows implementations to choose:
 * the salt is used whole, not cut to 16 bytes. MySQL's caching_sha2_password stores its digests this way with
 * 20-byte salts ({@code mysys/crypt_genhash_impl.cc}, used by {@code sql/auth/sha2_password.cc}); for salts of 16
 * bytes or fewer the result is the specification's, so its test vectors apply.
 */
public final class Sha256Crypt {
    /** The specification's default number of rounds, and MySQL's (its {@code 005} = 5 × 1000). */
    public static final int DEFAULT_ROUNDS = 5000;
    /** The 64 characters of crypt's base-64, in crypt's order (not RFC 4648's). */
    private static final char[] B64 =
            "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Length of the digest in crypt's base-64: 32 bytes in 43 characters. */
    public static final int DIGEST_CHARS = 43;

    private Sha256Crypt() {
    }

    /**
     * The 43 characters that follow the salt in a SHA-256-crypt string.
     *
     * @param key    the password's bytes (UTF-8 for MySQL)
     * @param salt   the salt's bytes, all of which are used
     * @param rounds how many rounds of step 21 of the specification, at least 1
     */
    public static String digest(byte[] key, byte[] salt, int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds " + rounds);
        }
        MessageDigest md = sha256();
        // steps 4-8: digest B = SHA256(key, salt, key)
        md.update(key);
        md.update(salt);
        md.update(key);
        byte[] b = md.digest();
        // steps 1-3, 9-12: digest A
        md.update(key);
        md.update(salt);
        addRepeated(md, b, key.length);
        for (int n = key.length; n > 0; n >>>= 1) {
            if ((n & 1) != 0) {
                md.update(b);
            } else {
                md.update(key);
            }
        }
        byte[] a = md.digest();
        // steps 13-16: the P sequence, from digest DP of the key repeated once per byte of the key
        for (int i = 0; i < key.length; i++) {
            md.update(key);
        }
        byte[] p = repeatTo(md.digest(), key.length);
        // steps 17-20: the S sequence, from digest DS of the salt repeated 16 + A[0] times
        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(salt);
        }
        byte[] s = repeatTo(md.digest(), salt.length);
        // step 21: the rounds
        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            boolean odd = (i & 1) != 0;
            md.update(odd ? p : c);
            if (i % 3 != 0) {
                md.update(s);
            }
            if (i % 7 != 0) {
                md.update(p);
            }
            md.update(odd ? c : p);
            c = md.digest();
        }
        return encode(c);
    }

    /** Adds {@code length} bytes of {@code block} repeated (whole blocks, then a prefix). */
    private static void addRepeated(MessageDigest md, byte[] block, int length) {
        int left = length;
        while (left >= block.length) {
            md.update(block);
            left -= block.length;
        }
        md.update(block, 0, left);
    }

    private static byte[] repeatTo(byte[] block, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = block[i % block.length];
        }
        return out;
    }

    /** Step 22 e): the bytes of the final digest in the specification's order, 3 at a time, low 6 bits first. */
    private static String encode(byte[] c) {
        StringBuilder out = new StringBuilder(DIGEST_CHARS);
        for (int i = 0; i < 10; i++) {
            // groups (0,10,20), (21,1,11), (12,22,2), (3,13,23), …: each group rotates the previous one
            int first = (i * 21) % 30;
            int second = (first + 10) % 30;
            int third = (first + 20) % 30;
            b64(out, c[first], c[second], c[third], 4);
        }
        b64(out, (byte) 0, c[31], c[30], 3);
        return out.toString();
    }

    private static void b64(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < chars; i++) {
            out.append(B64[w & 0x3f]);
            w >>>= 6;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
