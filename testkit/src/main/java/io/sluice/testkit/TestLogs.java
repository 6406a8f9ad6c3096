package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files the suite's secret scan reads, under {@code target/test-logs} of the module: the log files (written by
 * {@code logback-test.xml}, and by the logging section that in-process apps get, since Dropwizard replaces the
 * former when an app starts), and the answers servers under test gave ({@link #response}).
 */
public final class TestLogs {
    /** The directory, relative to the module (the tests' working directory). */
    public static final Path DIR = Path.of("target", "test-logs");

    private TestLogs() {
    }

    /** Keeps an answer of a server under test ({@code what}, e.g. "GET /api/v1/syncer -> 200") for the scan. */
    public static synchronized void response(String what, String body) {
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve("responses.log"), what + "\n" + body + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
