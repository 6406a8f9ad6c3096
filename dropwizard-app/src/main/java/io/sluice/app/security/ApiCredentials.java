package io.sluice.app.security;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Checks an {@code Authorization} header against {@code api.auth}: {@code Basic} against the users' PBKDF2 hashes,
 * {@code Bearer} against the tokens' SHA-256. Comparisons are constant-time; an unknown user costs a PBKDF2 like a
 * known one, so timing does not tell which users exist.
 *
 * <p>PBKDF2 is slow on purpose, so a user's successful check is remembered for {@link #CACHE_PERIOD} under a keyed
 * SHA-256 of the user and password (the key is random and lives in this process only): a script or the status page
 * polling every few seconds pays the slow hash once per period. Failures are never remembered. At most
 * {@link #MAX_CONCURRENT_HASHES} slow hashes run at once, so a flood of wrong passwords cannot take every core from
 * replication; a check that waits longer than {@link #HASH_WAIT} fails as {@link Failure#BUSY}. Thread-safe.
 */
public final class ApiCredentials {
    static final Duration CACHE_PERIOD = Duration.ofMinutes(10);
    static final int MAX_CACHED = 1024;
    static final int MAX_CONCURRENT_HASHES = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    static final Duration HASH_WAIT = Duration.ofSeconds(10);

    /** Why a header was not accepted. The messages go to the client: they never repeat what it sent. */
    public enum Failure {
        MALFORMED("the Authorization header is not valid Basic or Bearer credentials"),
        UNSUPPORTED_SCHEME("the Authorization header's scheme is not supported: use Basic or Bearer"),
        WRONG_PASSWORD("unknown user or wrong password"),
        UNKNOWN_TOKEN("unknown bearer token"),
        BUSY("too many logins are being checked at once; try again shortly");

        private final String message;

        Failure(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    /** The outcome of a check: a principal, or why there is none. */
    public record Result(ApiPrincipal principal, Failure failure) {
        static Result ok(ApiPrincipal principal) {
            return new Result(principal, null);
        }

        static Result failed(Failure failure) {
            return new Result(null, failure);
        }

        public boolean authenticated() {
            return principal != null;
        }
    }

    /** Checked against when the user is unknown, so that such a check costs what a known user's does. */
    private static final class Decoy {
        // made on first use: a node that never sees an unknown user never pays for it
        static final PasswordHash HASH = PasswordHash.create("decoy".toCharArray(), PasswordHash.DEFAULT_ITERATIONS);
    }

    private record User(ApiPrincipal principal, PasswordHash hash) {
    }

    private record Token(ApiPrincipal principal, byte[] sha256) {
    }

    private record Cached(ApiPrincipal principal, long expiresAtNanos) {
    }

    private final Map<String, User> users;
    private final List<Token> tokens;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Cached> verified = new ConcurrentHashMap<>();
    private final Semaphore hashing = new Semaphore(MAX_CONCURRENT_HASHES, true);

    private ApiCredentials(Map<String, User> users, List<Token> tokens) {
        this.users = users;
        this.tokens = tokens;
        new SecureRandom().nextBytes(cacheKey);
    }

    /**
     * The credentials of a validated {@code api.auth} section.
     *
     * @throws IllegalArgumentException for an entry the configuration's validation would have refused
     */
    public static ApiCredentials from(ApiAuthSettings settings) {
        Map<String, User> users = new LinkedHashMap<>();
        for (ApiAuthSettings.User u : settings.users) {
            users.put(u.user, new User(new ApiPrincipal(u.user, ApiRole.parse(u.role), "Basic"),
                    PasswordHash.parse(u.hash)));
        }
        List<Token> tokens = new ArrayList<>();
        for (ApiAuthSettings.Token t : settings.tokens) {
            tokens.add(new Token(new ApiPrincipal(t.name, ApiRole.parse(t.role), "Bearer"),
                    ApiToken.parseSha256Hex(t.sha256)));
        }
        return new ApiCredentials(Map.copyOf(users), List.copyOf(tokens));
    }

    /** Whether any user or token is configured. */
    public boolean any() {
        return !users.isEmpty() || !tokens.isEmpty();
    }

    /** Checks a present {@code Authorization} header's value. */
    public Result authenticate(String authorization) {
        String value = authorization.strip();
        int space = value.indexOf(' ');
        String scheme = (space < 0 ? value : value.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : value.substring(space + 1).strip();
        return switch (scheme) {
            case "basic" -> basic(rest);
            case "bearer" -> rest.isEmpty() || rest.contains(" ") ? Result.failed(Failure.MALFORMED) : bearer(rest);
            default -> Result.failed(Failure.UNSUPPORTED_SCHEME);
        };
    }

    private Result bearer(String token) {
        byte[] presented = ApiToken.sha256(token);
        ApiPrincipal found = null;
        for (Token t : tokens) {
            // every token is compared, in constant time, whether an earlier one matched or not
            if (MessageDigest.isEqual(presented, t.sha256()) && found == null) {
                found = t.principal();
            }
        }
        return found == null ? Result.failed(Failure.UNKNOWN_TOKEN) : Result.ok(found);
    }

    private Result basic(String encoded) {
        String decoded;
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Result.failed(Failure.MALFORMED);
        }
        int colon = decoded.indexOf(':');
        if (encoded.isEmpty() || colon < 0) {
            return Result.failed(Failure.MALFORMED);
        }
        String name = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        try {
            String cacheId = cacheId(name, password);
            Cached cached = verified.get(cacheId);
            long now = System.nanoTime();
            if (cached != null && now - cached.expiresAtNanos() < 0) {
                return Result.ok(cached.principal());
            }
            User user = users.get(name);
            Boolean matches = slowVerify(user == null ? Decoy.HASH : user.hash(), password);
            if (matches == null) {
                return Result.failed(Failure.BUSY);
            }
            if (!matches || user == null) {
                return Result.failed(Failure.WRONG_PASSWORD);
            }
            remember(cacheId, user.principal(), now);
            return Result.ok(user.principal());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** {@code null} when no slot for a slow hash freed up in time. */
    private Boolean slowVerify(PasswordHash hash, char[] password) {
        try {
            if (!hashing.tryAcquire(HASH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        try {
            return hash.verify(password);
        } finally {
            hashing.release();
        }
    }

    private void remember(String cacheId, ApiPrincipal principal, long now) {
        if (verified.size() >= MAX_CACHED) {
            verified.values().removeIf(c -> now - c.expiresAtNanos() >= 0);
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
        }
        verified.put(cacheId, new Cached(principal, now + CACHE_PERIOD.toNanos()));
    }

    /** SHA-256 of this process's random key, the user, a separator and the password: never the password itself. */
    private String cacheId(String name, char[] password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(cacheKey);
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            ByteBuffer passwordBytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] bytes = new byte[passwordBytes.remaining()];
            passwordBytes.get(bytes);
            digest.update(bytes);
            Arrays.fill(bytes, (byte) 0);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }
}
