package io.sluice.model.rows;

import java.nio.charset.Charset;

/**
 * MySQL collation ids and the Java charset of each one's character set.
 */
public final class Collations {
    /** The {@code binary} collation (and character set). */
    public static final int BINARY = 63;

    private Collations() {
    }

    /** The Java charset of collation {@code id}, or null when the collation is binary or unknown. */
    public static Charset charset(int id) {
        return null;
    }
}
