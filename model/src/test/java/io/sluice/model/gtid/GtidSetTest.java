package io.sluice.model.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.gtid.GtidSet.Interval;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GtidSetTest {

    private static final UUID A = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");
    private static final UUID B = UUID.fromString("f4a3c9d2-8e5b-11ee-b5c1-0242ac120003");

    private static GtidSet set(String text) {
        return GtidSet.parse(text.replace("A", A.toString()).replace("B", B.toString()));
    }

    @Test
    void containsUsesIntervalBounds() {
        GtidSet s = set("A:1-5:11-18:30");
        assertThat(s.contains(new Gtid(A, 1))).isTrue();
        assertThat(s.contains(new Gtid(A, 5))).isTrue();
        assertThat(s.contains(new Gtid(A, 6))).isFalse();
        assertThat(s.contains(new Gtid(A, 10))).isFalse();
        assertThat(s.contains(new Gtid(A, 11))).isTrue();
        assertThat(s.contains(new Gtid(A, 18))).isTrue();
        assertThat(s.contains(new Gtid(A, 19))).isFalse();
        assertThat(s.contains(new Gtid(A, 30))).isTrue();
        assertThat(s.contains(new Gtid(A, 31))).isFalse();
        assertThat(s.contains(new Gtid(B, 1))).isFalse();
        assertThat(GtidSet.EMPTY.contains(new Gtid(A, 1))).isFalse();
    }

    @Test
    void setOperations() {
        GtidSet x = set("A:1-10:20-30,B:5");
        GtidSet y = set("A:5-25,B:1-4");
        assertThat(x.union(y)).isEqualTo(set("A:1-30,B:1-5"));
        assertThat(x.subtract(y)).isEqualTo(set("A:1-4:26-30,B:5"));
        assertThat(y.subtract(x)).isEqualTo(set("A:11-19,B:1-4"));
        assertThat(x.intersect(y)).isEqualTo(set("A:5-10:20-25"));
        assertThat(x.intersect(set("B:1-4"))).isSameAs(GtidSet.EMPTY);
        assertThat(x.subtract(x)).isSameAs(GtidSet.EMPTY);
        assertThat(x.subtract(set("B:6"))).isSameAs(x);
        assertThat(x.union(GtidSet.EMPTY)).isSameAs(x);
    }

    @Test
    void subtractSplitsAcrossManyIntervals() {
        assertThat(set("A:1-100").subtract(set("A:1:3-4:50-60:100")))
                .isEqualTo(set("A:2:5-49:61-99"));
        assertThat(set("A:1-3:5-7:9-11").subtract(set("A:2-10"))).isEqualTo(set("A:1:11"));
    }

    @Test
    void supersetAndSubset() {
        GtidSet big = set("A:1-100,B:1-3");
        assertThat(big.containsAll(set("A:1:50-60:100,B:2"))).isTrue();
        assertThat(big.containsAll(set("A:100-101"))).isFalse();
        assertThat(big.containsAll(set("A:1,\n00000000-0000-0000-0000-000000000001:1"))).isFalse();
        assertThat(set("B:2").isSubsetOf(big)).isTrue();
        assertThat(big.isSubsetOf(set("B:2"))).isFalse();
        assertThat(GtidSet.EMPTY.isSubsetOf(GtidSet.EMPTY)).isTrue();
        assertThat(set("A:1-3:5-7").containsAll(set("A:3-5"))).isFalse();
    }

    @Test
    void withAppendsExtendsAndInserts() {
        GtidSet s = set("A:1-5");
        assertThat(s.with(new Gtid(A, 6))).hasToString(A + ":1-6");
        assertThat(s.with(new Gtid(A, 8))).hasToString(A + ":1-5:8");
        assertThat(s.with(new Gtid(A, 3))).isSameAs(s);
        assertThat(set("A:1-5:7").with(new Gtid(A, 6))).hasToString(A + ":1-7");
        assertThat(set("A:3-5").with(new Gtid(A, 1))).hasToString(A + ":1:3-5");
        assertThat(s.with(new Gtid(B, 1))).isEqualTo(set("A:1-5,B:1"));
        assertThat(set("B:1").with(new Gtid(A, 2))).isEqualTo(set("A:2,B:1"));
        assertThat(s).hasToString(A + ":1-5"); // unchanged
    }

    @Test
    void withInLoopStaysOneInterval() {
        GtidSet s = GtidSet.EMPTY;
        for (long g = 1; g <= 100_000; g++) {
            s = s.with(new Gtid(A, g));
        }
        assertThat(s.intervals(A)).containsExactly(new Interval(1, 100_000));
    }

    @Test
    void builderAccumulatesInAnyOrder() {
        GtidSet.Builder b = GtidSet.builder();
        for (long g = 1; g <= 1_000_000; g++) {
            b.add(new Gtid(A, g));
        }
        for (long g = 2_000; g >= 1; g -= 2) {
            b.add(new Gtid(B, g));
        }
        b.add(B, 1, 3);
        b.addAll(set("A:5-2000000"));
        GtidSet s = b.build();
        assertThat(s.intervals(A)).containsExactly(new Interval(1, 2_000_000));
        assertThat(s.intervals(B)).hasSize(999);
        assertThat(s.intervals(B).get(0)).isEqualTo(new Interval(1, 4));
        assertThat(s.count()).isEqualTo(2_000_000 + 1_002);
        // build() is repeatable and later additions don't leak into earlier results
        b.add(new Gtid(A, 3_000_000));
        assertThat(s.contains(new Gtid(A, 3_000_000))).isFalse();
        assertThat(b.build().contains(new Gtid(A, 3_000_000))).isTrue();
        assertThat(GtidSet.builder().isEmpty()).isTrue();
        assertThat(GtidSet.builder().build()).isSameAs(GtidSet.EMPTY);
    }

    @Test
    void builderBoundsMemoryForRepeatedOutOfOrderAdds() {
        GtidSet.Builder b = GtidSet.builder();
        for (int round = 0; round < 200; round++) {
            for (long g = 100; g >= 1; g--) {
                b.add(new Gtid(A, g));
            }
        }
        assertThat(b.build()).isEqualTo(set("A:1-100"));
    }

    @Test
    void builderValidatesIntervals() {
        GtidSet.Builder b = GtidSet.builder();
        assertThatThrownBy(() -> b.add(A, 0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(A, 5, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(A, 1, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(null, 1, 2)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void viewsAreImmutable() {
        GtidSet s = set("A:1-5,B:7");
        assertThatThrownBy(() -> s.uuids().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s.intervals(A).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(s.uuids()).containsExactly(A, B).contains(B).doesNotContain(UUID.randomUUID());
        assertThat(s.intervals(UUID.randomUUID())).isEmpty();
    }

    @Test
    void intervalRecord() {
        assertThat(new Interval(3, 3)).hasToString("3");
        assertThat(new Interval(3, 9)).hasToString("3-9");
        assertThat(new Interval(3, 9).count()).isEqualTo(7);
        assertThat(new Interval(3, 9).contains(9)).isTrue();
        assertThatThrownBy(() -> new Interval(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Interval(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalsAndHashCode() {
        GtidSet x = set("A:1-5:7,B:1");
        GtidSet y = set("B:1,A:7:1-2:3-5");
        assertThat(x).isEqualTo(y).hasSameHashCodeAs(y).isNotEqualTo(set("A:1-5:7"));
        assertThat(GtidSet.of(new Gtid(A, 2), new Gtid(A, 1))).isEqualTo(set("A:1-2"));
    }
}
