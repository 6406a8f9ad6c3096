package io.sluice.facade;

import java.util.Map;
import java.util.Optional;

/**
 * Where the facade learns which accounts may connect. Implementations never log passwords or hashes. An
 * implementation gives either {@link #account} (hashes, as configured accounts are) or only {@link #password} (an
 * account whose password is known, such as the syncer's own on the source: an administrator with both plugins).
 */
@FunctionalInterface
public interface Credentials {
    /** The password of {@code user}, or empty when no such account exists (or only its hashes are known). */
    Optional<String> password(String user);

    /** The account {@code user}, or empty when there is no such account. */
    default Optional<Account> account(String user) {
        return password(user).map(p -> Account.fromPassword(user, p));
    }

    /** Accounts known by their hashes only, by name. */
    static Credentials of(Map<String, Account> accounts) {
        Map<String, Account> copy = Map.copyOf(accounts);
        return new Credentials() {
            @Override
            public Optional<String> password(String user) {
                return Optional.empty();
            }

            @Override
            public Optional<Account> account(String user) {
                return Optional.ofNullable(copy.get(user));
            }
        };
    }
}
