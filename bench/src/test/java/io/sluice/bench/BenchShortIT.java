package io.sluice.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark command in its short mode, so that it cannot rot: every figure is measured (a number, positive
 * where it must be) on real servers, and the table goes into a file between its markers. Not a timed assertion:
 * how fast anything is, is for the full run to report.
 */
class BenchShortIT {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    @Test
    void everyFigureIsMeasuredAndWritten() throws Exception {
        List<String> notes = new ArrayList<>();
        List<Bench.Row> rows = Bench.run(Bench.Settings.SHORT, notes);
        assertThat(rows).extracting(Bench.Row::figure).anyMatch(f -> f.startsWith("ingest, 1 in-JVM broker"))
                .anyMatch(f -> f.startsWith("ingest, 3 in-JVM brokers"))
                .anyMatch(f -> f.startsWith("latency"))
                .anyMatch(f -> f.startsWith("1 reader(s)"))
                .anyMatch(f -> f.startsWith("4 reader(s)"))
                .anyMatch(f -> f.startsWith("memory with 4 readers"))
                .anyMatch(f -> f.startsWith("one 32 MB transaction"));
        for (Bench.Row r : rows) {
            for (String cell : List.of(r.mysql(), r.sluice())) {
                if (cell.equals("—")) {
                    continue;
                }
                Matcher m = NUMBER.matcher(cell);
                assertThat(m.find()).as("a number in '%s' (%s)", cell, r.figure()).isTrue();
                if (!r.figure().startsWith("latency")) {
                    assertThat(Double.parseDouble(m.group())).as("%s: %s", r.figure(), cell).isPositive();
                }
            }
        }
        assertThat(notes).isNotEmpty();

        Path doc = Files.createTempFile("benchmarks", ".md");
        Files.writeString(doc, "# Benchmarks\n\nbefore\n");
        Bench.writeInto(doc, "first table\n");
        Bench.writeInto(doc, "second table\n");
        assertThat(Files.readString(doc)).isEqualTo("# Benchmarks\n\nbefore\n\n" + Bench.BEGIN + "\nsecond table\n"
                + Bench.END + "\n");
        Files.delete(doc);
    }
}
