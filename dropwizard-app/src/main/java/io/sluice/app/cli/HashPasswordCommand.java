package io.sluice.app.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.sluice.app.security.PasswordHash;
import io.sluice.facade.Account;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code sluice hash-password}: the lines of a {@code facade.users} entry for a password, or with {@code --api} of an
 * {@code api.auth.users} entry (a PBKDF2 hash, {@link PasswordHash}), so that the configuration file holds hashes
 * only. The password is read from the terminal without echo, or from the first line of standard
 * input when that is not a terminal (a pipe from a secret store), never from the command line, where the shell's
 * history and {@code ps} would keep it.
 */
public final class HashPasswordCommand extends Command {
    private static final String API = "api";
    private static final String ITERATIONS = "iterations";
    private final PrintStream out;
    private final Supplier<InputStream> in;

    public HashPasswordCommand(PrintStream out, Supplier<InputStream> in) {
        super("hash-password", "print the facade.users (or, with --api, api.auth.users) entry for a password read "
                + "from the terminal or stdin");
        this.out = out;
        this.in = in;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--user")
                .help("the account's name in the printed entry (default: repl, or ops with --api)");
        subparser.addArgument("--role").choices("replication", "read", "admin")
                .help("facade: replication (the default: dump and what replicas ask) or admin (also KILL, every "
                        + "process); --api: read (the default: GET only) or admin (every call)");
        subparser.addArgument("--api").dest(API).action(Arguments.storeTrue())
                .help("print an api.auth.users entry (HTTP Basic on the REST and admin ports) instead");
        subparser.addArgument("--iterations").dest(ITERATIONS).type(Integer.class)
                .setDefault(PasswordHash.DEFAULT_ITERATIONS)
                .choices(Arguments.range(PasswordHash.MIN_ITERATIONS, PasswordHash.MAX_ITERATIONS))
                .help("--api: PBKDF2 iterations (default " + PasswordHash.DEFAULT_ITERATIONS + ")");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        boolean api = Boolean.TRUE.equals(namespace.getBoolean(API));
        String role = namespace.getString("role");
        if (role == null) {
            role = api ? "read" : "replication";
        } else if (api ? "replication".equals(role) : "read".equals(role)) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "--role " + role + " is not a role of "
                    + (api ? "api.auth.users: read or admin" : "facade.users: replication or admin (read is for "
                    + "--api)"));
        }
        String user = namespace.getString("user") != null ? namespace.getString("user") : api ? "ops" : "repl";
        if (api && (user.isBlank() || user.contains(":") || user.chars().anyMatch(Character::isWhitespace))) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "--user must not be blank, nor contain white space "
                    + "or a colon (HTTP Basic cannot carry one in a user name)");
        }
        String password = readPassword();
        if (password.isEmpty()) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "no password given: type one, or pipe it in");
        }
        if (api) {
            String hash = PasswordHash.create(password.toCharArray(), namespace.getInt(ITERATIONS)).toString();
            out.println("# api.auth.users entry; the password itself is not stored anywhere");
            out.println("- user: " + user);
            out.println("  role: " + role);
            out.println("  hash: \"" + hash + "\"");
            out.flush();
            return;
        }
        out.println("# facade.users entry; the password itself is not stored anywhere");
        out.println("- user: " + user);
        out.println("  role: " + role);
        out.println("  caching_sha2_password: \"" + Account.sha2Hex(password) + "\"");
        out.println("  mysql_native_password: \"" + Account.nativeHex(password) + "\"");
        out.println("# or, instead of the caching_sha2_password line above, MySQL's own stored form (what");
        out.println("# SELECT HEX(authentication_string) prints; the facade then asks for the password once per");
        out.println("# node start, over TLS or RSA-encrypted, as MySQL does):");
        out.println("#  caching_sha2_password: \"" + Account.sha2CryptHex(password) + "\"");
        out.flush();
    }

    private String readPassword() {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("password: ");
            return typed == null ? "" : new String(typed);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(in.get(), StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot read the password: " + e.getMessage(), e);
        }
    }

    @Override
    public void onError(io.dropwizard.core.cli.Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof CommandFailure) {
            cli.getStdErr().println(e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }
}
