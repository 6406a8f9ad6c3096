package io.sluice.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The binlog topic's retention (Kafka's {@code retention.ms} and {@code retention.bytes}): body of
 * {@code GET /api/v1/binlog/retention}, and of {@code PUT} to change it, where a field left out keeps its value.
 * Kafka deletes whole log segments once they are older than {@code retentionMs}, or while the partition is larger
 * than {@code retentionBytes}; -1 means no limit.
 */
public record RetentionView(@JsonProperty("retentionMs") Long retentionMs,
                            @JsonProperty("retentionBytes") Long retentionBytes) {
}
