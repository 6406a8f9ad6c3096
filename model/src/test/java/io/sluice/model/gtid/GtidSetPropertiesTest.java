package io.sluice.model.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.model.gtid.GtidSet.Interval;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Algebraic properties of {@link GtidSet}, checked against a naive model (a {@code Set<Gtid>}) on
 * small ranges where overlaps and adjacency are frequent.
 */
class GtidSetPropertiesTest {

    /** A small pool so that generated sets share UUIDs; includes UUIDs whose top bit is set. */
    private static final List<UUID> POOL = List.of(
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562"),
            UUID.fromString("3e11fa47-71ca-11e1-ae33-c80aa9429562"),
            UUID.fromString("f4a3c9d2-8e5b-11ee-b5c1-0242ac120003"));

    private static final int MAX_SMALL_GNO = 48;

    /** One generated interval: {@code POOL[sid]:start-(start+extra)}. */
    record Piece(int sid, long start, long extra) {
    }

    @Provide
    Arbitrary<List<Piece>> pieces() {
        Arbitrary<Piece> piece = Combinators.combine(
                        Arbitraries.integers().between(0, POOL.size() - 1),
                        Arbitraries.longs().between(1, MAX_SMALL_GNO - 8),
                        Arbitraries.longs().between(0, 7))
                .as(Piece::new);
        return piece.list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<GtidSet> sets() {
        return pieces().map(GtidSetPropertiesTest::build);
    }

    /** Sets with transaction numbers anywhere in the valid range, including the extremes. */
    @Provide
    Arbitrary<GtidSet> wideSets() {
        Arbitrary<Long> gno = Arbitraries.oneOf(
                Arbitraries.longs().between(1, Gtid.MAX_GNO),
                Arbitraries.longs().between(Gtid.MAX_GNO - 20, Gtid.MAX_GNO),
                Arbitraries.longs().between(1, 20));
        Arbitrary<UUID> sid = Arbitraries.oneOf(Arbitraries.of(POOL),
                Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2())));
        Arbitrary<GtidSet> one = Combinators.combine(sid, gno, gno)
                .as((u, x, y) -> GtidSet.builder().add(u, Math.min(x, y), Math.max(x, y)).build());
        return one.list().ofMaxSize(8).map(list -> {
            GtidSet.Builder b = GtidSet.builder();
            list.forEach(b::addAll);
            return b.build();
        });
    }

    private static GtidSet build(List<Piece> pieces) {
        GtidSet.Builder b = GtidSet.builder();
        for (Piece p : pieces) {
            b.add(POOL.get(p.sid()), p.start(), p.start() + p.extra());
        }
        return b.build();
    }

    private static Set<Gtid> naive(List<Piece> pieces) {
        Set<Gtid> out = new HashSet<>();
        for (Piece p : pieces) {
            for (long g = p.start(); g <= p.start() + p.extra(); g++) {
                out.add(new Gtid(POOL.get(p.sid()), g));
            }
        }
        return out;
    }

    /** Enumerates a small set (only for sets from {@link #sets()}). */
    private static Set<Gtid> enumerate(GtidSet set) {
        Set<Gtid> out = new HashSet<>();
        for (UUID sid : set.uuids()) {
            for (Interval iv : set.intervals(sid)) {
                for (long g = iv.start(); g <= iv.end(); g++) {
                    out.add(new Gtid(sid, g));
                }
            }
        }
        return out;
    }

    private static void assertCanonical(GtidSet set) {
        for (UUID sid : set.uuids()) {
            List<Interval> ivs = set.intervals(sid);
            assertThat(ivs).isNotEmpty();
            for (int i = 1; i < ivs.size(); i++) {
                assertThat(ivs.get(i).start()).isGreaterThan(ivs.get(i - 1).end() + 1);
            }
        }
        List<UUID> uuids = new ArrayList<>(set.uuids());
        List<UUID> sorted = new ArrayList<>(uuids);
        sorted.sort((x, y) -> x.toString().compareTo(y.toString())); // MySQL: lowercase text order
        assertThat(uuids).isEqualTo(sorted);
    }

    // ---------------------------------------------------------------- algebra

    @Property
    void unionIsCommutative(@ForAll("sets") GtidSet a, @ForAll("sets") GtidSet b) {
        assertThat(a.union(b)).isEqualTo(b.union(a));
    }

    @Property
    void unionIsAssociative(@ForAll("sets") GtidSet a, @ForAll("sets") GtidSet b, @ForAll("sets") GtidSet c) {
        assertThat(a.union(b).union(c)).isEqualTo(a.union(b.union(c)));
    }

    @Property
    void operandsAreSubsetsOfUnion(@ForAll("sets") GtidSet a, @ForAll("sets") GtidSet b) {
        GtidSet u = a.union(b);
        assertThat(a.isSubsetOf(u)).isTrue();
        assertThat(u.containsAll(b)).isTrue();
    }

    @Property
    void unionMinusBIsDisjointFromB(@ForAll("sets") GtidSet a, @ForAll("sets") GtidSet b) {
        assertThat(a.union(b).subtract(b).intersect(b).isEmpty()).isTrue();
    }

    @Property
    void differenceIsSubsetOfMinuend(@ForAll("sets") GtidSet a, @ForAll("sets") GtidSet b) {
        assertThat(a.subtract(b).isSubsetOf(a)).isTrue();
    }

    @Property
    void intersectionIsSubsetOfBoth(@ForAll("sets") GtidSet a, @ForAll("sets") GtidSet b) {
        GtidSet i = a.intersect(b);
        assertThat(i.isSubsetOf(a) && i.isSubsetOf(b)).isTrue();
        assertThat(i).isEqualTo(b.intersect(a));
        assertThat(a.subtract(b).union(i)).isEqualTo(a);
    }

    @Property
    void operationsAgreeWithNaiveModel(@ForAll("pieces") List<Piece> pa, @ForAll("pieces") List<Piece> pb) {
        GtidSet a = build(pa);
        GtidSet b = build(pb);
        Set<Gtid> na = naive(pa);
        Set<Gtid> nb = naive(pb);
        assertThat(enumerate(a)).isEqualTo(na);
        assertThat(a.count()).isEqualTo(na.size());

        Set<Gtid> union = new HashSet<>(na);
        union.addAll(nb);
        Set<Gtid> diff = new HashSet<>(na);
        diff.removeAll(nb);
        Set<Gtid> inter = new HashSet<>(na);
        inter.retainAll(nb);
        assertThat(enumerate(a.union(b))).isEqualTo(union);
        assertThat(enumerate(a.subtract(b))).isEqualTo(diff);
        assertThat(enumerate(a.intersect(b))).isEqualTo(inter);
        assertThat(a.containsAll(b)).isEqualTo(na.containsAll(nb));
        assertThat(a.isSubsetOf(b)).isEqualTo(nb.containsAll(na));
        for (GtidSet s : List.of(a, b, a.union(b), a.subtract(b), a.intersect(b))) {
            assertCanonical(s);
        }
    }

    @Property
    void containsAgreesWithNaiveModel(@ForAll("pieces") List<Piece> pieces) {
        GtidSet set = build(pieces);
        Set<Gtid> model = naive(pieces);
        for (UUID sid : POOL) {
            for (long g = 1; g <= MAX_SMALL_GNO + 2; g++) {
                Gtid gtid = new Gtid(sid, g);
                assertThat(set.contains(gtid)).as("%s", gtid).isEqualTo(model.contains(gtid));
            }
        }
    }

    @Property
    void withAgreesWithUnionAndBuilderIsOrderIndependent(@ForAll("pieces") List<Piece> pieces, @ForAll long seed) {
        List<Gtid> gtids = new ArrayList<>(naive(pieces));
        Collections.shuffle(gtids, new java.util.Random(seed));
        GtidSet viaWith = GtidSet.EMPTY;
        GtidSet viaUnion = GtidSet.EMPTY;
        GtidSet.Builder builder = GtidSet.builder();
        for (Gtid g : gtids) {
            viaWith = viaWith.with(g);
            viaUnion = viaUnion.union(GtidSet.of(g));
            builder.add(g);
            assertThat(viaWith.contains(g)).isTrue();
        }
        GtidSet expected = build(pieces);
        assertThat(viaWith).isEqualTo(expected);
        assertThat(viaUnion).isEqualTo(expected);
        assertThat(builder.build()).isEqualTo(expected);
        assertThat(viaWith.hashCode()).isEqualTo(expected.hashCode());
    }

    // ---------------------------------------------------------------- text form

    @Property
    void parseInvertsToString(@ForAll("sets") GtidSet small, @ForAll("wideSets") GtidSet wide) {
        for (GtidSet x : List.of(small, wide)) {
            assertThat(GtidSet.parse(x.toString())).isEqualTo(x);
            assertThat(GtidSet.parse(x.toMysqlString())).isEqualTo(x);
            assertThat(GtidSet.parse(x.toString().toUpperCase(java.util.Locale.ROOT))).isEqualTo(x);
        }
    }

    // ---------------------------------------------------------------- binary form

    @Property
    void decodeInvertsEncode(@ForAll("sets") GtidSet small, @ForAll("wideSets") GtidSet wide) {
        for (GtidSet x : List.of(small, wide)) {
            byte[] enc = x.encode();
            assertThat(enc).hasSize(x.encodedLength());
            assertThat(GtidSet.decode(enc)).isEqualTo(x);
            assertCanonical(x);
        }
    }

    @Property
    void wideSetsKeepCountSaturated(@ForAll("wideSets") GtidSet x) {
        long sum = 0;
        for (UUID sid : x.uuids()) {
            for (Interval iv : x.intervals(sid)) {
                sum = sum + iv.count() < 0 ? Long.MAX_VALUE : sum + iv.count();
            }
        }
        assertThat(x.count()).isEqualTo(sum).matches(c -> x.isEmpty() ? c == 0 : c > 0);
    }

    @Property
    void decodeOfRandomBytesOnlyThrowsIllegalArgument(@ForAll @Size(max = 200) byte[] data) {
        decodeSafely(data);
    }

    @Property
    void decodeOfPlausibleRandomBytesOnlyThrowsIllegalArgument(
            @ForAll @IntRange(min = 0, max = 3) int sids, @ForAll @Size(max = 160) byte[] body) {
        // a plausible SID count makes the decoder go deeper than fully random input usually does
        byte[] data = new byte[8 + body.length];
        data[0] = (byte) sids;
        System.arraycopy(body, 0, data, 8, body.length);
        decodeSafely(data);
    }

    @Property
    void truncatedEncodingsAreRejected(@ForAll("wideSets") GtidSet x) {
        byte[] enc = x.encode();
        for (int len = 0; len < enc.length; len++) {
            int l = len;
            assertThatThrownBy(() -> GtidSet.decode(enc, 0, l)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property
    void corruptedEncodingsDecodeOrThrowIllegalArgument(
            @ForAll("sets") GtidSet x, @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll byte value) {
        byte[] enc = x.encode();
        enc[where % enc.length] ^= value == 0 ? 1 : value;
        decodeSafely(enc);
    }

    private static void decodeSafely(byte[] data) {
        try {
            GtidSet set = GtidSet.decode(data, 0, data.length);
            assertCanonical(set);
            assertThat(GtidSet.decode(set.encode())).isEqualTo(set);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (RuntimeException | Error other) {
            fail("decode threw " + other, other);
        }
    }
}
