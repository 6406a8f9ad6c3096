package io.sluice.model.rows;

/**
 * A malformed or truncated MySQL binary JSON document (see {@link JsonBinary}). The message says what was wrong and
 * at which byte offset, counted from the first byte of the document (its type byte).
 */
public final class JsonBinaryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Where the fault was found, from the first byte of the document. */
    private final int offset;

    /**
     * An exception for a fault in a document.
     *
     * @param what what was wrong
     * @param offset where the fault was found, from the first byte of the document
     */
    public JsonBinaryException(String what, int offset) {
        super("binary JSON: " + what + " at byte offset " + offset);
        this.offset = offset;
    }

    /**
     * Where the fault was found.
     *
     * @return the offset from the first byte of the document
     */
    public int offset() {
        return offset;
    }
}
