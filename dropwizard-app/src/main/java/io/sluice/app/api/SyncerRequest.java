package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
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

    /** The source's address and replication account. */
    public record Source(@JsonProperty("host") @NotBlank String host,
                         @JsonProperty("port") @Min(1) @Max(65535) int port,
                         @JsonProperty("user") @NotBlank String user,
                         @JsonProperty("password") @NotNull String password) {
        /** Never shows the password. */
        @Override
        public String toString() {
            return "Source[" + user + "@" + host + ":" + port + "]";
        }
    }
}
