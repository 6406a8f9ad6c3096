package io.sluice.model.gtid;

import java.util.Objects;
import java.util.UUID;

/**
 * One MySQL global transaction identifier: the UUID of the server that originally committed the
 * transaction ({@code sid}, MySQL's "source id") and its transaction number ({@code gno}).
 *
 * <p>The text form is {@code uuid:gno}, for example {@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:23}.
 * Transaction numbers range from {@value #MIN_GNO} to {@link #MAX_GNO} ({@code 2^63 - 2}), the
 * same range MySQL allows: its binary encoding stores exclusive interval ends as signed 64-bit
 * integers, so {@code 2^63 - 1} can never be a transaction number.
 *
 * <p>Natural ordering is MySQL's: by UUID bytes (unsigned, equal to lowercase text order), then
 * by transaction number.
 *
 * @param sid the originating server's UUID, never {@code null}
 * @param gno the transaction number, {@value #MIN_GNO}..{@link #MAX_GNO}
 */
public record Gtid(UUID sid, long gno) implements Comparable<Gtid> {

    /** The smallest valid transaction number. */
    public static final long MIN_GNO = 1;

    /** The largest valid transaction number, {@code Long.MAX_VALUE - 1} (MySQL's {@code GNO_END - 1}). */
    public static final long MAX_GNO = Long.MAX_VALUE - 1;

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code sid} is null
     * @throws IllegalArgumentException if {@code gno} is outside {@value #MIN_GNO}..{@link #MAX_GNO}
     */
    public Gtid {
        Objects.requireNonNull(sid, "sid");
        if (gno < MIN_GNO || gno > MAX_GNO) {
            throw new IllegalArgumentException(
                    "GTID transaction number " + gno + " out of range [" + MIN_GNO + ", " + MAX_GNO + "]");
        }
    }

    /**
     * Parses {@code uuid:gno} (UUID in either case, surrounding whitespace allowed).
     *
     * @param text the GTID text, e.g. {@code 3E11FA47-71CA-11E1-9E33-C80AA9429562:23}
     * @return the GTID
     * @throws UnsupportedGtidFormatException for a tagged GTID {@code uuid:tag:gno} (MySQL 8.3+)
     * @throws IllegalArgumentException if the text is malformed; the message names the bad part
     */
    public static Gtid parse(String text) {
        return GtidText.parseGtid(text);
    }

    /** Returns {@code uuid:gno} with a lowercase UUID, the way MySQL prints it. */
    @Override
    public String toString() {
        return sid + ":" + gno;
    }

    @Override
    public int compareTo(Gtid other) {
        int c = Uuids.compare(sid, other.sid);
        return c != 0 ? c : Long.compare(gno, other.gno);
    }
}
