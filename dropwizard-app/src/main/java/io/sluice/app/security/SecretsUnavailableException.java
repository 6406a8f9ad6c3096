package io.sluice.app.security;

/**
 * A secret that this node cannot store or cannot get: no secrets key, another node's key, a missing password file
 * or environment variable. The message says which and what to do, and never holds the secret.
 */
public final class SecretsUnavailableException extends RuntimeException {
    public SecretsUnavailableException(String message) {
        super(message);
    }
}
