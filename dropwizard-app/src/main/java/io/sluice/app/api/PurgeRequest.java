package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * Body of {@code POST /api/v1/binlog/purge}: exactly one of {@code toFile}, {@code gtidSet} and {@code before}.
 * Whole source files are purged, as MySQL's {@code PURGE BINARY LOGS} does, and never the newest one.
 *
 * @param toFile  purge the files before this one ({@code PURGE BINARY LOGS TO 'file'})
 * @param gtidSet purge the files whose every transaction is in this set
 * @param before  purge the files whose last event was written before this time
 *                ({@code PURGE BINARY LOGS BEFORE 'datetime'}), ISO-8601 such as {@code 2026-11-21T10:00:00Z}
 * @param force   purge even what a connected replica still needs (it will fail with error 1236 and must be
 *                re-seeded, as with MySQL)
 * @param dryRun  say what would be purged, purge nothing
 */
public record PurgeRequest(@JsonProperty("toFile") String toFile, @JsonProperty("gtidSet") String gtidSet,
                           @JsonProperty("before") Instant before, @JsonProperty("force") boolean force,
                           @JsonProperty("dryRun") boolean dryRun) {
}
