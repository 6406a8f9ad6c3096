package io.sluice.scan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The scan itself on a tree made here: it finds a written-down password where it was leaked, and only there. */
class SecretScanTest {

    @Test
    void findsAPasswordOfOneModuleInAnotherModulesLogReportOrAnswer(@TempDir Path root) throws Exception {
        Path logs = Files.createDirectories(root.resolve("app/target/test-logs"));
        Files.writeString(logs.resolve("passwords.txt"), "first-pw-Abc123\nsecönd-pw-Xyz789\n");
        Files.writeString(logs.resolve("app.log"), "INFO connected\nDEBUG user repl\n");
        Path reports = Files.createDirectories(root.resolve("ingest/target/failsafe-reports"));
        Files.writeString(reports.resolve("TEST-x.xml"), "<system-out>a\nb\nlogin with secönd-pw-Xyz789</system-out>");
        Files.writeString(Files.createDirectories(root.resolve("facade/target/test-logs")).resolve("responses.log"),
                "GET / -> 200\n{\"ok\": true}\n");
        Files.createDirectories(root.resolve("skipped/target/test-logs"));
        Files.writeString(root.resolve("skipped/target/test-logs/tests.log"), "first-pw-Abc123");

        SecretScan scan = SecretScan.of(root, "skipped");

        assertThat(scan.passwords()).containsExactly("first-pw-Abc123", "secönd-pw-Xyz789");
        assertThat(scan.files()).hasSize(3);
        assertThat(scan.leaks()).containsExactly(Path.of("ingest/target/failsafe-reports/TEST-x.xml")
                + " line 3: the password that begins secönd…");
    }

    @Test
    void aCleanTreeHasNoLeaks(@TempDir Path root) throws Exception {
        Path logs = Files.createDirectories(root.resolve("app/target/test-logs"));
        Files.writeString(logs.resolve("passwords.txt"), "first-pw-Abc123\n");
        Files.writeString(logs.resolve("tests.log"), "first-pw-Abc12 is not it, nor is irst-pw-Abc123x... wait\n"
                .replace("irst-pw-Abc123x... wait", "irst-pw-Abc12"));
        assertThat(SecretScan.of(root, "none").leaks()).isEmpty();
    }
}
