package io.sluice.model.rows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the row events of a transaction, one event at a time, and remembers TABLE_MAP events by table id (a new
 * one replaces an old one). Follows MySQL's {@code libbinlogevents/src/rows_event.cpp} (event layout) and
 * {@code sql/log_event.cc}, {@code log_event_print_value} (value formats).
 *
 * <p>The Java value of each column type:
 * <ul>
 * <li>TINYINT..BIGINT: {@link Long} (an UNSIGNED BIGINT above {@code Long.MAX_VALUE} is a
 * {@link java.math.BigInteger}); signed unless the SIGNEDNESS metadata says otherwise.</li>
 * <li>FLOAT: {@link Float}; DOUBLE: {@link Double}; DECIMAL: {@link java.math.BigDecimal} with the column's scale.</li>
 * <li>YEAR: {@link Integer} (0 stays 0).</li>
 * <li>DATE, TIME, DATETIME, TIMESTAMP: {@link String} {@code YYYY-MM-DD}, {@code [-]HH:MM:SS[.f]},
 * {@code YYYY-MM-DD HH:MM:SS[.f]}, the TIMESTAMP in UTC; exactly as many fraction digits as the column's
 * precision.</li>
 * <li>CHAR, VARCHAR, TEXT: {@link String} decoded with the column's character set; BINARY, VARBINARY, BLOB and
 * columns of unknown collation: {@code byte[]}.</li>
 * <li>ENUM: {@link String} with ENUM_STR_VALUE metadata, else {@link Integer} index; SET: {@code List<String>}
 * with SET_STR_VALUE metadata, else {@link Long} bit mask.</li>
 * <li>BIT: {@link Long} ({@link java.math.BigInteger} above {@code Long.MAX_VALUE}).</li>
 * <li>JSON: {@link MysqlJson}; spatial types: {@link Geometry}.</li>
 * <li>SQL NULL, and columns the image does not hold: {@code null}.</li>
 * </ul>
 *
 * <p>Not thread-safe: one decoder per stream of events.
 */
public final class RowsDecoder {
    private final boolean checksum;
    private final Map<Long, TableMap> tables = new HashMap<>();

    /**
     * A decoder for events that end with a 4-byte CRC32 when {@code checksum} (binlog_checksum=CRC32, as the
     * FORMAT_DESCRIPTION in effect says).
     */
    public RowsDecoder(boolean checksum) {
        this.checksum = checksum;
    }

    /**
     * Decodes one whole event (header, body and checksum).
     * TABLE_MAP: remembered, returns an empty list. WRITE/UPDATE/DELETE_ROWS v1 (23, 24, 25) and v2 (30, 31, 32):
     * the rows. Any other event: an empty list.
     *
     * @throws RowsDecodingException for PARTIAL_UPDATE_ROWS (39, {@code binlog_row_value_options=PARTIAL_JSON},
     *                               not supported), for a rows event whose table id has no TABLE_MAP, and for a
     *                               truncated or garbled event
     */
    public List<RowChange> accept(byte[] event) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The TABLE_MAP remembered for {@code tableId}, or null. */
    public TableMap table(long tableId) {
        return tables.get(tableId);
    }
}
