package io.sluice.model.rows;

/**
 * A TABLE_MAP or rows event that cannot be decoded: truncated, garbled, of an unsupported form, or for a table id
 * with no TABLE_MAP. The message names the table, the column index and type where they are known.
 */
public final class RowsDecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message. */
    public RowsDecodingException(String message) {
        super(message);
    }

    /** An exception with the given message and cause. */
    public RowsDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
