package io.sluice.ingest;

/** The source cannot be replicated as configured (e.g. gtid_mode is not ON, or it has our server_id). */
public final class SourceRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceRefusedException(String message) {
        super(message);
    }
}
