package io.sluice.app.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.sluice.app.security.ApiToken;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code sluice new-token}: a fresh random bearer token for the REST and admin ports, and the
 * {@code api.auth.tokens} entry (its SHA-256) for the configuration file. The token is printed once, or written to a
 * new file only its owner may read ({@code --token-file}, what {@code sluice status --token-file} reads); Sluice
 * keeps no copy.
 */
public final class NewTokenCommand extends Command {
    private static final String TOKEN_FILE = "tokenFile";
    private final PrintStream out;

    public NewTokenCommand(PrintStream out) {
        super("new-token", "make a random bearer token for the REST API and print its api.auth.tokens entry");
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--name").setDefault("token")
                .help("the token's name in the entry: which script or tool holds it");
        subparser.addArgument("--role").choices("read", "admin").setDefault("read")
                .help("read (the default: GET only) or admin (every call)");
        subparser.addArgument("--token-file").dest(TOKEN_FILE).metavar("FILE")
                .help("write the token to this new file (readable by its owner only) instead of printing it");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        String name = namespace.getString("name");
        if (name.isBlank()) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "--name must not be blank");
        }
        String token = ApiToken.generate();
        String file = namespace.getString(TOKEN_FILE);
        if (file != null) {
            write(Path.of(file), token);
            out.println("# the token is in " + file + " (readable by its owner only); Sluice keeps no copy");
        } else {
            out.println("# the token; Sluice keeps no copy, so store it now (a secret store, a file only its "
                    + "user can read)");
            out.println(token);
        }
        out.println("# api.auth.tokens entry");
        out.println("- name: " + name);
        out.println("  role: " + namespace.getString("role"));
        out.println("  sha256: \"" + ApiToken.sha256Hex(token) + "\"");
        out.flush();
    }

    private static void write(Path file, String token) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, file + " already exists: name a new file, so that "
                    + "no token is overwritten", e);
        } catch (UnsupportedOperationException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot make " + file + " readable by its owner "
                    + "only on this file system; leave out --token-file and store the printed token yourself", e);
        } catch (IOException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot create " + file + ": " + e.getMessage(), e);
        }
        try {
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot write " + file + ": " + e.getMessage(), e);
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
