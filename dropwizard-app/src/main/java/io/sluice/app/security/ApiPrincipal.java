package io.sluice.app.security;

import java.security.Principal;

/**
 * Who made a REST call: a user of {@code api.auth.users}, a token of {@code api.auth.tokens} (by its name), or, when
 * no credentials are configured, a caller on this host ({@link #LOOPBACK}).
 *
 * @param name the user's name, the token's name, or {@code loopback}
 * @param role what it may do
 * @param scheme {@code Basic}, {@code Bearer}, or {@code loopback}
 */
public record ApiPrincipal(String name, ApiRole role, String scheme) implements Principal {
    /** A caller on this host while no credentials are configured. */
    public static final ApiPrincipal LOOPBACK = new ApiPrincipal("loopback", ApiRole.ADMIN, "loopback");

    @Override
    public String getName() {
        return name;
    }
}
