package io.sluice.model.client.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a client connection to MySQL uses TLS: the values and meanings of {@code mysql --ssl-mode} (MySQL 5.7.11+;
 * {@code sql-common/client.cc}, {@code SSL_MODE_*}).
 */
public enum SslMode {
    /** Never TLS: the server's CLIENT_SSL is ignored. */
    DISABLED,
    /** TLS when the server offers it, plain otherwise; the certificate is not checked. MySQL's client default. */
    PREFERRED,
    /** TLS or no connection; the certificate is not checked (encryption against passive eavesdroppers only). */
    REQUIRED,
    /** TLS, and the server's certificate chain must lead to a configured CA. */
    VERIFY_CA,
    /** As {@link #VERIFY_CA}, and the certificate must name the host connected to (DNS name or IP address). */
    VERIFY_IDENTITY;

    /** Whether the connection fails when the server does not offer TLS. */
    public boolean requiresTls() {
        return this != DISABLED && this != PREFERRED;
    }

    /** Whether the server's certificate is checked against a CA (which must then be configured). */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_IDENTITY;
    }

    /**
     * The mode named {@code text}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SslMode parse(String text) {
        String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (SslMode mode : values()) {
            if (mode.name().equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a TLS mode; use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
