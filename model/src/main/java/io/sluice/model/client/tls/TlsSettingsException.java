package io.sluice.model.client.tls;

/**
 * A TLS setting that cannot be used: an unknown mode, a missing CA, an unreadable or invalid PEM. Names the setting
 * ({@code mode}, {@code ca}, {@code caPath}, {@code clientCert}, {@code clientCertPath}, {@code clientKeyPath}) so
 * that a caller can prefix where it sits in its own configuration ({@code source.tls.caPath}). The message never
 * holds a key.
 */
public final class TlsSettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String reason;

    public TlsSettingsException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The setting at fault, as named in {@link ClientTls}. */
    public String field() {
        return field;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }

    /** The message with the setting's full name, e.g. {@code prefixed("source.tls.")}. */
    public String prefixed(String prefix) {
        return prefix + field + ": " + reason;
    }
}
