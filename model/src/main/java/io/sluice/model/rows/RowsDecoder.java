package io.sluice.model.rows;

import io.sluice.model.binlog.EventHeader;
import io.sluice.model.binlog.EventType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the row events of a transaction, one event at a time, and remembers TABLE_MAP events by table id (a new
 * one replaces an old one). Follows MySQL's {@code libbinlogevents/src/rows_event.cpp} (Rows_event: the layout)
 * and {@code sql/log_event.cc} ({@code log_event_print_value}: the value formats).
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
 * <li>CHAR, VARCHAR, TEXT: {@link String} decoded with the column's character set (see {@link Collations}); CHAR
 * without the trailing spaces the binlog strips. BINARY, VARBINARY, BLOB and columns of unknown collation:
 * {@code byte[]} (BINARY(n) with its 0x00 padding).</li>
 * <li>ENUM: {@link String} with ENUM_STR_VALUE metadata ({@code ""} for the error value 0), else {@link Integer}
 * index; SET: {@code List<String>} with SET_STR_VALUE metadata, else {@link Long} bit mask.</li>
 * <li>BIT: {@link Long} ({@link java.math.BigInteger} above {@code Long.MAX_VALUE}).</li>
 * <li>JSON: {@link MysqlJson}; spatial types: {@link Geometry}.</li>
 * <li>SQL NULL, and columns the image does not hold: {@code null}.</li>
 * </ul>
 *
 * <p>Rows event body: u48 table_id, u16 flags, (v2 only) u16 extra_data_length counting itself and the extra
 * data, packed column count, the bitmap of columns in the (before) image, (UPDATE only) the bitmap of columns in
 * the after image, then the rows: for each image a null bitmap over the image's columns and the values of its
 * non-null columns.
 *
 * <p>Not thread-safe: one decoder per stream of events.
 */
public final class RowsDecoder {
    /** WRITE_ROWS_EVENT_V1 (MySQL 5.1.18 to 5.6). */
    public static final int WRITE_ROWS_V1 = 23;
    /** UPDATE_ROWS_EVENT_V1. */
    public static final int UPDATE_ROWS_V1 = 24;
    /** DELETE_ROWS_EVENT_V1. */
    public static final int DELETE_ROWS_V1 = 25;

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
     * Decodes one whole event (header, body and checksum; the checksum is not verified here).
     * TABLE_MAP: remembered, returns an empty list. WRITE/UPDATE/DELETE_ROWS v1 (23, 24, 25) and v2 (30, 31, 32):
     * the rows, in event order. Any other event: an empty list.
     *
     * @throws RowsDecodingException for PARTIAL_UPDATE_ROWS (39, {@code binlog_row_value_options=PARTIAL_JSON},
     *                               not supported), for a rows event whose table id has no TABLE_MAP, and for a
     *                               truncated or garbled event (the message names the table, column and type)
     */
    public List<RowChange> accept(byte[] event) {
        if (event == null || event.length < EventHeader.SIZE) {
            throw new RowsDecodingException("binlog event of " + (event == null ? "null" : event.length + " bytes")
                    + " is shorter than its " + EventHeader.SIZE + "-byte header");
        }
        int type = event[4] & 0xff;
        return switch (type) {
            case EventType.TABLE_MAP -> {
                TableMap map = TableMap.parse(event, checksum);
                tables.put(map.tableId(), map);
                yield List.of();
            }
            case WRITE_ROWS_V1, EventType.WRITE_ROWS -> rows(event, Operation.INSERT, type == EventType.WRITE_ROWS);
            case UPDATE_ROWS_V1, EventType.UPDATE_ROWS -> rows(event, Operation.UPDATE, type == EventType.UPDATE_ROWS);
            case DELETE_ROWS_V1, EventType.DELETE_ROWS -> rows(event, Operation.DELETE, type == EventType.DELETE_ROWS);
            case EventType.PARTIAL_UPDATE_ROWS -> throw new RowsDecodingException(
                    "PARTIAL_UPDATE_ROWS event: binlog_row_value_options=PARTIAL_JSON is not supported;"
                            + " set binlog_row_value_options='' on the source");
            default -> List.of();
        };
    }

    /** The TABLE_MAP remembered for {@code tableId}, or null. */
    public TableMap table(long tableId) {
        return tables.get(tableId);
    }

    private List<RowChange> rows(byte[] event, Operation op, boolean v2) {
        String kind = EventType.name(event[4] & 0xff) + (v2 ? "" : "_V1");
        int end = TableMapParser.bodyEnd(event, checksum, kind);
        Reader r = new Reader(event, EventHeader.SIZE, end, () -> kind);
        long tableId = r.u48("table id");
        TableMap map = tables.get(tableId);
        if (map == null) {
            throw new RowsDecodingException(kind + " event for table id " + tableId + " without a TABLE_MAP before it");
        }
        String where = kind + " of " + map.qualifiedName();
        r.where(() -> where);
        r.u16("flags");
        if (v2) {
            int extra = r.u16("extra data length");
            if (extra < 2) {
                throw new RowsDecodingException(where + ": extra data length " + extra + " is below 2");
            }
            r.take(extra - 2, "extra data");
        }
        int width = r.packedInt("column count");
        int columns = map.columns().size();
        if (width != columns) {
            throw new RowsDecodingException(where + ": the event has " + width + " columns, its TABLE_MAP "
                    + columns);
        }
        BitSet beforeCols = bitmap(r, width, "columns bitmap");
        BitSet afterCols = op == Operation.UPDATE ? bitmap(r, width, "after-image columns bitmap") : beforeCols;
        List<RowChange> changes = new ArrayList<>();
        if (beforeCols.isEmpty() || afterCols.isEmpty()) {
            // an image of no columns takes no bytes: the rows would never end
            throw new RowsDecodingException(where + ": a row image of no columns");
        }
        while (r.hasRemaining()) {
            int row = changes.size();
            RowImage first = image(r, map, op == Operation.INSERT ? afterCols : beforeCols, where, row);
            RowChange change = switch (op) {
                case INSERT -> new RowChange(op, map, null, first);
                case DELETE -> new RowChange(op, map, first, null);
                case UPDATE -> new RowChange(op, map, first, image(r, map, afterCols, where, row));
            };
            changes.add(change);
        }
        return changes;
    }

    private static BitSet bitmap(Reader r, int width, String what) {
        int at = r.take((width + 7) / 8, what);
        BitSet bits = new BitSet(width);
        for (int i = 0; i < width; i++) {
            if ((r.data()[at + i / 8] >> (i % 8) & 1) != 0) {
                bits.set(i);
            }
        }
        return bits;
    }

    private static RowImage image(Reader r, TableMap map, BitSet present, String where, int row) {
        r.where(() -> where + ", row " + row + ", null bitmap");
        int nullAt = r.take((present.cardinality() + 7) / 8, "null bitmap");
        List<Column> columns = map.columns();
        List<Object> values = new ArrayList<>(columns.size());
        int k = 0;
        for (Column c : columns) {
            if (!present.get(c.index())) {
                values.add(null);
                continue;
            }
            boolean isNull = (r.data()[nullAt + k / 8] >> (k % 8) & 1) != 0;
            k++;
            if (isNull) {
                values.add(null);
                continue;
            }
            r.where(() -> where + ", row " + row + ", column " + c.index()
                    + (c.name() == null ? "" : " " + c.name()) + " (" + c.typeName() + ")");
            try {
                values.add(ValueDecoder.decode(r, c));
            } catch (RowsDecodingException e) {
                if (e.getMessage().startsWith(where)) {
                    throw e;
                }
                throw new RowsDecodingException(where + ", row " + row + ", column " + c.index()
                        + (c.name() == null ? "" : " " + c.name()) + " (" + c.typeName() + "): " + e.getMessage(), e);
            }
        }
        return new RowImage(present, values);
    }
}
