package io.sluice.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sluice} command line as a real process ({@code java io.sluice.app.SluiceApplication ...}), for what only
 * a process shows: Dropwizard's {@code check} on Sluice's configuration, and the exit statuses
 * {@code SluiceApplication.onFatalError} gives the commands it registers.
 */
class CliCheckTest {
    @TempDir
    Path dir;

    /** What a process did. */
    record Exit(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Exit sluice(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), SluiceApplication.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sluice " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Exit(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String file(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "sluice", ".yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file.toString();
    }

    @Test
    void aValidConfigurationIsOk() throws Exception {
        Exit check = sluice("check", file("kafka:\n  bootstrapServers: k1:9092,k2:9092,k3:9092\n"
                + "  topic: orders.binlog\nfacade:\n  port: 3310\n  users:\n    - {user: repl, caching_sha2_password: \""
                + io.sluice.facade.Account.sha2Hex("s3cret-pw") + "\", mysql_native_password: \""
                + io.sluice.facade.Account.nativeHex("s3cret-pw") + "\"}\n"
                + "cluster:\n  nodeId: node-a\n"));
        assertThat(check.status()).as("%s", check).isEqualTo(0);
        assertThat(check.out()).contains("Configuration is OK");
    }

    @Test
    void aValueOutOfRangeIsRefusedNamingTheKey() throws Exception {
        Exit check = sluice("check", file("facade:\n  port: 70000\n"));
        assertThat(check.status()).as("%s", check).isEqualTo(1);
        assertThat(check.err()).contains("facade.port must be less than or equal to 65535");
        assertThat(check.out()).doesNotContain("Configuration is OK");
    }

    @Test
    void anUnknownKeyIsRefusedNamingIt() throws Exception {
        Exit check = sluice("check", file("kafka:\n  bootstrapServer: k1:9092\n"));
        assertThat(check.status()).as("%s", check).isEqualTo(1);
        assertThat(check.err()).contains("Unrecognized field at: kafka.bootstrapServer")
                .contains("bootstrapServers");
    }

    @Test
    void theCommandsExitWithTheirOwnStatus() throws Exception {
        Exit embedded = sluice("topic", "verify", file("kafka:\n  topic: cli.embedded\n"));
        assertThat(embedded.status()).as("%s", embedded).isEqualTo(2);
        assertThat(embedded.err()).contains("embedded Kafka broker").doesNotContain("Exception");

        Exit usage = sluice("topic", "delete");
        assertThat(usage.status()).as("%s", usage).isEqualTo(2);
        assertThat(usage.err()).contains("invalid choice: 'delete'");
    }
}
