package io.sluice.app;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless, as an operator's browser would load a page: scripts run, requests are
 * made, timers fire (within a virtual-time budget). A missing browser is a failure, not a skip: CI installs it
 * ({@code .ci/run}), and a page that is never rendered is a page that is never tested.
 */
final class HeadlessChromium {
    static final int WIDTH = 1280;
    static final int HEIGHT = 1000;
    private static final long TIMEOUT_SECONDS = 120;
    private final Path binary;
    private final Path workDir;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** Finds {@code chromium} (or {@code chromium-browser}) on the PATH; fails saying how to install it. */
    static HeadlessChromium find() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return new HeadlessChromium(candidate, Files.createTempDirectory("sluice-chromium"));
                }
            }
        }
        throw new AssertionError("no 'chromium' or 'chromium-browser' on the PATH (" + path + "): the status page "
                + "is tested in a real browser; install Debian's package: apt-get install chromium");
    }

    /** The document after the page's scripts ran, as HTML. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run("dom", List.of("--dump-dom", url));
    }

    /** Saves a {@value WIDTH}×{@value HEIGHT} screenshot of {@code url} to {@code png}. */
    void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run("screenshot", List.of("--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
    }

    /**
     * Runs the browser with the flags both uses share. A profile of its own per run keeps concurrent runs (and a
     * developer's own browser) apart.
     */
    private String run(String what, List<String> extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, what + "-profile");
        Path out = workDir.resolve(what + ".out");
        Path err = workDir.resolve(what + ".err");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--hide-scrollbars", "--window-size=" + WIDTH + "," + HEIGHT,
                "--virtual-time-budget=15000", "--user-data-dir=" + profile));
        command.addAll(extra);
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("chromium (" + what + ") did not finish within " + TIMEOUT_SECONDS + " s: "
                    + tail(err));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium (" + what + ") exited with " + p.exitValue() + ": " + tail(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.length() <= 2000 ? s : "…" + s.substring(s.length() - 2000);
    }
}
