package io.sluice.model.gtid;

/**
 * Thrown when a GTID or GTID set uses a representation that is well-formed for some MySQL version
 * but not supported by Sluice, most notably the tagged GTIDs introduced in MySQL 8.3
 * ({@code uuid:tag:1-5} in text form, format byte {@code 1} in the binary form).
 *
 * <p>It extends {@link IllegalArgumentException} so that callers that only care about "this input
 * cannot be used" can catch a single type, while callers that want to report the unsupported
 * feature specifically can catch this one.
 */
public class UnsupportedGtidFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The message prefix used for every rejection of a tagged GTID (set). */
    static final String TAGGED_NOT_SUPPORTED = "tagged GTID sets (MySQL 8.3+) are not supported";

    /**
     * Creates the exception.
     *
     * @param message what was found and why it is rejected
     */
    public UnsupportedGtidFormatException(String message) {
        super(message);
    }
}
