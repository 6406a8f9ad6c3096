package io.sluice.app.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.sluice.decoder.DecoderMain;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code sluice decode decoder.properties}: runs the row-change decoder on its own, without a node (see
 * {@link DecoderMain} and {@code docs/row-events.md}). Runs until SIGTERM; exits 1 when the decoder stops on a
 * record it cannot decode, 2 when the file is wrong.
 */
public final class DecodeCommand extends Command {
    public DecodeCommand() {
        super("decode", "run the row-change decoder on its own, from a properties file (docs/row-events.md)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("file").metavar("decoder.properties").help("the decoder's settings");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        int status = DecoderMain.run(new String[] {namespace.getString("file")}, System.getenv()::get, System.err);
        if (status != 0) {
            throw new CommandFailure(status, status == 2 ? "the decoder did not start" : "the decoder stopped");
        }
    }
}
