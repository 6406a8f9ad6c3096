package io.sluice.app.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.sluice.app.security.NodeSecrets;
import io.sluice.app.security.SecretBox;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.PrintStream;

/**
 * {@code sluice secrets-key}: prints a new random secrets key (base64 of 32 bytes) and its id, for
 * {@code secrets.keyFile} or {@code SLUICE_SECRETS_KEY}. Every node of a cluster needs the same key.
 */
public final class SecretsKeyCommand extends Command {
    private final PrintStream out;

    public SecretsKeyCommand(PrintStream out) {
        super("secrets-key", "print a new key that seals the source password Sluice stores in Kafka");
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        // no arguments
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        String key = SecretBox.newKey();
        out.println(key);
        System.err.println("# key id " + SecretBox.fromBase64(key).keyId() + ": put the line above in the file that "
                + "secrets.keyFile names (mode 0600) or in " + NodeSecrets.ENV + ", the same on every node");
        out.flush();
    }
}
