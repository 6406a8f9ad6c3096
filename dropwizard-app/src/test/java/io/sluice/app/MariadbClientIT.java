package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MariaDB command-line client ({@code mariadb} of Debian's {@code mariadb-client}, 10.11) against the facade,
 * run as a process as a person or a script would run it: it logs in (the facade offers no TLS, and the client's
 * default {@code --ssl} falls back to plain TCP), starting with caching_sha2_password or mysql_native_password;
 * {@code SHOW MASTER STATUS} and {@code SHOW BINARY LOGS} print the source's own file names, positions and GTID
 * set; it prints Sluice's refusal of a statement as an ERROR line and stops there, or goes on with {@code --force},
 * exactly as it does against MySQL; under a terminal its welcome shows Sluice's version; a wrong password is
 * denied.
 *
 * <p>In batch mode the client sends nothing but the statements it is given (seen in the source's general log);
 * interactive, it first sends {@code select @@version_comment limit 1}.
 */
class MariadbClientIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SESSION = String.join("\n",
            "SELECT VERSION();",
            "SHOW TABLES;",
            "SELECT @@server_id, @@log_bin;",
            "SHOW MASTER STATUS\\G",
            "");
    private static String mariadb;
    private static SluicePipeline sluice;

    /** What one run of a program did: its exit code and what it printed on stdout and stderr. */
    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        mariadb = which("mariadb"); // before anything starts: a missing client fails the class at once
        sluice = SluicePipeline.start("sluice.binlog.mariadb-client-it", 91);
        sluice.source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(8,2))");
        for (int i = 0; i < 10; i++) {
            sluice.source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "', " + i + ".50)");
            if (i == 4) {
                sluice.source.execute("FLUSH BINARY LOGS"); // a second file, so that the list has two
            }
        }
        sluice.source.execute("UPDATE shop.item SET price = price * 2 WHERE id < 5",
                "DELETE FROM shop.item WHERE id = 9");
        sluice.awaitSyncerCaughtUp();
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(sluice);
    }

    @Test
    void masterStatusIsTheSourcesOwnFilePositionAndGtidSet() {
        List<String> source = sluice.source.query("SHOW MASTER STATUS").get(0);
        String header = "File\tPosition\tBinlog_Do_DB\tBinlog_Ignore_DB\tExecuted_Gtid_Set";
        String row = String.join("\t", source.get(0), source.get(1), "", "", source.get(4));
        assertThat(source.get(0)).isEqualTo("binlog.000002");

        Run run = awaitOutput(r -> r.lines().equals(List.of(header, row)), "-e", "SHOW MASTER STATUS");
        assertThat(run.lines()).containsExactly(header, row);
        assertThat(client(null, "-e", "SHOW BINARY LOG STATUS").lines())
                .as("the 8.2+ name of the same statement").containsExactly(header, row);
    }

    @Test
    void binaryLogsAreTheSourcesFilesWithTheirSizes() {
        List<String> expected = new ArrayList<>(List.of("Log_name\tFile_size\tEncrypted"));
        for (List<String> file : sluice.source.query("SHOW BINARY LOGS")) {
            expected.add(String.join("\t", file));
        }
        assertThat(expected).hasSize(3);

        Run run = awaitOutput(r -> r.lines().equals(expected), "-e", "SHOW BINARY LOGS");
        assertThat(run.lines()).containsExactlyElementsOf(expected);
    }

    @Test
    void serverUuidGtidModeAndGtidVariables() {
        Run run = awaitOutput(r -> r.out().contains(sluice.source.gtidExecuted()),
                "-e", "SELECT @@server_uuid, @@gtid_mode; SHOW VARIABLES LIKE 'gtid%'");
        assertThat(run.lines()).containsExactly(
                "@@server_uuid\t@@gtid_mode",
                "5a5a5a5a-0000-4000-8000-000000000002\tON",
                "Variable_name\tValue",
                "gtid_executed\t" + sluice.source.gtidExecuted(),
                "gtid_mode\tON",
                "gtid_purged\t");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aRefusedStatementThroughStdinIsAnErrorLineAndEndsTheSession() {
        Run run = client(SESSION);
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isEqualTo(1);
        assertThat(run.lines()).as("only what came before the refused statement").containsExactly(
                "VERSION()", "8.0.31-sluice");
        assertThat(run.err()).contains(
                "ERROR 1235 (42000) at line 2: Sluice answers 'SHOW TABLES' only through a metadata backend, and none is configured");
    }

    @Test
    void withForceTheStatementsAfterTheRefusedOneStillRun() {
        Run run = client(SESSION, "--force");
        assertThat(run.err()).contains(
                "ERROR 1235 (42000) at line 2: Sluice answers 'SHOW TABLES' only through a metadata backend, and none is configured");
        List<String> source = sluice.source.query("SHOW MASTER STATUS").get(0);
        assertThat(run.lines()).containsExactly(
                "VERSION()", "8.0.31-sluice",
                "@@server_id\t@@log_bin", "99\t1",
                "*************************** 1. row ***************************",
                "             File: " + source.get(0),
                "         Position: " + source.get(1),
                "     Binlog_Do_DB: ",
                " Binlog_Ignore_DB: ",
                "Executed_Gtid_Set: " + source.get(4));
        // with --force, mariadb 10.11 ends with 0 after an error: the same session against the source itself
        // (an unknown table for a refused statement) ends the same way
        Run direct = run(command(sluice.source.port(), SluicePipeline.USER, SluicePipeline.PASSWORD, "--force"),
                SESSION.replace("SHOW TABLES;", "SELECT * FROM shop.nosuch;"));
        assertThat(direct.err()).contains("ERROR 1146 (42S02) at line 2");
        assertThat(run.exit()).as("the client's own exit code after an error with --force").isEqualTo(direct.exit())
                .isZero();
    }

    @Test
    void underATerminalTheWelcomeShowsSluiceAndTablesAreDrawn() {
        // `script` gives the client a terminal: it is interactive, and asks for @@version_comment first
        String command = String.join(" ", mariadb, "--no-defaults", "-h", "127.0.0.1", "-P",
                Integer.toString(sluice.facadePort), "-u", SluicePipeline.USER, "-p" + SluicePipeline.PASSWORD);
        Run run = run(List.of(which("script"), "-qec", command, "/dev/null"),
                "SELECT @@server_id;\nSHOW TABLES;\nquit\n", Map.of("TERM", "dumb")); // no bold, no bell
        String out = run.out().replace("\r", "");
        assertThat(run.exit()).as("exit code; printed: %s%s", out, run.err()).isZero();
        assertThat(out).contains("Server version: 8.0.31-sluice Sluice binlog server\n");
        assertThat(out).contains(String.join("\n",
                "+-------------+",
                "| @@server_id |",
                "+-------------+",
                "|          99 |",
                "+-------------+",
                "1 row in set"));
        assertThat(out).contains("ERROR 1235 (42000): Sluice answers 'SHOW TABLES' only through a metadata backend, and none is configured");
        assertThat(out).contains("Bye");
    }

    @Test
    void logsInWhicheverPluginTheClientStartsWith() {
        for (String plugin : List.of("caching_sha2_password", "mysql_native_password")) {
            Run run = client(null, "--default-auth=" + plugin, "-e", "SELECT CURRENT_USER()");
            assertThat(run.exit()).as("%s: %s", plugin, run.err()).isZero();
            assertThat(run.lines()).as(plugin).containsExactly("CURRENT_USER()", "repl@%");

            Run wrong = run(command(sluice.facadePort, SluicePipeline.USER, "not-the-password",
                    "--default-auth=" + plugin, "-e", "SELECT 1"), null);
            assertThat(wrong.exit()).as(plugin).isNotZero();
            assertThat(wrong.err()).as(plugin).contains(
                    "ERROR 1045 (28000): Access denied for user 'repl'@'127.0.0.1' (using password: YES)");
        }
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsDenied() {
        Run wrong = run(command(sluice.facadePort, SluicePipeline.USER, "not-the-password", "-e", "SELECT 1"), null);
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.err()).contains(
                "ERROR 1045 (28000): Access denied for user 'repl'@'127.0.0.1' (using password: YES)");

        Run unknown = run(command(sluice.facadePort, "nobody", SluicePipeline.PASSWORD, "-e", "SELECT 1"), null);
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("ERROR 1045 (28000): Access denied for user 'nobody'@'127.0.0.1'");
    }

    @Test
    void tlsIsNotOfferedSoAClientThatInsistsOnItStops() {
        Run run = client(null, "--ssl-verify-server-cert", "-e", "SELECT 1");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("ERROR 2026 (HY000): TLS/SSL error: SSL is required, but the server does not"
                + " support it");
    }

    /** Runs the client with the pipeline's account and {@code args} until {@code until} holds, then once more. */
    private static Run awaitOutput(Predicate<Run> until, String... args) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Run run = client(null, args);
        while (!until.test(run) && System.nanoTime() < deadline) {
            sleep(200);
            run = client(null, args);
        }
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        return run;
    }

    /** The client with the pipeline's account on the facade and {@code args}; {@code stdin} may be null. */
    private static Run client(String stdin, String... args) {
        return run(command(sluice.facadePort, SluicePipeline.USER, SluicePipeline.PASSWORD, args), stdin);
    }

    /** {@code mariadb --no-defaults} (no option file may change it) to 127.0.0.1:port, batch and raw. */
    private static List<String> command(int port, String user, String password, String... args) {
        List<String> command = new ArrayList<>(List.of(mariadb, "--no-defaults", "-h", "127.0.0.1", "-P",
                Integer.toString(port), "-u", user, "-p" + password, "--batch", "--raw"));
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static Run run(List<String> command, String stdin) {
        return run(command, stdin, Map.of());
    }

    private static Run run(List<String> command, String stdin, Map<String, String> environment) {
        try {
            Path out = Files.createTempFile("mariadb-client-it", ".out");
            Path err = Files.createTempFile("mariadb-client-it", ".err");
            Path in = Files.createTempFile("mariadb-client-it", ".in");
            try {
                Files.writeString(in, stdin == null ? "" : stdin);
                ProcessBuilder builder = new ProcessBuilder(command).redirectInput(in.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(environment);
                Process p = builder.start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError(command + " did not end within 30 s; it printed: "
                            + Files.readString(out) + Files.readString(err));
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
                Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The path of {@code name} on the PATH; fails (does not skip) when it is not installed. */
    private static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("'" + name + "' is not on the PATH: install it with `apt-get install "
                + ("script".equals(name) ? "bsdutils" : "mariadb-client") + "` (.ci/run installs mariadb-client"
                + " when it is missing)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
