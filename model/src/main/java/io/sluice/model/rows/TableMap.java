package io.sluice.model.rows;

import java.util.List;
import java.util.Objects;

/**
 * A TABLE_MAP event: the table id a rows event refers to, and the table's columns (MySQL's
 * {@code libbinlogevents/src/rows_event.cpp}, Table_map_event, and {@code sql/log_event.cc},
 * Table_map_log_event::init_metadata_fields for the optional metadata).
 *
 * @param tableId  the table id, the key rows events use
 * @param database the schema name
 * @param table    the table name
 * @param columns  the columns, in table order
 */
public record TableMap(long tableId, String database, String table, List<Column> columns) {
    /** Copies the column list. */
    public TableMap {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    }

    /**
     * Parses a whole TABLE_MAP event: the 19-byte header, the body, and a 4-byte CRC32 trailer when
     * {@code checksum} (the CRC is not verified here).
     *
     * @throws RowsDecodingException when the event is not a TABLE_MAP, is truncated or garbled
     */
    public static TableMap parse(byte[] event, boolean checksum) {
        return TableMapParser.parse(event, checksum);
    }

    /** Whether the binlog named the columns ({@code binlog_row_metadata=FULL}). */
    public boolean hasColumnNames() {
        return !columns.isEmpty() && columns.get(0).name() != null;
    }

    /** {@code database.table}, for messages. */
    public String qualifiedName() {
        return database + "." + table;
    }
}
