package io.sluice.model.protocol;

/**
 * A MySQL error with its code and SQLSTATE: one received in an ERR packet, or one to send in an ERR packet.
 */
public class MysqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String sqlState;

    public MysqlException(int code, String sqlState, String message) {
        super(message);
        this.code = code;
        this.sqlState = sqlState;
    }

    public MysqlException(MysqlError error, String message) {
        this(error.code(), error.sqlState(), message);
    }

    public int code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }

    @Override
    public String toString() {
        return "MySQL error " + code + " (" + sqlState + "): " + getMessage();
    }
}
