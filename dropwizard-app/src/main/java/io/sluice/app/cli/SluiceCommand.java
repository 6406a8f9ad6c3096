package io.sluice.app.cli;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.sluice.app.SluiceConfiguration;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.IOException;

/**
 * A command of the {@code sluice} command line that reads the node's configuration file but is not the node. Unlike
 * Dropwizard's {@code ConfiguredCommand} it does not apply the file's {@code logging} section: that section is the
 * node's (its log files, its levels), and a command's standard output is for its report. A file that does not parse
 * or validate ends the command with {@link CommandFailure#CANNOT_CHECK}; a {@link CommandFailure} is printed as its
 * message alone.
 */
abstract class SluiceCommand extends Command {
    static final String FILE = "file";

    SluiceCommand(String name, String description) {
        super(name, description);
    }

    static void addFileArgument(Subparser subparser) {
        subparser.addArgument(FILE).nargs("?").metavar("config.yml")
                .help("the node's configuration file (the same YAML as for server)");
    }

    /**
     * Reads the configuration file as {@code server} does (the same source provider, {@code dw.} system property
     * overrides and validation), or the defaults when no file is given.
     */
    @SuppressWarnings("unchecked")
    static SluiceConfiguration configuration(Bootstrap<?> wildcard, String path) {
        Bootstrap<SluiceConfiguration> bootstrap = (Bootstrap<SluiceConfiguration>) wildcard;
        ConfigurationFactory<SluiceConfiguration> factory = bootstrap.getConfigurationFactoryFactory().create(
                SluiceConfiguration.class, bootstrap.getValidatorFactory().getValidator(), bootstrap.getObjectMapper(),
                "dw");
        try {
            return path == null ? factory.build() : factory.build(bootstrap.getConfigurationSourceProvider(), path);
        } catch (ConfigurationException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot read " + path + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot read the configuration"
                    + (path == null ? "" : " " + path) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof CommandFailure) {
            cli.getStdErr().println(e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }
}
