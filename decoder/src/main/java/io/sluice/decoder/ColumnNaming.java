package io.sluice.decoder;

import io.sluice.model.rows.Column;
import io.sluice.model.rows.TableMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Names the columns of a table map: from the binlog itself ({@code binlog_row_metadata=FULL}), else from the
 * schema lookup (the metadata pass-through), else {@code @1}, {@code @2}, … as mysqlbinlog does.
 */
final class ColumnNaming {
    private final SchemaLookup lookup;

    /** @param lookup the metadata pass-through, or {@code null} */
    ColumnNaming(SchemaLookup lookup) {
        this.lookup = lookup;
    }

    /** A DDL statement passed: names looked up before it may be stale. */
    void schemaChanged() {
        if (lookup != null) {
            lookup.invalidate();
        }
    }

    Names names(TableMap table) {
        List<Column> columns = table.columns();
        if (table.hasColumnNames()) {
            List<String> names = new ArrayList<>();
            List<Integer> key = new ArrayList<>();
            for (Column c : columns) {
                names.add(c.name());
                if (c.primaryKey()) {
                    key.add(c.index());
                }
            }
            return new Names(names, key, null, columns);
        }
        Optional<TableSchema> schema = lookup == null ? Optional.empty()
                : lookup.lookup(table.database(), table.table());
        if (schema.isPresent() && schema.get().names().size() == columns.size()) {
            List<String> names = schema.get().names();
            List<Integer> key = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (schema.get().primaryKey().contains(names.get(i))) {
                    key.add(i);
                }
            }
            return new Names(names, key, schema.get(), columns);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            names.add("@" + (i + 1));
        }
        return new Names(names, List.of(), null, columns);
    }

    /** The names of one table's columns, its primary key, and the ENUM/SET members the binlog did not carry. */
    record Names(List<String> names, List<Integer> primaryKey, TableSchema schema, List<Column> columns) {
        String name(int index) {
            return names.get(index);
        }

        /** The value, with an ENUM index or SET bitmask turned into its members when the schema knows them. */
        Object value(int index, Object value) {
            if (schema == null || value == null) {
                return value;
            }
            List<String> members = schema.enumValues().get(names.get(index));
            if (members == null) {
                return value;
            }
            if (value instanceof Integer enumIndex) {
                return enumIndex == 0 ? "" : enumIndex <= members.size() ? members.get(enumIndex - 1) : value;
            }
            if (value instanceof Long bits) {
                List<String> set = new ArrayList<>();
                for (int i = 0; i < members.size() && i < 64; i++) {
                    if ((bits & (1L << i)) != 0) {
                        set.add(members.get(i));
                    }
                }
                return set;
            }
            return value;
        }
    }
}
