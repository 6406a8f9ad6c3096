package io.sluice.model.gtid;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An immutable MySQL GTID set: for each server UUID, the transaction numbers it contains, kept as
 * sorted, non-overlapping, non-adjacent intervals (MySQL's {@code Gtid_set}).
 *
 * <p>Instances are immutable and thread-safe; every operation returns a new set (or {@code this}
 * when nothing changes). UUIDs are ordered the way MySQL orders them: by their 16 big-endian
 * bytes, compared unsigned, which is the order of their lowercase text.
 *
 * <h2>Text form</h2>
 * {@link #parse(String)} accepts what servers print for {@code @@gtid_executed},
 * {@code SHOW REPLICA STATUS} and so on, e.g.
 * {@code 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:11-18,\n8a94f357-aab4-11df-86ab-c80aa9429562:7}.
 * {@link #toString()} produces MySQL's canonical form with {@code ","} between UUIDs,
 * {@link #toMysqlString()} the {@code ",\n"} form the server itself uses.
 *
 * <h2>Binary form</h2>
 * {@link #encode()} / {@link #decode(byte[], int, int)} implement the encoding of MySQL's
 * {@code Gtid_set::encode} used by {@code COM_BINLOG_DUMP_GTID} and by the body of
 * {@code PREVIOUS_GTIDS_LOG_EVENT}. All integers are little-endian:
 * <pre>
 *   u64 n_sids
 *   n_sids times:
 *     byte[16] uuid          (big-endian, the hex digits in text order)
 *     u64      n_intervals
 *     n_intervals times:
 *       u64 start            (first transaction number, inclusive)
 *       u64 end              (last transaction number + 1, exclusive)
 * </pre>
 * MySQL 8.3+ marks its tagged-GTID variant with format byte {@code 1} in the most significant
 * byte of {@code n_sids}; that variant is rejected with {@link UnsupportedGtidFormatException}.
 *
 * <h2>Performance</h2>
 * {@link #contains(Gtid)} is a binary search over the UUIDs and then over the intervals of that
 * UUID. {@link #with(Gtid)} copies only the interval array of the affected UUID (usually a few
 * longs) when the UUID is already present. To accumulate many GTIDs use a {@link Builder}.
 */
public final class GtidSet {

    /** The empty GTID set. */
    public static final GtidSet EMPTY = new GtidSet(new UUID[0], new long[0][]);

    private static final int SID_HEADER_BYTES = 16 + 8;
    private static final int INTERVAL_BYTES = 16;

    /** Sorted by {@link Uuids#ORDER}, distinct. Never mutated, may be shared between instances. */
    private final UUID[] sids;
    /** {@code ranges[i]}: non-empty normalized range array of {@code sids[i]} (see {@link Ranges}). */
    private final long[][] ranges;

    private int hash;
    private String text;

    private GtidSet(UUID[] sids, long[][] ranges) {
        this.sids = sids;
        this.ranges = ranges;
    }

    private static GtidSet of(UUID[] sids, long[][] ranges) {
        return sids.length == 0 ? EMPTY : new GtidSet(sids, ranges);
    }

    /**
     * One interval of transaction numbers of one UUID, both ends inclusive.
     *
     * @param start the first transaction number, at least {@link Gtid#MIN_GNO}
     * @param end the last transaction number, {@code start..}{@link Gtid#MAX_GNO}
     */
    public record Interval(long start, long end) {

        /**
         * Validates the bounds.
         *
         * @throws IllegalArgumentException unless {@code 1 <= start <= end <= Gtid.MAX_GNO}
         */
        public Interval {
            checkInterval(start, end);
        }

        /** Returns the number of transactions in this interval, {@code end - start + 1}. */
        public long count() {
            return end - start + 1;
        }

        /**
         * Tells whether a transaction number lies in this interval.
         *
         * @param gno the transaction number
         * @return {@code start <= gno <= end}
         */
        public boolean contains(long gno) {
            return start <= gno && gno <= end;
        }

        /** Returns {@code start-end}, or just {@code start} for a single transaction (MySQL's form). */
        @Override
        public String toString() {
            return start == end ? Long.toString(start) : start + "-" + end;
        }
    }

    private static void checkInterval(long start, long end) {
        if (start < Gtid.MIN_GNO || end > Gtid.MAX_GNO || start > end) {
            throw new IllegalArgumentException("invalid GTID interval " + start + "-" + end
                    + ": need " + Gtid.MIN_GNO + " <= start <= end <= " + Gtid.MAX_GNO);
        }
    }

    // ------------------------------------------------------------------ factories

    /**
     * Returns a new, empty builder.
     *
     * @return a builder (not thread-safe)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the set of the given GTIDs.
     *
     * @param gtids the GTIDs, in any order, duplicates allowed
     * @return the set
     */
    public static GtidSet of(Gtid... gtids) {
        Builder b = new Builder();
        for (Gtid g : gtids) {
            b.add(g);
        }
        return b.build();
    }

    /**
     * Parses MySQL's text form. Accepted, as by the server: UUIDs in either case, single
     * transaction numbers or {@code a-b} ranges, unsorted or overlapping intervals (merged),
     * whitespace (including newlines) around every separator, empty entries between commas,
     * a UUID without intervals (contributes nothing), and the empty string (the empty set).
     * Transaction numbers are decimal. UUIDs must be in the dashed 36-character form.
     *
     * @param text the text, e.g. {@code uuid:1-5:7,\nuuid2:3}
     * @return the set
     * @throws UnsupportedGtidFormatException for tagged GTIDs such as {@code uuid:tag:1-5} (MySQL 8.3+)
     * @throws IllegalArgumentException if the text is malformed; the message names the bad part
     *     and its offset
     */
    public static GtidSet parse(String text) {
        return GtidText.parseSet(text);
    }

    // ------------------------------------------------------------------ queries

    /** Returns whether this set contains no transaction at all. */
    public boolean isEmpty() {
        return sids.length == 0;
    }

    private int indexOf(UUID sid) {
        int lo = 0;
        int hi = sids.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Uuids.compare(sids[mid], sid);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * Tells whether the set contains a GTID. O(log(uuids) + log(intervals of that uuid)).
     *
     * @param gtid the GTID
     * @return whether it is in this set
     */
    public boolean contains(Gtid gtid) {
        int i = indexOf(gtid.sid());
        return i >= 0 && Ranges.contains(ranges[i], gtid.gno());
    }

    /**
     * Tells whether this set is a superset of {@code other} (every GTID of {@code other} is here).
     *
     * @param other the other set
     * @return {@code other ⊆ this}
     */
    public boolean containsAll(GtidSet other) {
        if (other == this || other.isEmpty()) {
            return true;
        }
        for (int j = 0; j < other.sids.length; j++) {
            int i = indexOf(other.sids[j]);
            if (i < 0 || !Ranges.containsAll(ranges[i], other.ranges[j])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether this set is a subset of {@code other}.
     *
     * @param other the other set
     * @return {@code this ⊆ other}
     */
    public boolean isSubsetOf(GtidSet other) {
        return other.containsAll(this);
    }

    /**
     * Returns the UUIDs that have at least one transaction in this set.
     *
     * @return an immutable set iterating in MySQL's UUID order
     */
    public Set<UUID> uuids() {
        return new SidSet();
    }

    /**
     * Returns the intervals of one UUID.
     *
     * @param sid the UUID
     * @return an immutable list, ascending, non-overlapping and non-adjacent; empty if the UUID is
     *     not in this set
     */
    public List<Interval> intervals(UUID sid) {
        int i = indexOf(Objects.requireNonNull(sid, "sid"));
        if (i < 0) {
            return List.of();
        }
        long[] r = ranges[i];
        Interval[] out = new Interval[r.length >>> 1];
        for (int k = 0; k < out.length; k++) {
            out[k] = new Interval(r[k << 1], r[(k << 1) + 1]);
        }
        return List.of(out);
    }

    /**
     * Returns the number of transactions in this set, saturating at {@link Long#MAX_VALUE}.
     *
     * @return the transaction count
     */
    public long count() {
        long total = 0;
        for (long[] r : ranges) {
            for (int k = 0; k < r.length; k += 2) {
                total += r[k + 1] - r[k] + 1;
                if (total < 0) {
                    return Long.MAX_VALUE;
                }
            }
        }
        return total;
    }

    // ------------------------------------------------------------------ algebra

    /**
     * Returns this set plus one GTID. Cheap when the GTID extends the last interval of an
     * existing UUID (the usual case for a stream of transactions): only that UUID's interval
     * array is copied.
     *
     * @param gtid the GTID to add
     * @return the new set, or {@code this} if it already contains the GTID
     */
    public GtidSet with(Gtid gtid) {
        long gno = gtid.gno();
        int i = indexOf(gtid.sid());
        if (i < 0) {
            int at = -(i + 1);
            UUID[] ns = new UUID[sids.length + 1];
            long[][] nr = new long[ranges.length + 1][];
            System.arraycopy(sids, 0, ns, 0, at);
            System.arraycopy(ranges, 0, nr, 0, at);
            ns[at] = gtid.sid();
            nr[at] = new long[] {gno, gno};
            System.arraycopy(sids, at, ns, at + 1, sids.length - at);
            System.arraycopy(ranges, at, nr, at + 1, ranges.length - at);
            return new GtidSet(ns, nr);
        }
        long[] r = ranges[i];
        int n = r.length;
        long lastEnd = r[n - 1];
        long[] updated;
        if (gno == lastEnd + 1) {
            updated = r.clone();
            updated[n - 1] = gno;
        } else if (gno > lastEnd) {
            updated = Arrays.copyOf(r, n + 2);
            updated[n] = gno;
            updated[n + 1] = gno;
        } else if (Ranges.contains(r, gno)) {
            return this;
        } else {
            updated = Ranges.union(r, new long[] {gno, gno});
        }
        long[][] nr = ranges.clone();
        nr[i] = updated;
        return new GtidSet(sids, nr);
    }

    /**
     * Returns the union of this set and {@code other}.
     *
     * @param other the other set
     * @return {@code this ∪ other}
     */
    public GtidSet union(GtidSet other) {
        if (other.isEmpty() || other == this) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        UUID[] ns = new UUID[sids.length + other.sids.length];
        long[][] nr = new long[ns.length][];
        int i = 0;
        int j = 0;
        int o = 0;
        while (i < sids.length || j < other.sids.length) {
            int c = i >= sids.length ? 1 : j >= other.sids.length ? -1 : Uuids.compare(sids[i], other.sids[j]);
            if (c < 0) {
                ns[o] = sids[i];
                nr[o++] = ranges[i++];
            } else if (c > 0) {
                ns[o] = other.sids[j];
                nr[o++] = other.ranges[j++];
            } else {
                ns[o] = sids[i];
                nr[o++] = Ranges.union(ranges[i++], other.ranges[j++]);
            }
        }
        return new GtidSet(trim(ns, o), trim(nr, o));
    }

    /**
     * Returns the GTIDs of this set that are not in {@code other}.
     *
     * @param other the set to remove
     * @return {@code this − other}
     */
    public GtidSet subtract(GtidSet other) {
        if (other.isEmpty() || isEmpty()) {
            return this;
        }
        if (other == this) {
            return EMPTY;
        }
        UUID[] ns = new UUID[sids.length];
        long[][] nr = new long[sids.length][];
        int o = 0;
        boolean changed = false;
        for (int i = 0; i < sids.length; i++) {
            int j = other.indexOf(sids[i]);
            long[] r = ranges[i];
            if (j >= 0) {
                long[] s = Ranges.subtract(r, other.ranges[j]);
                changed |= !Arrays.equals(s, r);
                r = s;
            }
            if (r.length > 0) {
                ns[o] = sids[i];
                nr[o++] = r;
            }
        }
        return changed ? of(trim(ns, o), trim(nr, o)) : this;
    }

    /**
     * Returns the GTIDs that are in both sets.
     *
     * @param other the other set
     * @return {@code this ∩ other}
     */
    public GtidSet intersect(GtidSet other) {
        if (other == this) {
            return this;
        }
        if (isEmpty() || other.isEmpty()) {
            return EMPTY;
        }
        int max = Math.min(sids.length, other.sids.length);
        UUID[] ns = new UUID[max];
        long[][] nr = new long[max][];
        int o = 0;
        int i = 0;
        int j = 0;
        while (i < sids.length && j < other.sids.length) {
            int c = Uuids.compare(sids[i], other.sids[j]);
            if (c < 0) {
                i++;
            } else if (c > 0) {
                j++;
            } else {
                long[] r = Ranges.intersect(ranges[i++], other.ranges[j++]);
                if (r.length > 0) {
                    ns[o] = sids[i - 1];
                    nr[o++] = r;
                }
            }
        }
        return of(trim(ns, o), trim(nr, o));
    }

    private static <T> T[] trim(T[] a, int n) {
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    // ------------------------------------------------------------------ text form

    /**
     * Returns MySQL's canonical text form: lowercase UUIDs in MySQL's order, each followed by its
     * ascending intervals ({@code :a-b}, or {@code :a} when {@code a == b}), UUIDs separated by
     * {@code ","}; the empty set is the empty string. {@link #parse(String)} reads it back.
     */
    @Override
    public String toString() {
        String s = text;
        if (s == null) {
            s = format(",");
            text = s;
        }
        return s;
    }

    /**
     * Returns the text form exactly as the server prints {@code @@gtid_executed}: like
     * {@link #toString()} but with UUIDs separated by {@code ",\n"}.
     *
     * @return the server-style text
     */
    public String toMysqlString() {
        return format(",\n");
    }

    private String format(String separator) {
        StringBuilder sb = new StringBuilder(sids.length * 48);
        for (int i = 0; i < sids.length; i++) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(sids[i]);
            long[] r = ranges[i];
            for (int k = 0; k < r.length; k += 2) {
                sb.append(':').append(r[k]);
                if (r[k + 1] != r[k]) {
                    sb.append('-').append(r[k + 1]);
                }
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ binary form

    /**
     * Returns the size of {@link #encode()}'s output: {@code 8 + Σ(16 + 8 + 16 × intervals)}.
     *
     * @return the encoded length in bytes
     * @throws IllegalStateException if the encoding would exceed {@code Integer.MAX_VALUE} bytes
     */
    public int encodedLength() {
        long len = 8;
        for (long[] r : ranges) {
            len += SID_HEADER_BYTES + (long) (r.length >>> 1) * INTERVAL_BYTES;
        }
        if (len > Integer.MAX_VALUE) {
            throw new IllegalStateException("GTID set too large to encode: " + len + " bytes");
        }
        return (int) len;
    }

    /**
     * Encodes this set in MySQL's binary form ({@code Gtid_set::encode}, untagged format).
     *
     * @return a new array of {@link #encodedLength()} bytes
     */
    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        encodeTo(ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Writes {@link #encode()}'s bytes at the buffer's position and advances the position.
     * The integers are always written little-endian whatever the buffer's {@link ByteBuffer#order()};
     * the buffer's byte order is restored afterwards, so callers need not set it.
     *
     * @param buffer the destination
     * @throws BufferOverflowException if fewer than {@link #encodedLength()} bytes remain; nothing
     *     is written in that case
     * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
     */
    public void encodeTo(ByteBuffer buffer) {
        if (buffer.remaining() < encodedLength()) {
            throw new BufferOverflowException();
        }
        ByteOrder previous = buffer.order();
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        try {
            buffer.putLong(sids.length);
            for (int i = 0; i < sids.length; i++) {
                // UUID bytes in big-endian order on a little-endian buffer
                buffer.putLong(Long.reverseBytes(sids[i].getMostSignificantBits()));
                buffer.putLong(Long.reverseBytes(sids[i].getLeastSignificantBits()));
                long[] r = ranges[i];
                buffer.putLong(r.length >>> 1);
                for (int k = 0; k < r.length; k += 2) {
                    buffer.putLong(r[k]);
                    buffer.putLong(r[k + 1] + 1); // exclusive end
                }
            }
        } finally {
            buffer.order(previous);
        }
    }

    /**
     * Decodes a whole array produced by {@link #encode()} or by MySQL.
     *
     * @param data the encoded set
     * @return the set
     * @throws IllegalArgumentException if the bytes are not a valid encoding
     * @see #decode(byte[], int, int)
     */
    public static GtidSet decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /**
     * Decodes MySQL's binary form from exactly {@code length} bytes at {@code offset}.
     *
     * <p>Validation: the counts must fit in the given bytes (checked before anything is
     * allocated, so a corrupt count cannot cause a large allocation), every interval must have
     * {@code 1 <= start < end} (end exclusive), and all {@code length} bytes must be used.
     * Like MySQL's decoder, a UUID may declare zero intervals (it then contributes nothing).
     * Unlike MySQL, which rejects them, unsorted, overlapping or adjacent intervals and repeated
     * UUIDs are accepted and merged.
     *
     * @param data the array holding the encoding
     * @param offset where the encoding starts
     * @param length the exact length of the encoding
     * @return the set
     * @throws UnsupportedGtidFormatException for MySQL 8.3+'s tagged format (format byte 1)
     * @throws IllegalArgumentException if the bytes are not a valid encoding; the message says why
     * @throws IndexOutOfBoundsException if {@code offset}/{@code length} lie outside {@code data}
     */
    public static GtidSet decode(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < 8) {
            throw new IllegalArgumentException("Malformed GTID set encoding: " + length
                    + " bytes, need at least 8 for the SID count");
        }
        ByteBuffer in = ByteBuffer.wrap(data, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        long header = in.getLong();
        int format = (int) (header >>> 56);
        if (format == 1) {
            throw new UnsupportedGtidFormatException(UnsupportedGtidFormatException.TAGGED_NOT_SUPPORTED
                    + ": the encoded GTID set has format byte 1 (tagged) in its SID count field");
        }
        if (format != 0) {
            throw new IllegalArgumentException("Malformed GTID set encoding: unknown format byte "
                    + format + " in the SID count field 0x" + Long.toHexString(header));
        }
        long nSids = header;
        if (nSids > in.remaining() / SID_HEADER_BYTES) {
            throw new IllegalArgumentException("Malformed GTID set encoding: " + nSids
                    + " SIDs declared but only " + in.remaining() + " bytes follow (" + SID_HEADER_BYTES
                    + " needed per SID)");
        }
        Builder builder = new Builder();
        for (long s = 0; s < nSids; s++) {
            if (in.remaining() < SID_HEADER_BYTES) {
                throw new IllegalArgumentException("Malformed GTID set encoding: truncated at SID " + s
                        + " of " + nSids + ", " + in.remaining() + " bytes left");
            }
            UUID sid = new UUID(Long.reverseBytes(in.getLong()), Long.reverseBytes(in.getLong()));
            long nIntervals = in.getLong();
            if (Long.compareUnsigned(nIntervals, in.remaining() / INTERVAL_BYTES) > 0) {
                throw new IllegalArgumentException("Malformed GTID set encoding: SID " + sid + " declares "
                        + Long.toUnsignedString(nIntervals) + " intervals but only " + in.remaining()
                        + " bytes follow (" + INTERVAL_BYTES + " needed per interval)");
            }
            for (long k = 0; k < nIntervals; k++) {
                long start = in.getLong();
                long end = in.getLong();
                if (start < Gtid.MIN_GNO || end <= start) {
                    throw new IllegalArgumentException("Malformed GTID set encoding: interval " + k
                            + " of SID " + sid + " is [" + start + ", " + end
                            + "), need 1 <= start < end (end exclusive)");
                }
                builder.addRange(sid, start, end - 1);
            }
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("Malformed GTID set encoding: " + in.remaining()
                    + " trailing bytes after " + nSids + " SIDs");
        }
        return builder.build();
    }

    // ------------------------------------------------------------------ identity

    /** Two GTID sets are equal when they contain the same GTIDs. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof GtidSet other)) {
            return false;
        }
        return Arrays.equals(sids, other.sids) && Arrays.deepEquals(ranges, other.ranges);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(sids) + Arrays.deepHashCode(ranges);
            hash = h;
        }
        return h;
    }

    // ------------------------------------------------------------------ views

    private final class SidSet extends AbstractSet<UUID> {
        @Override
        public int size() {
            return sids.length;
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof UUID u && indexOf(u) >= 0;
        }

        @Override
        public Iterator<UUID> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < sids.length;
                }

                @Override
                public UUID next() {
                    if (next >= sids.length) {
                        throw new NoSuchElementException();
                    }
                    return sids[next++];
                }
            };
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * A mutable accumulator for building a {@link GtidSet} from many GTIDs or intervals.
     *
     * <p>Adding the next transaction number of a UUID (or anything at or after the end of its
     * last interval) is O(1) amortized; out-of-order additions are buffered and sorted and merged
     * lazily, so any order is O(log n) amortized. {@link #build()} may be called any number of
     * times; later additions do not affect sets already built.
     *
     * <p>Not thread-safe: confine a builder to one thread or synchronize externally.
     */
    public static final class Builder {

        private final Map<UUID, Run> runs = new HashMap<>();
        private UUID lastSid;
        private Run lastRun;

        private Builder() {
        }

        private Run run(UUID sid) {
            if (sid.equals(lastSid)) {
                return lastRun;
            }
            Run r = runs.computeIfAbsent(sid, k -> new Run());
            lastSid = sid;
            lastRun = r;
            return r;
        }

        /**
         * Adds one GTID.
         *
         * @param gtid the GTID
         * @return this builder
         */
        public Builder add(Gtid gtid) {
            run(gtid.sid()).add(gtid.gno(), gtid.gno());
            return this;
        }

        /**
         * Adds the transactions {@code start..end} (inclusive) of one UUID.
         *
         * @param sid the UUID
         * @param start the first transaction number
         * @param end the last transaction number, inclusive
         * @return this builder
         * @throws IllegalArgumentException unless {@code 1 <= start <= end <= Gtid.MAX_GNO}
         */
        public Builder add(UUID sid, long start, long end) {
            Objects.requireNonNull(sid, "sid");
            checkInterval(start, end);
            return addRange(sid, start, end);
        }

        Builder addRange(UUID sid, long start, long end) {
            run(sid).add(start, end);
            return this;
        }

        /**
         * Adds every GTID of a set.
         *
         * @param set the set
         * @return this builder
         */
        public Builder addAll(GtidSet set) {
            for (int i = 0; i < set.sids.length; i++) {
                Run r = run(set.sids[i]);
                long[] rr = set.ranges[i];
                for (int k = 0; k < rr.length; k += 2) {
                    r.add(rr[k], rr[k + 1]);
                }
            }
            return this;
        }

        /**
         * Returns whether nothing has been added yet.
         *
         * @return whether the built set would be empty
         */
        public boolean isEmpty() {
            return runs.isEmpty();
        }

        /**
         * Returns the set of everything added so far.
         *
         * @return the immutable set
         */
        public GtidSet build() {
            if (runs.isEmpty()) {
                return EMPTY;
            }
            UUID[] ns = runs.keySet().toArray(new UUID[0]);
            Arrays.sort(ns, Uuids.ORDER);
            long[][] nr = new long[ns.length][];
            for (int i = 0; i < ns.length; i++) {
                nr[i] = runs.get(ns[i]).toArray();
            }
            return new GtidSet(ns, nr);
        }
    }

    /** Growable range array of one UUID; normalized while additions arrive in order. */
    private static final class Run {
        private long[] data = new long[4];
        private int size;
        private boolean sorted = true;

        void add(long start, long end) {
            if (!sorted && size == data.length) {
                normalize(); // bounds memory when the same GTIDs are added out of order repeatedly
            }
            if (size == 0) {
                append(start, end);
            } else if (sorted) {
                long lastStart = data[size - 2];
                long lastEnd = data[size - 1];
                if (start > lastEnd + 1) {
                    append(start, end);
                } else if (start >= lastStart) {
                    if (end > lastEnd) {
                        data[size - 1] = end;
                    }
                } else {
                    append(start, end);
                    sorted = false;
                }
            } else {
                append(start, end);
            }
        }

        private void append(long start, long end) {
            if (size == data.length) {
                data = Arrays.copyOf(data, Math.max(4, data.length << 1));
            }
            data[size++] = start;
            data[size++] = end;
        }

        private void normalize() {
            size = Ranges.normalize(data, size);
            sorted = true;
        }

        long[] toArray() {
            if (!sorted) {
                normalize();
            }
            return Arrays.copyOf(data, size);
        }
    }
}
