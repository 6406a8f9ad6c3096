package io.sluice.facade;

import io.sluice.model.client.tls.ClientTls;

import java.util.Objects;

/**
 * The real MySQL server (typically a replica of Sluice) that answers, for the facade's clients, the statements only
 * a server with the schema can answer: SHOW CREATE TABLE, SHOW DATABASES, information_schema, snapshot reads.
 *
 * @param host     its address
 * @param port     its port
 * @param user     the account Sluice logs in with (SELECT, SHOW VIEW, and RELOAD or LOCK TABLES for snapshots)
 * @param password that account's password; never logged nor shown
 * @param tls      TLS to it; {@link ClientTls#PREFERRED} (MySQL's client default) when {@code null}
 */
public record MetadataBackend(String host, int port, String user, String password, ClientTls tls) {
    public MetadataBackend {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        tls = tls == null ? ClientTls.PREFERRED : tls;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("metadata backend port " + port);
        }
    }

    /** A backend reached with MySQL's default TLS (PREFERRED). */
    public MetadataBackend(String host, int port, String user, String password) {
        this(host, port, user, password, null);
    }

    /** host:port, for messages. */
    public String endpoint() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "MetadataBackend[" + user + "@" + endpoint() + ", tls " + tls.mode() + "]";
    }
}
