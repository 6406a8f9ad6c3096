package io.sluice.model.binlog;

import io.sluice.model.gtid.Gtid;

import java.nio.charset.StandardCharsets;

/**
 * An event as {@code SHOW BINLOG EVENTS} shows it: its {@code Event_type} ({@code Log_event::get_type_str}) and
 * {@code Info} ({@code pack_info} of each event class in MySQL's {@code sql/log_event.cc}). Works from the event's
 * first bytes, so the caller need not hold a large event whole: every field it reads is near the start, except the
 * text of a QUERY or ROWS_QUERY event, which is cut at what was given. Event types whose Info Sluice does not
 * decode (statement-based INTVAR, RAND, USER_VAR, LOAD events, XA_PREPARE, TRANSACTION_PAYLOAD) have an empty Info.
 */
public final class EventInfo {
    /** LOG_EVENT_SUPPRESS_USE_F: the QUERY event's statement is shown without {@code use `db`;}. */
    private static final int SUPPRESS_USE = 0x0008;
    /** STMT_END_F of a rows event: the last rows event of the statement. */
    private static final int STMT_END = 0x0001;
    private static final int TABLE_ID_LENGTH = 6;

    private EventInfo() {
    }

    /** The {@code Event_type} column: MySQL's name of the event type. */
    public static String typeName(int type) {
        return switch (type) {
            case EventType.START_V3 -> "Start_v3";
            case EventType.QUERY -> "Query";
            case EventType.STOP -> "Stop";
            case EventType.ROTATE -> "Rotate";
            case EventType.INTVAR -> "Intvar";
            case EventType.RAND -> "RAND";
            case EventType.USER_VAR -> "User var";
            case EventType.FORMAT_DESCRIPTION -> "Format_desc";
            case EventType.XID -> "Xid";
            case EventType.BEGIN_LOAD_QUERY -> "Begin_load_query";
            case EventType.EXECUTE_LOAD_QUERY -> "Execute_load_query";
            case EventType.TABLE_MAP -> "Table_map";
            case EventType.INCIDENT -> "Incident";
            case EventType.HEARTBEAT -> "Heartbeat";
            case EventType.IGNORABLE -> "Ignorable";
            case EventType.ROWS_QUERY -> "Rows_query";
            case EventType.WRITE_ROWS -> "Write_rows";
            case EventType.UPDATE_ROWS -> "Update_rows";
            case EventType.DELETE_ROWS -> "Delete_rows";
            case EventType.GTID -> "Gtid";
            case EventType.ANONYMOUS_GTID -> "Anonymous_Gtid";
            case EventType.PREVIOUS_GTIDS -> "Previous_gtids";
            case EventType.TRANSACTION_CONTEXT -> "Transaction_context";
            case EventType.VIEW_CHANGE -> "View_change";
            case EventType.XA_PREPARE -> "XA_prepare";
            case EventType.PARTIAL_UPDATE_ROWS -> "Update_rows_partial";
            case EventType.TRANSACTION_PAYLOAD -> "Transaction_payload";
            case EventType.HEARTBEAT_V2 -> "Heartbeat_v2";
            case EventType.GTID_TAGGED -> "Gtid_tagged";
            default -> "Unknown";
        };
    }

    /**
     * The {@code Info} column.
     *
     * @param event     the event's first {@code available} bytes, header included
     * @param available how many of its bytes are there (the whole event, or a prefix of a large one)
     * @param crc       whether the event ends with a CRC32 (its file's FORMAT_DESCRIPTION says so)
     * @throws IllegalArgumentException when the bytes are too short for what the event's type declares
     */
    public static String info(byte[] event, int available, boolean crc) {
        int type = BinlogEvents.type(event, 0);
        long length = BinlogEvents.length(event, 0);
        boolean whole = available >= length;
        int end = (int) Math.min(available, length - (crc ? Checksums.CRC_LEN : 0));
        int body = EventHeader.SIZE;
        try {
            return switch (type) {
                case EventType.FORMAT_DESCRIPTION -> {
                    FormatDescription fde = FormatDescription.parse(java.util.Arrays.copyOf(event, available));
                    yield "Server ver: " + fde.serverVersion() + ", Binlog ver: " + fde.binlogVersion();
                }
                case EventType.PREVIOUS_GTIDS -> whole
                        ? BinlogEvents.previousGtids(java.util.Arrays.copyOf(event, (int) length), crc).toMysqlString()
                        : "";
                case EventType.GTID, EventType.ANONYMOUS_GTID -> {
                    Gtid gtid = BinlogEvents.gtid(event, 0);
                    yield "SET @@SESSION.GTID_NEXT= '" + (type == EventType.GTID ? gtid.toString() : "ANONYMOUS")
                            + "'";
                }
                case EventType.QUERY -> query(event, whole ? (int) length : available, whole && crc);
                case EventType.ROWS_QUERY -> // u8 length (ignored, MySQL reads to the end), then the statement
                        "# " + new String(event, body + 1, Math.max(0, end - body - 1), StandardCharsets.UTF_8);
                case EventType.TABLE_MAP -> {
                    int p = body + TABLE_ID_LENGTH + 2;
                    int dbLength = event[p] & 0xff;
                    String db = new String(event, p + 1, dbLength, StandardCharsets.UTF_8);
                    int q = p + 1 + dbLength + 1;
                    int tableLength = event[q] & 0xff;
                    String table = new String(event, q + 1, tableLength, StandardCharsets.UTF_8);
                    yield "table_id: " + tableId(event) + " (" + db + "." + table + ")";
                }
                case EventType.WRITE_ROWS, EventType.UPDATE_ROWS, EventType.DELETE_ROWS,
                     EventType.PARTIAL_UPDATE_ROWS -> {
                    int flags = Bytes.u16(event, body + TABLE_ID_LENGTH);
                    yield "table_id: " + tableId(event) + ((flags & STMT_END) != 0 ? " flags: STMT_END_F" : "");
                }
                case EventType.XID -> "COMMIT /* xid=" + Long.toUnsignedString(Bytes.u64(event, body)) + " */";
                case EventType.ROTATE -> {
                    long position = Bytes.u64(event, body);
                    String file = new String(event, body + 8, end - body - 8, StandardCharsets.UTF_8);
                    yield file + ";pos=" + position;
                }
                default -> "";
            };
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(EventType.name(type) + " event of " + available + " bytes is malformed",
                    e);
        }
    }

    private static long tableId(byte[] event) {
        long id = 0;
        for (int i = TABLE_ID_LENGTH - 1; i >= 0; i--) {
            id = id << 8 | (event[EventHeader.SIZE + i] & 0xff);
        }
        return id;
    }

    /** {@code use `db`; statement}, as Query_log_event::pack_info writes it, or the statement alone. */
    private static String query(byte[] event, int available, boolean crc) {
        String text = BinlogEvents.queryText(event, 0, available, crc, Integer.MAX_VALUE);
        int post = EventHeader.SIZE;
        int dbLength = event[post + 8] & 0xff;
        int statusLength = Bytes.u16(event, post + 11);
        int flags = BinlogEvents.flags(event, 0);
        long ddlXid = ddlXid(event, post + 13, statusLength);
        String xid = ddlXid == -1 ? "" : " /* xid=" + Long.toUnsignedString(ddlXid) + " */";
        if (dbLength == 0 || (flags & SUPPRESS_USE) != 0) {
            return text + xid;
        }
        String db = new String(event, post + 13 + statusLength, dbLength, StandardCharsets.UTF_8);
        return "use `" + db.replace("`", "``") + "`; " + text + xid;
    }

    /**
     * The XID an atomic DDL was logged with (status variable Q_DDL_LOGGED_WITH_XID, 8.0+), or -1 (INVALID_XID):
     * the status variables are walked by their codes' sizes, up to one this code does not know.
     */
    private static long ddlXid(byte[] event, int start, int length) {
        int p = start;
        int end = start + length;
        while (p < end) {
            int code = event[p++] & 0xff;
            switch (code) {
                case 0, 10 -> p += 4;             // Q_FLAGS2, Q_MASTER_DATA_WRITTEN
                case 1, 9 -> p += 8;              // Q_SQL_MODE, Q_TABLE_MAP_FOR_UPDATE
                case 2 -> p += 1 + (event[p] & 0xff) + 1; // Q_CATALOG (NUL-terminated)
                case 3 -> p += 4;                 // Q_AUTO_INCREMENT
                case 4 -> p += 6;                 // Q_CHARSET
                case 5, 6 -> p += 1 + (event[p] & 0xff); // Q_TIME_ZONE, Q_CATALOG_NZ
                case 7, 8, 18 -> p += 2;          // Q_LC_TIME_NAMES, Q_CHARSET_DATABASE, Q_DEFAULT_COLLATION_FOR_UTF8MB4
                case 11 -> {                      // Q_INVOKER: user, host
                    p += 1 + (event[p] & 0xff);
                    p += 1 + (event[p] & 0xff);
                }
                case 12 -> {                      // Q_UPDATED_DB_NAMES: count, then NUL-terminated names
                    int count = event[p++] & 0xff;
                    if (count != 254) {          // OVER_MAX_DBS_IN_EVENT_MTS: no names
                        for (int i = 0; i < count; i++) {
                            while (event[p] != 0) {
                                p++;
                            }
                            p++;
                        }
                    }
                }
                case 13 -> p += 3;                // Q_MICROSECONDS
                case 16, 19, 20 -> p += 1;        // explicit_defaults_for_timestamp, sql_require_primary_key,
                                                  // default_table_encryption
                case 17 -> {
                    return Bytes.u64(event, p);   // Q_DDL_LOGGED_WITH_XID
                }
                default -> {
                    return -1;
                }
            }
        }
        return -1;
    }
}
