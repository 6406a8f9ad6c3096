package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
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
     * The source's address and replication account. The password comes in exactly one of four ways:
     * {@code password} (sealed with the node's secrets key before it is stored in Kafka), {@code passwordSealed}
     * (already sealed, as Sluice stores it), {@code passwordFile} (a file on the node that runs the syncer, read at
     * each start) or {@code passwordEnv} (an environment variable of that node). No answer ever shows any of them.
     */
    public record Source(@JsonProperty("host") @NotBlank String host,
                         @JsonProperty("port") @Min(1) @Max(65535) int port,
                         @JsonProperty("user") @NotBlank String user,
                         @JsonProperty("password") String password,
                         @JsonProperty("passwordSealed") String passwordSealed,
                         @JsonProperty("passwordFile") String passwordFile,
                         @JsonProperty("passwordEnv") String passwordEnv) {
        /** A source with a plain password, as a request gives it. */
        public Source(String host, int port, String user, String password) {
            this(host, port, user, password, null, null, null);
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
            return new Source(host, port, user, password, passwordSealed, null, null);
        }

        /** Never shows the password, nor where it is kept. */
        @Override
        public String toString() {
            return "Source[" + user + "@" + host + ":" + port + "]";
        }
    }
}
