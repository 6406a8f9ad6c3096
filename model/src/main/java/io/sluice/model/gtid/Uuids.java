package io.sluice.model.gtid;

import java.util.Comparator;
import java.util.UUID;

/**
 * UUID helpers shared by the GTID classes: MySQL's ordering and a strict text parser.
 *
 * <p>MySQL orders server UUIDs by their 16 raw bytes (memcmp), which is the same as the order of
 * their lowercase hex text. {@link UUID#compareTo} compares the two halves as <em>signed</em>
 * longs on Java 17, so it must not be used for this.
 */
final class Uuids {

    /** MySQL's SID order: unsigned comparison of the big-endian 16 bytes. */
    static final Comparator<UUID> ORDER = Uuids::compare;

    /** Length of the canonical text form {@code 8-4-4-4-12}. */
    static final int TEXT_LENGTH = 36;

    private Uuids() {
    }

    static int compare(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    /**
     * Parses exactly {@value #TEXT_LENGTH} characters at {@code pos} as a dashed UUID (either case).
     *
     * @return the UUID, or {@code null} if the characters are not a well-formed dashed UUID
     */
    static UUID parseAt(CharSequence s, int pos) {
        if (pos < 0 || s.length() - pos < TEXT_LENGTH) {
            return null;
        }
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = 0; i < TEXT_LENGTH; i++) {
            char c = s.charAt(pos + i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') { // Character.digit also accepts non-ASCII digits
                return null;
            }
            if (digits < 16) {
                msb = (msb << 4) | v;
            } else {
                lsb = (lsb << 4) | v;
            }
            digits++;
        }
        return new UUID(msb, lsb);
    }
}
