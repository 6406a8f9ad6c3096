package io.sluice.ingest;

import java.util.Objects;

/**
 * Where a MySQL server that the syncer may replicate from listens. The account (user, password) is the syncer's
 * own, the same on every endpoint.
 *
 * @param host host name or address
 * @param port TCP port
 */
public record SourceEndpoint(String host, int port) {
    public SourceEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("a source endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of " + host + " is not a TCP port");
        }
    }

    /**
     * Parses {@code host:port} (the last colon separates the port, so {@code [::1]:3306} and {@code ::1:3306} work).
     *
     * @throws IllegalArgumentException when there is no port or it is not a number
     */
    public static SourceEndpoint parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, not " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new SourceEndpoint(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, not " + text, e);
        }
    }

    /** {@code host:port}. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
