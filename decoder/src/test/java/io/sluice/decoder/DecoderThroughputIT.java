package io.sluice.decoder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder's throughput, on a source, broker and topic of its own (docs/benchmarks.md, "Decoder"); then the
 * consumer library's, on the same topic. In that order: the decoder's figures count every row change of the topic.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class DecoderThroughputIT {
    private static DecoderFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new DecoderFixture(51, 1024 * 1024, "--binlog-row-metadata=FULL");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /**
     * Not a check of speed (nothing is asserted on time): prints the decoder's throughput, end to end from the binlog
     * topic to committed JSON row changes read back, for docs/benchmarks.md. Small transactions first, then one large
     * split transaction.
     */
    @Test
    @org.junit.jupiter.api.Order(1)
    void measuresThroughput() throws Exception {
        var source = fixture.source;
        int small = 10_000;
        int bulk = 100_000;
        source.execute("CREATE DATABASE bench", "CREATE TABLE bench.t (id INT PRIMARY KEY, name VARCHAR(50),"
                + " qty INT, price DECIMAL(10,2), updated DATETIME(6))");
        for (int i = 0; i < small; i += 500) {
            List<String> statements = new ArrayList<>();
            for (int j = i; j < i + 500; j++) {
                statements.add("INSERT INTO bench.t VALUES (" + j + ", 'name " + j + "', " + j + ", " + j
                        + ".25, NOW(6))");
            }
            source.execute(statements.toArray(String[]::new));
        }
        source.execute("SET SESSION cte_max_recursion_depth = 1000000",
                "INSERT INTO bench.t WITH RECURSIVE seq (n) AS (SELECT " + small + " UNION ALL SELECT n + 1 FROM seq"
                        + " WHERE n < " + (small + bulk - 1) + ") SELECT n, CONCAT('name ', n), n, n / 4, NOW(6)"
                        + " FROM seq");
        fixture.awaitSynced();
        String output = "rows.bench";
        long start = System.nanoTime();
        long[] at = new long[3];
        try (RowEventsDecoder decoder = new RowEventsDecoder(fixture.settings("it-bench", OutputMode.ONE_TOPIC,
                output, DecoderFixture.tempDir("bench"), null))) {
            decoder.start();
            java.util.concurrent.CompletableFuture<Void> watch = java.util.concurrent.CompletableFuture.runAsync(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
                while (at[2] == 0 && System.nanoTime() < deadline) {
                    long n = decoder.rowChanges();
                    long now = System.nanoTime();
                    if (at[0] == 0 && n > 0) {
                        at[0] = now;
                    }
                    if (at[1] == 0 && n >= small + 0L) {
                        at[1] = now;
                    }
                    if (n >= small + bulk) {
                        at[2] = now;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            });
            watch.get();
            // read back once everything is decoded, so that the reader does not take CPU from the decoder
            List<DecoderFixture.Change> all = fixture.read(Set.of(output), "bench", small + bulk);
            long readBack = System.nanoTime();
            assertThat(decoder.failure()).isNull();
            assertThat(all).hasSize(small + bulk);
            long bytes = all.stream().mapToLong(c -> c.value().toString().length()).sum();
            double smallSeconds = (at[1] - at[0]) / 1e9;
            double bulkSeconds = (at[2] - at[1]) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "MEASURE decoder: %d one-row transactions decoded in %.2f s"
                            + " (%.0f row changes/s); one transaction of %d rows in %.2f s (%.0f row changes/s);"
                            + " all %d then committed and read back %.1f s after the start; %.1f MB of envelopes%n",
                    small, smallSeconds, small / smallSeconds, bulk, bulkSeconds, bulk / bulkSeconds, small + bulk,
                    (readBack - start) / 1e9, bytes / 1e6);
        }
    }


    /**
     * Not a check of speed: prints how fast the consumer library of model reads the same topic (whole transactions,
     * every CRC32 checked), for docs/benchmarks.md.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void measuresTheConsumerLibrary() {
        var source = fixture.source;
        source.execute("CREATE DATABASE IF NOT EXISTS lib", "CREATE TABLE lib.t (id INT PRIMARY KEY, v VARCHAR(100))");
        for (int i = 0; i < 20_000; i += 500) {
            List<String> statements = new ArrayList<>();
            for (int j = i; j < i + 500; j++) {
                statements.add("INSERT INTO lib.t VALUES (" + j + ", REPEAT('v', 100))");
            }
            source.execute(statements.toArray(String[]::new));
        }
        fixture.awaitSynced();
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            long transactions = 0;
            long bytes = 0;
            try (var consumer = new io.sluice.model.consumer.BinlogTopicConsumer(fixture.client(),
                    DecoderFixture.TOPIC, io.sluice.model.consumer.BinlogTopicConsumer.Options.defaults())) {
                consumer.startAtBeginning();
                while (!consumer.caughtUp()) {
                    for (var t : consumer.poll(Duration.ofMillis(100))) {
                        transactions++;
                        bytes += t.size();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(transactions).isGreaterThanOrEqualTo(30_000);
            System.out.printf(java.util.Locale.ROOT, "MEASURE consumer library (run %d): %d transactions, %.1f MB,"
                    + " in %.2f s: %.0f transactions/s, %.1f MB/s%n", run + 1, transactions, bytes / 1e6, seconds,
                    transactions / seconds, bytes / 1e6 / seconds);
        }
    }
}
