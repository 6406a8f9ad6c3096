package io.sluice.bench.jmh;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The short mode of the micro-benchmarks runs every benchmark to a figure (so the command cannot rot). */
class MicroBenchTest {
    @Test
    void shortModeGivesEveryBenchmarkAFigure() throws Exception {
        List<MicroBench.Figure> figures = MicroBench.run(MicroBench.RunMode.SHORT);

        assertThat(figures).extracting(MicroBench.Figure::benchmark).contains(
                "FramingBench.frame", "FramingBench.frameIntoPackets", "ChecksumBench.verify",
                "GtidSetBench.parseLarge", "GtidSetBench.toMysqlStringLarge", "GtidSetBench.encodeLarge",
                "GtidSetBench.decodeLarge", "GtidSetBench.unionLarge", "GtidSetBench.subtractLarge",
                "GtidSetBench.containsAllLarge", "GtidSetBench.union", "GtidSetBench.subtract",
                "GtidSetBench.containsAll", "GtidSetBench.containsGtid", "GtidSetBench.withNext",
                "RecordMetaBench.encodeTransaction", "RecordMetaBench.decodeTransaction",
                "RecordMetaBench.encodeCheckpoint", "RecordMetaBench.decodeCheckpoint");
        assertThat(figures).allSatisfy(f -> {
            assertThat(f.score()).as(f.benchmark()).isPositive().isFinite();
            assertThat(f.unit()).as(f.benchmark()).endsWith("/op");
        });
        assertThat(figures).filteredOn(f -> f.params().contains("bytes="))
                .hasSize(4)
                .allSatisfy(f -> {
                    assertThat(f.mbPerSecond()).as(f.benchmark()).isPresent();
                    assertThat(f.mbPerSecond().getAsDouble()).as(f.benchmark()).isPositive().isFinite();
                });
        String table = MicroBench.table(figures);
        System.out.print(table);
        assertThat(table.lines()).hasSize(figures.size() + 1);
        assertThat(MicroBench.markdown(figures).lines()).hasSize(figures.size() + 2);
    }
}
