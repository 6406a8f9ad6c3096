package io.sluice.model.protocol;

/**
 * The MySQL error codes Sluice sends or acts on, each with its SQLSTATE and MySQL's message template (from MySQL
 * 8.0's {@code share/messages_to_clients.txt}); {@code %s} and {@code %d} are filled with {@link #format}.
 */
public enum MysqlError {
    ER_CON_COUNT_ERROR(1040, "08004", "Too many connections"),
    ER_HANDSHAKE_ERROR(1043, "08S01", "Bad handshake"),
    ER_BAD_FIELD_ERROR(1054, "42S22", "Unknown column '%s' in '%s'"),
    ER_ACCESS_DENIED_ERROR(1045, "28000", "Access denied for user '%s'@'%s' (using password: %s)"),
    ER_UNKNOWN_COM_ERROR(1047, "08S01", "Unknown command"),
    ER_PARSE_ERROR(1064, "42000", "%s"),
    ER_NO_SUCH_THREAD(1094, "HY000", "Unknown thread id: %d"),
    ER_HOST_NOT_PRIVILEGED(1130, "HY000", "Host '%s' is not allowed to connect to this MySQL server"),
    /** MySQL 8.0.24+: sent before closing a connection idle past wait_timeout. */
    ER_CLIENT_INTERACTION_TIMEOUT(4031, "HY000", "The client was disconnected by the server because of inactivity. "
            + "See wait_timeout and interactive_timeout for configuring this behavior."),
    ER_KILL_DENIED_ERROR(1095, "HY000", "You are not owner of thread %d"),
    ER_UNKNOWN_ERROR(1105, "HY000", "%s"),
    ER_NET_PACKET_TOO_LARGE(1153, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes"),
    ER_NET_PACKETS_OUT_OF_ORDER(1156, "08S01", "Got packets out of order"),
    ER_ERROR_WHEN_EXECUTING_COMMAND(1220, "HY000", "Error when executing command %s: %s"),
    ER_UNKNOWN_SYSTEM_VARIABLE(1193, "HY000", "Unknown system variable '%s'"),
    ER_SPECIFIC_ACCESS_DENIED_ERROR(1227, "42000",
            "Access denied; you need (at least one of) the %s privilege(s) for this operation"),
    ER_NOT_SUPPORTED_YET(1235, "42000", "This version of MySQL doesn't yet support '%s'"),
    /** Every fatal error of a binlog dump; the message is the reason, shown by the replica as "Got fatal error 1236". */
    ER_MASTER_FATAL_ERROR_READING_BINLOG(1236, "HY000", "%s"),
    ER_NOT_SUPPORTED_AUTH_MODE(1251, "08004",
            "Client does not support authentication protocol requested by server; consider upgrading MySQL client"),
    ER_OPTION_PREVENTS_STATEMENT(1290, "HY000",
            "The MySQL server is running with the %s option so it cannot execute this statement"),
    /** Since MySQL 5.6.5. */
    ER_MALFORMED_GTID_SET_SPECIFICATION(1772, "HY000", "Malformed GTID set specification '%s'."),
    ER_MALFORMED_PACKET(1835, "HY000", "Malformed communication packet."),
    /** MySQL 5.7.8+: a login without TLS while {@code require_secure_transport} is ON. */
    ER_SECURE_TRANSPORT_REQUIRED(3159, "HY000",
            "Connections using insecure transport are prohibited while --require_secure_transport=ON."),
    ER_QUERY_INTERRUPTED(1317, "70100", "Query execution was interrupted"),
    /**
     * A client-side error (MySQL's {@code include/errmsg.h}, CR_SSL_CONNECTION_ERROR): TLS to the server could not
     * be set up as the client's ssl mode demands. Raised by Sluice's client, never sent.
     */
    CR_SSL_CONNECTION_ERROR(2026, "HY000", "SSL connection error: %s");

    /** ER_MASTER_HAS_PURGED_REQUIRED_GTIDS (8.0: ER_SOURCE_HAS_PURGED_REQUIRED_GTIDS), sent as 1236. */
    public static final String PURGED_REQUIRED_GTIDS = "Cannot replicate because the source purged required binary "
            + "logs. Replicate the missing transactions from elsewhere, or provision a new replica from backup. "
            + "Consider increasing the source's binary log expiration period. The GTID set sent by the replica is "
            + "'%s', and the missing transactions are '%s'.";

    /** ER_SLAVE_HAS_MORE_GTIDS_THAN_MASTER (1885 in 5.7, 8.0 wording), sent as 1236. */
    public static final String REPLICA_HAS_MORE_GTIDS = "Replica has more GTIDs than the source has, using the "
            + "source's SERVER_UUID. This may indicate that the end of the binary log was truncated or that the last "
            + "binary log file was lost, e.g., after a power or disk failure when sync_binlog != 1. The source may or "
            + "may not have rolled back transactions that were already replicated to the replica. Suggest to "
            + "replicate any transactions that source has rolled back from replica to source, and/or commit empty "
            + "transactions on source to account for transactions that have been committed on source but are not "
            + "included in GTID_EXECUTED.";

    /** ER_CANT_REPLICATE_ANONYMOUS_WITH_AUTO_POSITION, sent as 1236. */
    public static final String ANONYMOUS_WITH_AUTO_POSITION = "Cannot replicate anonymous transaction when "
            + "AUTO_POSITION = 1, at file %s, position %d.";

    /**
     * A COM_BINLOG_DUMP for a file the source does not have (Binlog_sender::init in {@code sql/rpl_binlog_sender.cc}),
     * sent as 1236 without the position suffix.
     */
    public static final String UNKNOWN_LOG_FILE = "Could not find first log file name in binary log index file";

    /** A COM_BINLOG_DUMP past the end of its file (Binlog_sender::check_start_file, 8.0.26+ wording), as 1236. */
    public static final String POSITION_PAST_FILE =
            "Client requested source to start replication from position > file size";

    /** A COM_BINLOG_DUMP at a position inside an event (the binlog reader's Binlog_read_error::BOGUS), as 1236. */
    public static final String BOGUS_DATA = "bogus data in log event";

    /**
     * The suffix Binlog_sender appends to a fatal error's reason: start file and position, last event read, last
     * byte read. Arguments: start file, start position, file, position read, file, byte read.
     */
    public static final String DUMP_ERROR_SUFFIX = "%s; the first event '%s' at %d, the last event read from '%s' at "
            + "%d, the last byte read from '%s' at %d.";

    private final int code;
    private final String sqlState;
    private final String template;

    MysqlError(int code, String sqlState, String template) {
        this.code = code;
        this.sqlState = sqlState;
        this.template = template;
    }

    public int code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }

    public String template() {
        return template;
    }

    /** The message with its arguments filled in. */
    public String format(Object... args) {
        return args.length == 0 ? template : String.format(template, args);
    }

    /** The exception that carries this error and the formatted message. */
    public MysqlException exception(Object... args) {
        return new MysqlException(code, sqlState, format(args));
    }

    /** The error for {@code code}, or {@code null} when Sluice does not name it. */
    public static MysqlError of(int code) {
        for (MysqlError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
