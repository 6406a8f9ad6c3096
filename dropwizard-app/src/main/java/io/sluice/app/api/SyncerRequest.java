package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Body of {@code PUT /api/v1/syncer}: the source to replicate from and Sluice's server_id towards it.
 *
 * @param source   the source
 * @param serverId Sluice's server_id as a replica of the source; omitted = derived from the topic name
 */
public record SyncerRequest(@JsonProperty("source") @Valid @NotNull Source source,
                            @JsonProperty("serverId") @Min(1) @Max(4294967295L) Long serverId) {
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
