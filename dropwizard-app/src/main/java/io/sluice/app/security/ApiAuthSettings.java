package io.sluice.app.security;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code api.auth}: who may call the REST and admin ports. Users (HTTP Basic) and bearer tokens, each by its hash only,
 * as {@code sluice hash-password --api} and {@code sluice new-token} print them, each with a role. See
 * {@code docs/configuration.md} and {@link ApiAuthFilter} for the rules.
 */
public class ApiAuthSettings {
    /** Whether reads (GET, HEAD, OPTIONS) need a credential too; mutating calls always do. */
    @JsonProperty
    public boolean protectReads = false;

    /**
     * Whether the admin port's {@code /ping} and {@code /healthcheck} stay open to reads while {@link #protectReads}
     * is on, for load balancers that cannot send credentials.
     */
    @JsonProperty
    public boolean openHealthChecks = true;

    @Valid
    @NotNull
    @JsonProperty
    public List<User> users = new ArrayList<>();

    @Valid
    @NotNull
    @JsonProperty
    public List<Token> tokens = new ArrayList<>();

    /** An HTTP Basic user of the REST API. */
    public static class User {
        /** The user name; Basic credentials cannot carry a colon in it. */
        @NotBlank
        @Pattern(regexp = "[^:\\s]+", message = "must not contain a colon or white space")
        @JsonProperty
        public String user;
        @NotNull
        @Pattern(regexp = "admin|read", message = "must be admin or read")
        @JsonProperty
        public String role = "read";
        /** {@code $pbkdf2-sha256$i=<iterations>$<salt>$<key>}, as {@code sluice hash-password --api} prints it. */
        @JsonProperty
        public String hash;
        /** Refused: a plain-text password does not belong in a file. */
        @JsonProperty
        public String password;

        @ValidationMethod(message = "an api.auth.users entry holds a plain-text password: replace it with the hash "
                + "line that `java -jar sluice.jar hash-password --api` prints")
        @JsonIgnore
        public boolean isWithoutPlainPassword() {
            return password == null;
        }

        @ValidationMethod(message = "an api.auth.users entry needs a hash as `java -jar sluice.jar hash-password "
                + "--api` prints it: $pbkdf2-sha256$i=<iterations>$<salt>$<key>, with " + PasswordHash.MIN_ITERATIONS
                + " to " + PasswordHash.MAX_ITERATIONS + " iterations")
        @JsonIgnore
        public boolean isHashed() {
            try {
                PasswordHash.parse(hash);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return "User[" + user + ", " + role + "]";
        }
    }

    /** A bearer token of the REST API, by its SHA-256. */
    public static class Token {
        /** A label: which script or tool holds the token (the principal's name). */
        @NotBlank
        @JsonProperty
        public String name;
        @NotNull
        @Pattern(regexp = "admin|read", message = "must be admin or read")
        @JsonProperty
        public String role = "read";
        /** 64 hex digits: SHA-256 of the token, as {@code sluice new-token} prints it. */
        @JsonProperty
        public String sha256;
        /** Refused: a plain-text token does not belong in a file. */
        @JsonProperty
        public String token;

        @ValidationMethod(message = "an api.auth.tokens entry holds a plain-text token: replace it with the sha256 "
                + "line that `java -jar sluice.jar new-token` prints (for a new token)")
        @JsonIgnore
        public boolean isWithoutPlainToken() {
            return token == null;
        }

        @ValidationMethod(message = "an api.auth.tokens entry needs sha256: the token's SHA-256 in 64 hex digits, as "
                + "`java -jar sluice.jar new-token` prints it")
        @JsonIgnore
        public boolean isHashed() {
            return ApiToken.isSha256Hex(sha256);
        }

        @Override
        public String toString() {
            return "Token[" + name + ", " + role + "]";
        }
    }

    /** Whether any user or token is configured; without, mutating calls are accepted from this host only. */
    @JsonIgnore
    public boolean hasCredentials() {
        return !users.isEmpty() || !tokens.isEmpty();
    }

    @ValidationMethod(message = "api.auth.protectReads needs at least one api.auth.users or api.auth.tokens entry: "
            + "without, nobody could read")
    @JsonIgnore
    public boolean isProtectReadsSatisfiable() {
        return !protectReads || hasCredentials();
    }

    @ValidationMethod(message = "api.auth.users names a user twice, or api.auth.tokens names a token twice")
    @JsonIgnore
    public boolean isEachNameOnce() {
        Set<String> userNames = new HashSet<>();
        Set<String> tokenNames = new HashSet<>();
        return users.stream().allMatch(u -> u == null || userNames.add(String.valueOf(u.user)))
                && tokens.stream().allMatch(t -> t == null || tokenNames.add(String.valueOf(t.name)));
    }
}
