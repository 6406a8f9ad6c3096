package io.sluice.facade;

import java.util.Optional;

/** Where the facade learns which accounts may connect. Implementations never log passwords. */
@FunctionalInterface
public interface Credentials {
    /** The password of {@code user}, or empty when no such account exists. */
    Optional<String> password(String user);
}
