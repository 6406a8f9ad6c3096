package io.sluice.model.binlog;

/**
 * Binlog event type codes, as in MySQL's {@code libbinlogevents/include/binlog_event.h} (enum Log_event_type).
 * Only the codes Sluice reads by name are listed; every other code is carried byte-exact anyway.
 */
public final class EventType {
    public static final int UNKNOWN = 0;
    public static final int START_V3 = 1;
    public static final int QUERY = 2;
    public static final int STOP = 3;
    public static final int ROTATE = 4;
    public static final int INTVAR = 5;
    public static final int RAND = 13;
    public static final int USER_VAR = 14;
    public static final int FORMAT_DESCRIPTION = 15;
    public static final int XID = 16;
    public static final int BEGIN_LOAD_QUERY = 17;
    public static final int EXECUTE_LOAD_QUERY = 18;
    public static final int TABLE_MAP = 19;
    public static final int INCIDENT = 26;
    public static final int HEARTBEAT = 27;
    public static final int IGNORABLE = 28;
    public static final int ROWS_QUERY = 29;
    public static final int WRITE_ROWS = 30;
    public static final int UPDATE_ROWS = 31;
    public static final int DELETE_ROWS = 32;
    public static final int GTID = 33;
    public static final int ANONYMOUS_GTID = 34;
    public static final int PREVIOUS_GTIDS = 35;
    public static final int TRANSACTION_CONTEXT = 36;
    public static final int VIEW_CHANGE = 37;
    public static final int XA_PREPARE = 38;
    public static final int PARTIAL_UPDATE_ROWS = 39;
    /** MySQL 8.0.20+: a compressed transaction (binlog_transaction_compression). */
    public static final int TRANSACTION_PAYLOAD = 40;
    /** MySQL 8.0.26+: heartbeat with a TLV body and a 64-bit position. */
    public static final int HEARTBEAT_V2 = 41;
    /** MySQL 8.3+: GTID event with a tag. */
    public static final int GTID_TAGGED = 42;

    private EventType() {
    }

    /** A short name for logs and errors, e.g. {@code GTID} or {@code TYPE_99}. */
    public static String name(int type) {
        return switch (type) {
            case QUERY -> "QUERY";
            case STOP -> "STOP";
            case ROTATE -> "ROTATE";
            case INTVAR -> "INTVAR";
            case RAND -> "RAND";
            case USER_VAR -> "USER_VAR";
            case FORMAT_DESCRIPTION -> "FORMAT_DESCRIPTION";
            case XID -> "XID";
            case TABLE_MAP -> "TABLE_MAP";
            case INCIDENT -> "INCIDENT";
            case HEARTBEAT -> "HEARTBEAT";
            case ROWS_QUERY -> "ROWS_QUERY";
            case WRITE_ROWS -> "WRITE_ROWS";
            case UPDATE_ROWS -> "UPDATE_ROWS";
            case DELETE_ROWS -> "DELETE_ROWS";
            case GTID -> "GTID";
            case ANONYMOUS_GTID -> "ANONYMOUS_GTID";
            case PREVIOUS_GTIDS -> "PREVIOUS_GTIDS";
            case XA_PREPARE -> "XA_PREPARE";
            case TRANSACTION_PAYLOAD -> "TRANSACTION_PAYLOAD";
            case HEARTBEAT_V2 -> "HEARTBEAT_V2";
            case GTID_TAGGED -> "GTID_TAGGED";
            default -> "TYPE_" + type;
        };
    }
}
