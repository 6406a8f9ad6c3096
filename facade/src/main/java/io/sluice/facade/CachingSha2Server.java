package io.sluice.facade;

import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.CachingSha2AuthString;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of caching_sha2_password for the accounts configured in MySQL's stored form
 * ({@link CachingSha2AuthString}), as MySQL's {@code sql/auth/sha2_password.cc} does it: the fast path needs
 * SHA256(SHA256(password)), which only a full authentication since the node started has given (this cache); until
 * then a login takes the full path, where the client sends the password itself, over TLS or encrypted with this
 * node's RSA key.
 *
 * <p>The RSA key pair (2048 bits) is made when the facade starts, in the background, and never leaves memory: a
 * client that asks for it gets the public key, as MySQL sends {@code caching_sha2_password_public_key_path}.
 */
final class CachingSha2Server {
    /** The cipher MySQL uses for the password: RSA_PKCS1_OAEP_PADDING, that is OAEP with SHA-1 and MGF1-SHA-1. */
    static final String RSA_CIPHER = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final CompletableFuture<KeyPair> rsa = CompletableFuture.supplyAsync(CachingSha2Server::rsaKeyPair);

    private record Cached(CachingSha2AuthString stored, byte[] fastHash) {
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make RSA keys", e);
        }
    }

    /**
     * SHA256(SHA256(password)) of {@code account}, known since its last full authentication on this node, or
     * {@code null}. An entry made for another stored form of the account (its hash was changed) does not count.
     */
    byte[] fastHash(Account account) {
        Cached c = cache.get(account.user());
        return c != null && c.stored().equals(account.sha2Crypt()) ? c.fastHash() : null;
    }

    /**
     * Checks a password sent in full authentication against the account's stored form; when it matches, the
     * account may take the fast path from now on.
     */
    boolean verifyAndRemember(Account account, byte[] password) {
        CachingSha2AuthString stored = account.sha2Crypt();
        if (stored == null || !stored.matches(password)) {
            return false;
        }
        cache.put(account.user(), new Cached(stored, Auth.sha256(Auth.sha256(password))));
        return true;
    }

    /** The public key as MySQL sends it after {@code 0x01}: an X.509 SubjectPublicKeyInfo in PEM. */
    byte[] publicKeyPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(rsa.join().getPublic().getEncoded());
        return ("-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The password of an RSA-encrypted full-authentication packet: decrypted, XOR-ed with the nonce, up to its
     * NUL; {@code null} when the packet does not decrypt or holds no NUL (a wrong key, a client that pads
     * otherwise).
     */
    byte[] decryptPassword(byte[] encrypted, byte[] nonce) {
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance(RSA_CIPHER);
            cipher.init(Cipher.DECRYPT_MODE, rsa.join().getPrivate());
            plain = cipher.doFinal(encrypted);
        } catch (GeneralSecurityException e) {
            return null;
        }
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= nonce[i % nonce.length];
        }
        int nul = indexOfNul(plain);
        byte[] password = nul < 0 ? null : Arrays.copyOf(plain, nul);
        Arrays.fill(plain, (byte) 0);
        return password;
    }

    static int indexOfNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
