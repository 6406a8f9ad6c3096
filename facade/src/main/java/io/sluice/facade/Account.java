package io.sluice.facade;

import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.CachingSha2AuthString;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A facade account as authentication needs it: the hashes a MySQL server stores, never the password. The
 * caching_sha2_password fast path needs only SHA256(SHA256(password)) and mysql_native_password only
 * SHA1(SHA1(password)), so the facade verifies a login with either without ever holding the password. An account
 * given in MySQL's own stored form ({@link CachingSha2AuthString}, what {@code mysql.user.authentication_string}
 * holds) is verified as MySQL does: full authentication (the password over TLS or RSA-encrypted) until one has
 * succeeded since the node started, the fast path afterwards (see {@link CachingSha2Server}).
 *
 * @param user       the account name
 * @param sha2Hash   SHA256(SHA256(password)), 32 bytes; empty for an account without a password; {@code null}
 *                   when the account has no such hash
 * @param nativeHash SHA1(SHA1(password)), 20 bytes; empty for no password; {@code null} when the account cannot use
 *                   mysql_native_password
 * @param admin      whether it may run administrative statements ({@code KILL}, every connection in
 *                   {@code SHOW PROCESSLIST}); a replication account may log in, read what replicas read and dump
 * @param sha2Crypt  MySQL's stored form of a caching_sha2_password account, or {@code null}; not with
 *                   {@code sha2Hash}
 */
public record Account(String user, byte[] sha2Hash, byte[] nativeHash, boolean admin,
                      CachingSha2AuthString sha2Crypt) {
    public static final String SHA2_PLUGIN = Auth.CACHING_SHA2;
    public static final String NATIVE_PLUGIN = Auth.NATIVE;

    public Account {
        if (sha2Hash == null && nativeHash == null && sha2Crypt == null) {
            throw new IllegalArgumentException("account " + user + " has neither a caching_sha2_password nor a "
                    + "mysql_native_password hash");
        }
        if (sha2Hash != null && sha2Crypt != null) {
            throw new IllegalArgumentException("account " + user + ": caching_sha2_password is either "
                    + "SHA256(SHA256(password)) or MySQL's stored form, not both");
        }
        if (sha2Hash != null && sha2Hash.length != 0 && sha2Hash.length != 32) {
            throw new IllegalArgumentException("account " + user + ": a caching_sha2_password hash is 32 bytes");
        }
        if (nativeHash != null && nativeHash.length != 0 && nativeHash.length != 20) {
            throw new IllegalArgumentException("account " + user + ": a mysql_native_password hash is 20 bytes");
        }
    }

    /** An account with hashes only (no stored form). */
    public Account(String user, byte[] sha2Hash, byte[] nativeHash, boolean admin) {
        this(user, sha2Hash, nativeHash, admin, null);
    }

    /** An account that knows its password (the syncer's source account): both plugins, all statements. */
    public static Account fromPassword(String user, String password) {
        return new Account(user, password.isEmpty() ? new byte[0] : Auth.sha2Hash(password),
                password.isEmpty() ? new byte[0] : Auth.nativeHash(password), true);
    }

    /**
     * An account from its hashes as configured.
     *
     * @param sha2Hex   64 hex digits of SHA256(SHA256(password)), or MySQL's stored form in hex as
     *                  {@code SELECT HEX(authentication_string)} prints it (140 digits, {@code 0x} optional;
     *                  see {@link CachingSha2AuthString#parseHex}), or {@code null}
     * @param nativeHex MySQL's form of SHA1(SHA1(password)): {@code *} and 40 hex digits (as in
     *                  {@code mysql.user.authentication_string}), or {@code null}
     * @throws IllegalArgumentException for a hash of the wrong form, naming which
     */
    public static Account fromHashes(String user, String sha2Hex, String nativeHex, boolean admin) {
        byte[] sha2 = null;
        CachingSha2AuthString crypt = null;
        if (sha2Hex != null) {
            String h = sha2Hex.trim();
            if (h.length() == 64) {
                sha2 = parseHex(user, "caching_sha2_password", h, 64);
            } else {
                try {
                    crypt = CachingSha2AuthString.parseHex(h);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("account " + user + ": caching_sha2_password must be 64 hex "
                            + "digits, as `sluice hash-password` prints it, or MySQL's "
                            + "HEX(authentication_string): " + e.getMessage());
                }
            }
        }
        byte[] nat = null;
        if (nativeHex != null) {
            String h = nativeHex.trim();
            if (!h.startsWith("*") || h.length() != 41) {
                throw new IllegalArgumentException("account " + user + ": mysql_native_password must be '*' and 40 hex"
                        + " digits, as `sluice hash-password` prints it");
            }
            nat = parseHex(user, "mysql_native_password", h.substring(1), 40);
        }
        return new Account(user, sha2, nat, admin, crypt);
    }

    private static byte[] parseHex(String user, String plugin, String hex, int digits) {
        if (hex.length() != digits) {
            throw new IllegalArgumentException("account " + user + ": " + plugin + " must be " + digits
                    + " hex digits, as `sluice hash-password` prints it");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("account " + user + ": " + plugin + " is not hexadecimal");
        }
    }

    /** SHA256(SHA256(password)) in hex, as {@link #fromHashes} reads it. */
    public static String sha2Hex(String password) {
        return HexFormat.of().formatHex(Auth.sha2Hash(password));
    }

    /** {@code *} and SHA1(SHA1(password)) in upper-case hex, MySQL's own form. */
    public static String nativeHex(String password) {
        return "*" + HexFormat.of().formatHex(Auth.nativeHash(password)).toUpperCase(Locale.ROOT);
    }

    /** Whether the account can log in with {@code plugin}. */
    public boolean supports(String plugin) {
        return NATIVE_PLUGIN.equals(plugin) ? nativeHash != null
                : SHA2_PLUGIN.equals(plugin) && (sha2Hash != null || sha2Crypt != null);
    }

    /** Whether the account has a password (an empty hash means none; the stored form always has one). */
    boolean hasPassword() {
        return sha2Crypt != null || (sha2Hash != null ? sha2Hash : nativeHash).length > 0;
    }

    /** MySQL's stored form of {@code password} in hex, with a fresh salt, as {@link #fromHashes} reads it. */
    public static String sha2CryptHex(String password) {
        return "0x" + CachingSha2AuthString.of(password).hex();
    }

    /** Never shows the hashes. */
    @Override
    public String toString() {
        return "Account[" + user + (admin ? ", admin" : ", replication") + "]";
    }
}
