package io.sluice.ingest;

/**
 * The syncer did not stream from a source: it failed the GTID checks of {@link SourceVetting}, or (when failing over)
 * none of the sources could be used. Never fatal: the syncer keeps trying, with backoff, and counts it as a failure
 * of the source towards failing over.
 */
final class SourceUnusableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SourceUnusableException(String message) {
        super(message);
    }
}
