package io.sluice.bench.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Runs the JMH micro-benchmarks of this package (issue 5: event framing into packets, GTID-set operations, record
 * metadata encode/decode, event checksums) and prints one line per benchmark.
 *
 * <pre>
 *   MicroBench --short        every benchmark in-process, 1 × 200 ms warm-up, 1 × 200 ms measurement (a smoke run)
 *   MicroBench --full         1 fork per benchmark, 3 × 1 s warm-up, 5 × 1 s measurement (the figures to publish)
 *   MicroBench --full REGEX   only the benchmarks whose name (e.g. GtidSetBench.parseLarge) matches REGEX
 * </pre>
 *
 * Benchmarks that process a known number of bytes per operation (a {@code bytes} parameter) also get MB/s
 * (10<sup>6</sup> bytes per second).
 */
public final class MicroBench {
    private static final String PACKAGE = MicroBench.class.getPackageName();

    /** How long and how carefully to measure. */
    public enum RunMode {
        /** In-process, 1 × 200 ms warm-up and measurement: checks that every benchmark runs, figures are rough. */
        SHORT,
        /** One forked JVM per benchmark, 3 × 1 s warm-up, 5 × 1 s measurement. */
        FULL
    }

    /**
     * One benchmark's figure.
     *
     * @param benchmark   class and method, e.g. {@code GtidSetBench.parseLarge}
     * @param params      its parameters, e.g. {@code bytes=8192}; empty when it has none
     * @param score       the mean time per operation, in {@code unit}
     * @param error       the 99.9% confidence half-interval of {@code score}; NaN with a single iteration
     * @param unit        e.g. {@code ns/op}
     * @param mbPerSecond 10<sup>6</sup> bytes per second, for the benchmarks with a {@code bytes} parameter
     */
    public record Figure(String benchmark, String params, double score, double error, String unit,
                         OptionalDouble mbPerSecond) {
    }

    private MicroBench() {
    }

    public static void main(String[] args) throws RunnerException {
        RunMode mode = null;
        String filter = null;
        for (String arg : args) {
            switch (arg) {
                case "--short" -> mode = RunMode.SHORT;
                case "--full" -> mode = RunMode.FULL;
                default -> {
                    if (arg.startsWith("-") || filter != null) {
                        usage();
                        return;
                    }
                    filter = arg;
                }
            }
        }
        if (mode == null) {
            usage();
            return;
        }
        List<Figure> figures = run(mode, filter);
        System.out.println();
        System.out.println("Sluice micro-benchmarks (" + mode.name().toLowerCase(Locale.ROOT) + " mode, "
                + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs)");
        System.out.print(table(figures));
    }

    private static void usage() {
        System.err.println("usage: MicroBench --short|--full [REGEX]");
        System.exit(2);
    }

    /** Runs every benchmark of this package. */
    public static List<Figure> run(RunMode mode) throws RunnerException {
        return run(mode, null);
    }

    /**
     * Runs the benchmarks of this package whose name ({@code Class.method}) matches {@code filter} (all when
     * {@code null}), in the order of their names.
     */
    public static List<Figure> run(RunMode mode, String filter) throws RunnerException {
        String include = "^" + PACKAGE.replace(".", "\\.") + "\\."
                + (filter == null ? "" : ".*(" + filter + ")");
        ChainedOptionsBuilder options = new OptionsBuilder().include(include).shouldFailOnError(true);
        if (mode == RunMode.SHORT) {
            options.forks(0)
                    .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                    .verbosity(VerboseMode.SILENT);
        } else {
            options.forks(1).jvmArgsAppend("-Xms1g", "-Xmx1g")
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        List<Figure> figures = new ArrayList<>();
        for (RunResult r : new Runner(options.build()).run()) {
            figures.add(figure(r));
        }
        figures.sort(Comparator.comparing(Figure::benchmark).thenComparing(Figure::params));
        return figures;
    }

    private static Figure figure(RunResult run) {
        BenchmarkParams params = run.getParams();
        Result<?> primary = run.getPrimaryResult();
        String name = params.getBenchmark().substring(PACKAGE.length() + 1);
        String paramText = params.getParamsKeys().stream()
                .map(k -> k + "=" + params.getParam(k))
                .collect(Collectors.joining(" "));
        double score = primary.getScore();
        OptionalDouble mbs = OptionalDouble.empty();
        String bytes = params.getParam("bytes");
        if (bytes != null) {
            double secondsPerOp = score * params.getTimeUnit().toNanos(1) / 1e9;
            mbs = OptionalDouble.of(Long.parseLong(bytes) / secondsPerOp / 1e6);
        }
        return new Figure(name, paramText, score, primary.getScoreError(), primary.getScoreUnit(), mbs);
    }

    /** A plain-text table of the figures, one line each. */
    public static String table(List<Figure> figures) {
        int width = "benchmark".length();
        for (Figure f : figures) {
            width = Math.max(width, label(f).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + width + "s  %12s  %10s  %-6s  %10s%n",
                "benchmark", "score", "± error", "unit", "MB/s"));
        for (Figure f : figures) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  %12s  %10s  %-6s  %10s%n", label(f),
                    number(f.score()), Double.isNaN(f.error()) ? "" : number(f.error()), f.unit(),
                    f.mbPerSecond().isPresent() ? number(f.mbPerSecond().getAsDouble()) : ""));
        }
        return sb.toString();
    }

    /** The figures as a Markdown table (for {@code docs/benchmarks.md}). */
    public static String markdown(List<Figure> figures) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | score | ± error | unit | MB/s |\n|---|--:|--:|---|--:|\n");
        for (Figure f : figures) {
            sb.append("| ").append(label(f)).append(" | ").append(number(f.score())).append(" | ")
                    .append(Double.isNaN(f.error()) ? "" : number(f.error())).append(" | ").append(f.unit())
                    .append(" | ")
                    .append(f.mbPerSecond().isPresent() ? number(f.mbPerSecond().getAsDouble()) : "")
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String label(Figure f) {
        return f.params().isEmpty() ? f.benchmark() : f.benchmark() + " (" + f.params() + ")";
    }

    /** Three significant digits at least, no exponent. */
    private static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
