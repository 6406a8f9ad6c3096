package io.sluice.model.protocol;

/**
 * A packet that does not follow the MySQL protocol: too short, a length beyond a limit, an unexpected sequence id.
 * The connection that sent it cannot be trusted further and is closed, with an ERR where possible.
 */
public class MysqlProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MysqlProtocolException(String message) {
        super(message);
    }

    public MysqlProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
