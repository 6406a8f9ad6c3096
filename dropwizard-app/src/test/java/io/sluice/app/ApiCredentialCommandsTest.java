package io.sluice.app;

import io.sluice.app.security.ApiToken;
import io.sluice.app.security.PasswordHash;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands that make {@code api.auth} entries ({@code hash-password --api}, {@code new-token}), and what the
 * configuration refuses in that section, as {@code check} reports it.
 */
class ApiCredentialCommandsTest {
    private static final Pattern HASH = Pattern.compile("(?m)^  hash: \"(\\$pbkdf2-sha256\\$[^\"]+)\"$");
    private static final Pattern SHA256 = Pattern.compile("(?m)^  sha256: \"([0-9a-f]{64})\"$");

    @TempDir
    Path dir;

    @Test
    void hashPasswordPrintsAnApiUserWhoseHashVerifiesThePassword() {
        String password = TestPasswords.fresh("cli-api");
        SluiceCli.Result r = SluiceCli.runWithInput(password + "\n", "hash-password", "--api", "--user", "ops",
                "--role", "admin", "--iterations", "100000");
        assertThat(r.exitStatus()).as("%s", r).isEqualTo(0);
        assertThat(r.out()).startsWith("# api.auth.users entry").contains("- user: ops\n  role: admin\n")
                .doesNotContain(password);
        Matcher hash = HASH.matcher(r.out());
        assertThat(hash.find()).as(r.out()).isTrue();
        PasswordHash parsed = PasswordHash.parse(hash.group(1));
        assertThat(parsed.iterations()).isEqualTo(100_000);
        assertThat(parsed.verify(password.toCharArray())).isTrue();

        SluiceCli.Result byDefault = SluiceCli.runWithInput(password + "\n", "hash-password", "--api");
        assertThat(byDefault.exitStatus()).as("%s", byDefault).isEqualTo(0);
        assertThat(byDefault.out()).contains("- user: ops\n  role: read\n").contains("$i=600000$");
    }

    @Test
    void rolesOfTheOtherSectionAndBadNamesAreRefused() {
        String password = TestPasswords.fresh("cli-role");
        SluiceCli.Result replication = SluiceCli.runWithInput(password + "\n", "hash-password", "--api", "--role",
                "replication");
        assertThat(replication.exitStatus()).isEqualTo(2);
        assertThat(replication.err()).contains("not a role of api.auth.users");
        SluiceCli.Result read = SluiceCli.runWithInput(password + "\n", "hash-password", "--role", "read");
        assertThat(read.exitStatus()).isEqualTo(2);
        assertThat(read.err()).contains("not a role of facade.users");
        SluiceCli.Result colon = SluiceCli.runWithInput(password + "\n", "hash-password", "--api", "--user", "a:b");
        assertThat(colon.exitStatus()).isEqualTo(2);
        assertThat(colon.err()).contains("colon");
        SluiceCli.Result weak = SluiceCli.runWithInput(password + "\n", "hash-password", "--api", "--iterations",
                "1000");
        assertThat(weak.exitStatus()).isEqualTo(2);
        SluiceCli.Result empty = SluiceCli.runWithInput("\n", "hash-password", "--api");
        assertThat(empty.exitStatus()).isEqualTo(2);
        assertThat(empty.err()).contains("no password given");
        // the facade's entry is unchanged by default
        SluiceCli.Result facade = SluiceCli.runWithInput(password + "\n", "hash-password");
        assertThat(facade.out()).contains("# facade.users entry").contains("- user: repl\n  role: replication\n");
        SluiceCli.Result facadeAdmin = SluiceCli.runWithInput(password + "\n", "hash-password", "--role", "admin");
        assertThat(facadeAdmin.exitStatus()).as("%s", facadeAdmin).isEqualTo(0);
        assertThat(facadeAdmin.out()).contains("  role: admin\n  caching_sha2_password: ");
    }

    @Test
    void newTokenPrintsATokenAndItsSha256() {
        SluiceCli.Result r = SluiceCli.run("new-token", "--name", "prometheus", "--role", "admin");
        assertThat(r.exitStatus()).as("%s", r).isEqualTo(0);
        Matcher token = Pattern.compile("(?m)^(sluice_[A-Za-z0-9_-]{43})$").matcher(r.out());
        assertThat(token.find()).as(r.out()).isTrue();
        TestPasswords.used(token.group(1));
        Matcher sha = SHA256.matcher(r.out());
        assertThat(sha.find()).isTrue();
        assertThat(sha.group(1)).isEqualTo(ApiToken.sha256Hex(token.group(1)));
        assertThat(r.out()).contains("- name: prometheus\n  role: admin\n");
    }

    @Test
    void newTokenWritesTheTokenToANewOwnerOnlyFile() throws Exception {
        Path file = dir.resolve("token");
        SluiceCli.Result r = SluiceCli.run("new-token", "--token-file", file.toString());
        assertThat(r.exitStatus()).as("%s", r).isEqualTo(0);
        String token = TestPasswords.used(Files.readString(file, StandardCharsets.UTF_8).strip());
        assertThat(token).startsWith(ApiToken.PREFIX);
        assertThat(r.out()).doesNotContain(token).contains("- name: token\n  role: read\n")
                .contains("sha256: \"" + ApiToken.sha256Hex(token) + "\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        SluiceCli.Result again = SluiceCli.run("new-token", "--token-file", file.toString());
        assertThat(again.exitStatus()).isEqualTo(2);
        assertThat(again.err()).contains("already exists");
        assertThat(Files.readString(file).strip()).isEqualTo(token);
    }

    private SluiceCli.Result check(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "sluice", ".yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return SluiceCli.run("check", file.toString());
    }

    @Test
    void theConfigurationRefusesPlainSecretsBadHashesAndUnreadableSettings() throws Exception {
        String password = TestPasswords.fresh("cli-plain");
        String hash = PasswordHash.create(password.toCharArray(), PasswordHash.MIN_ITERATIONS).toString();
        String sha = ApiToken.sha256Hex(password);

        SluiceCli.Result good = check("api:\n  auth:\n    protectReads: true\n    users:\n"
                + "      - {user: ops, role: admin, hash: \"" + hash + "\"}\n    tokens:\n"
                + "      - {name: ci, sha256: \"" + sha + "\"}\n");
        assertThat(good.exitStatus()).as("%s", good).isEqualTo(0);

        SluiceCli.Result plain = check("api:\n  auth:\n    users:\n      - {user: ops, password: \"" + password
                + "\"}\n");
        assertThat(plain.exitStatus()).isEqualTo(1);
        assertThat(plain.out() + plain.err()).contains("plain-text password").contains("hash-password --api")
                .doesNotContain(password);

        SluiceCli.Result pasted = check("api:\n  auth:\n    users:\n      - {user: ops, hash: \"" + password
                + "\"}\n");
        assertThat(pasted.exitStatus()).isEqualTo(1);
        assertThat(pasted.out() + pasted.err()).contains("needs a hash").doesNotContain(password);

        SluiceCli.Result weak = check("api:\n  auth:\n    users:\n      - {user: ops, hash: \""
                + hash.replace("i=100000", "i=1000") + "\"}\n");
        assertThat(weak.exitStatus()).isEqualTo(1);
        assertThat(weak.out() + weak.err()).contains("100000 to 10000000 iterations");

        SluiceCli.Result token = check("api:\n  auth:\n    tokens:\n      - {name: ci, token: \"" + password
                + "\"}\n");
        assertThat(token.exitStatus()).isEqualTo(1);
        assertThat(token.out() + token.err()).contains("plain-text token").contains("new-token")
                .doesNotContain(password);

        SluiceCli.Result badRole = check("api:\n  auth:\n    tokens:\n      - {name: ci, role: replication, sha256: \""
                + sha + "\"}\n");
        assertThat(badRole.exitStatus()).isEqualTo(1);
        assertThat(badRole.out() + badRole.err()).contains("must be admin or read");

        SluiceCli.Result nobody = check("api:\n  auth:\n    protectReads: true\n");
        assertThat(nobody.exitStatus()).isEqualTo(1);
        assertThat(nobody.out() + nobody.err()).contains("protectReads needs at least one");

        SluiceCli.Result twice = check("api:\n  auth:\n    users:\n      - {user: ops, hash: \"" + hash + "\"}\n"
                + "      - {user: ops, hash: \"" + hash + "\"}\n");
        assertThat(twice.exitStatus()).isEqualTo(1);
        assertThat(twice.out() + twice.err()).contains("names a user twice");
    }
}
