package io.sluice.decoder;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table's columns as a MySQL server with the schema describes them ({@code information_schema.COLUMNS}), for
 * binlogs without column names.
 *
 * @param names       column names in ordinal order
 * @param primaryKey  the names of the primary key's columns
 * @param enumValues  for ENUM and SET columns (by name), their members in order
 */
public record TableSchema(List<String> names, Set<String> primaryKey, Map<String, List<String>> enumValues) {
    public TableSchema {
        names = List.copyOf(names);
        primaryKey = Set.copyOf(primaryKey);
        enumValues = Map.copyOf(enumValues);
    }
}
