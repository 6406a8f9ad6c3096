package io.sluice.scan;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7's suite-wide check: no password that any test used appears in any log or answer of the suite. Every
 * module's tests write down their passwords ({@code TestPasswords}, in {@code target/test-logs/passwords.txt}), their
 * logs (with Sluice at DEBUG) and the REST answers they got ({@code target/test-logs}), and Surefire and Failsafe
 * keep their output in their reports. This module is built last, so it reads what the whole suite left.
 */
class SuiteSecretScanTest {

    @Test
    void noPasswordOfTheSuiteIsInAnyLogOrAnswer() {
        SecretScan scan = SecretScan.of(Path.of("..").toAbsolutePath().normalize(), "secret-scan");
        System.out.printf("secret scan: %d passwords in %d files (%.1f MB)%n", scan.passwords().size(),
                scan.files().size(), scan.bytes() / 1e6);
        assertThat(scan.passwords()).as("passwords written down by the suite's tests (run the whole suite first: "
                + "mvn verify)").hasSizeGreaterThanOrEqualTo(5);
        assertThat(scan.files()).as("the tests' log files").anyMatch(f -> f.endsWith("tests.log"));
        assertThat(scan.files()).as("the in-process apps' log files").anyMatch(f -> f.endsWith("app.log"));
        assertThat(scan.files()).as("the recorded REST answers").anyMatch(f -> f.endsWith("responses.log"));
        assertThat(scan.leaks()).as("passwords found in logs, answers or reports").isEmpty();
    }
}
