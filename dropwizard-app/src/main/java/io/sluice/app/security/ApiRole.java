package io.sluice.app.security;

import java.util.Locale;

/** What a REST API credential may do. */
public enum ApiRole {
    /** Every call, mutating ones included (POST, PUT, PATCH, DELETE: configure, stop, purge, tasks). */
    ADMIN,
    /** Reads only (GET, HEAD, OPTIONS); a mutating call answers 403. */
    READ;

    /** {@code admin} or {@code read}, as the configuration spells them. */
    public static ApiRole parse(String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "admin" -> ADMIN;
            case "read" -> READ;
            default -> throw new IllegalArgumentException("a role is admin or read");
        };
    }

    /** How the configuration spells it. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
