package io.sluice.decoder;

/** The decoder cannot go on: a record it cannot decode, or a server it needs that does not answer. */
public final class DecoderException extends RuntimeException {
    public DecoderException(String message) {
        super(message);
    }

    public DecoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
