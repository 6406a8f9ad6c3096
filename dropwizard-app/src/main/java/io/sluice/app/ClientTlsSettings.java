package io.sluice.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.TlsSettingsException;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code tls} section of the configuration for a connection Sluice makes to MySQL (the metadata backend): the
 * words of {@code mysql --ssl-mode --ssl-ca --ssl-cert --ssl-key}. Checked when the configuration is read — the
 * mode, the CA a verifying mode needs, every PEM text and file — so that a mistake stops Sluice at startup with the
 * key at fault, not at the first connection. The key is a file only, as for the syncer's source.
 */
@ClientTlsSettings.Valid
public class ClientTlsSettings {
    /** DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY; empty = PREFERRED, or VERIFY_CA with a CA. */
    @JsonProperty
    public String mode;
    /** CA certificate(s), PEM text. */
    @JsonProperty
    public String ca;
    /** A PEM file of CA certificates. */
    @JsonProperty
    public String caPath;
    /** The client certificate, PEM text (for an account created REQUIRE X509). */
    @JsonProperty
    public String clientCert;
    /** … or a PEM file holding it. */
    @JsonProperty
    public String clientCertPath;
    /** Its private key: an unencrypted PKCS#8 PEM file. */
    @JsonProperty
    public String clientKeyPath;
    /** Refused, to say so rather than ignore it: the key is a file only. */
    @JsonProperty
    public String clientKey;

    /**
     * The settings for the client.
     *
     * @throws TlsSettingsException naming the setting at fault
     */
    public ClientTls toClientTls() {
        if (clientKey != null) {
            throw new TlsSettingsException("clientKey", "a private key is not accepted inline: put it in a file "
                    + "readable by Sluice only and give its path as clientKeyPath");
        }
        return ClientTls.of(mode, ca, caPath, clientCert, clientCertPath, clientKeyPath);
    }

    @Override
    public String toString() {
        try {
            return toClientTls().toString();
        } catch (TlsSettingsException e) {
            return "ClientTlsSettings[" + mode + ", invalid]";
        }
    }

    /** The check of a {@link ClientTlsSettings}: one violation on the key at fault, with why. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = Check.class)
    public @interface Valid {
        String message() default "invalid TLS settings";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** Builds and loads the settings as a connection would. */
    public static final class Check implements ConstraintValidator<Valid, ClientTlsSettings> {
        @Override
        public boolean isValid(ClientTlsSettings settings, ConstraintValidatorContext context) {
            if (settings == null) {
                return true;
            }
            try {
                settings.toClientTls().check();
                return true;
            } catch (TlsSettingsException e) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(escape(e.reason()))
                        .addPropertyNode(e.field()).addConstraintViolation();
                return false;
            }
        }

        /** The reason as a literal message: Bean Validation would read braces, dollars and backslashes. */
        private static String escape(String text) {
            return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        }
    }
}
