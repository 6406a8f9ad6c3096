package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.TlsSettingsException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/**
 * Body of {@code PUT /api/v1/syncer}: the source to replicate from and Sluice's server_id towards it.
 *
 * @param source               the source
 * @param serverId             Sluice's server_id as a replica of the source; omitted = derived from the topic name
 * @param candidates           servers to fail over to when the source dies (same account); each is checked
 *                             against the topic's GTIDs before use
 * @param discoverGroupPrimary also follow the PRIMARY of the source's Group Replication group
 */
public record SyncerRequest(@JsonProperty("source") @Valid @NotNull Source source,
                            @JsonProperty("serverId") @Min(1) @Max(4294967295L) Long serverId,
                            @JsonProperty("candidates") @Valid List<Endpoint> candidates,
                            @JsonProperty("discoverGroupPrimary") boolean discoverGroupPrimary) {
    public SyncerRequest {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    /** A request without failover settings. */
    public SyncerRequest(Source source, Long serverId) {
        this(source, serverId, List.of(), false);
    }

    /** A candidate source. */
    public record Endpoint(@JsonProperty("host") @NotBlank String host,
                           @JsonProperty("port") @Min(1) @Max(65535) int port) {
    }

    /**
     * The source's address, replication account and TLS (for the source, its lag probe and the candidates). The
     * password comes in exactly one of four ways: {@code password} (sealed with the node's secrets key before it is
     * stored in Kafka), {@code passwordSealed} (already sealed, as Sluice stores it), {@code passwordFile} (a file on
     * the node that runs the syncer, read at each start) or {@code passwordEnv} (an environment variable of that
     * node). No answer ever shows any of them.
     *
     * @param tls how the syncer uses TLS; omitted = PREFERRED, MySQL's client default
     */
    public record Source(@JsonProperty("host") @NotBlank String host,
                         @JsonProperty("port") @Min(1) @Max(65535) int port,
                         @JsonProperty("user") @NotBlank String user,
                         @JsonProperty("password") String password,
                         @JsonProperty("passwordSealed") String passwordSealed,
                         @JsonProperty("passwordFile") String passwordFile,
                         @JsonProperty("passwordEnv") String passwordEnv,
                         @JsonProperty("tls") @JsonInclude(JsonInclude.Include.NON_NULL) Tls tls) {
        /** A source with a plain password and MySQL's default TLS (PREFERRED), as a request gives it. */
        public Source(String host, int port, String user, String password) {
            this(host, port, user, password, null, null, null, null);
        }

        /** Exactly one of password, passwordSealed, passwordFile and passwordEnv. */
        @JsonIgnore
        @AssertTrue(message = "give exactly one of password, passwordSealed, passwordFile and passwordEnv")
        public boolean isPasswordGivenOnce() {
            int given = 0;
            for (String p : new String[] {password, passwordSealed, passwordFile, passwordEnv}) {
                given += p == null ? 0 : 1;
            }
            return given == 1;
        }

        /** The same source with its password given another way. */
        public Source withPassword(String password, String passwordSealed) {
            return new Source(host, port, user, password, passwordSealed, null, null, tls);
        }

        /** The TLS settings to connect with; PREFERRED when none were given. */
        public ClientTls clientTls() {
            return tls == null ? ClientTls.PREFERRED : tls.toClientTls();
        }

        /** The TLS mode, for the status. */
        public String tlsMode() {
            return clientTls().mode().name();
        }

        /** Never shows the password, nor where it is kept. */
        @Override
        public String toString() {
            return "Source[" + user + "@" + host + ":" + port + ", tls " + tlsMode() + "]";
        }
    }

    /**
     * {@code source.tls}: the words of {@code mysql --ssl-mode}, {@code --ssl-ca}, {@code --ssl-cert} and
     * {@code --ssl-key}. The settings are stored in Kafka and read by whichever node runs the syncer: PEM text
     * ({@code ca}, {@code clientCert}) travels with them, a path must exist on that node. The private key is a path
     * only: a key is never stored in Kafka (a {@code clientKey} in the body is refused).
     *
     * @param mode           DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY; omitted = PREFERRED, or
     *                       VERIFY_CA when a CA is given
     * @param ca             the CA certificate(s), PEM text
     * @param caPath         a PEM file of CA certificates on the node that runs the syncer
     * @param clientCert     the client certificate, PEM text (for accounts created REQUIRE X509)
     * @param clientCertPath … or a PEM file holding it
     * @param clientKeyPath  the client certificate's private key: an unencrypted PKCS#8 PEM file
     * @param clientKey      refused: only there to say so clearly
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tls(@JsonProperty("mode") String mode,
                      @JsonProperty("ca") String ca,
                      @JsonProperty("caPath") String caPath,
                      @JsonProperty("clientCert") String clientCert,
                      @JsonProperty("clientCertPath") String clientCertPath,
                      @JsonProperty("clientKeyPath") String clientKeyPath,
                      @JsonProperty(value = "clientKey", access = JsonProperty.Access.WRITE_ONLY) String clientKey) {
        /**
         * These settings for the client.
         *
         * @throws TlsSettingsException naming the setting at fault, for an unknown mode or settings that do not fit
         */
        public ClientTls toClientTls() {
            if (clientKey != null) {
                throw new TlsSettingsException("clientKey", "a private key is not accepted in the request, because "
                        + "the syncer's settings are stored in Kafka: put it in a file on every node that may run the "
                        + "syncer and give its path as clientKeyPath");
            }
            return ClientTls.of(mode, ca, caPath, clientCert, clientCertPath, clientKeyPath);
        }

        /** Never shows the certificates' text, nor a key. */
        @Override
        public String toString() {
            return "Tls[" + mode + (ca != null ? ", ca inline" : "") + (caPath != null ? ", caPath " + caPath : "")
                    + (clientCert != null ? ", clientCert inline" : "")
                    + (clientCertPath != null ? ", clientCertPath " + clientCertPath : "")
                    + (clientKeyPath != null ? ", clientKeyPath " + clientKeyPath : "")
                    + (clientKey != null ? ", a refused clientKey" : "") + "]";
        }
    }
}
