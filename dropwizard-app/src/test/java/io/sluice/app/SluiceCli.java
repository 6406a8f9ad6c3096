package io.sluice.app;

import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import io.sluice.app.cli.CommandFailure;
import io.sluice.app.cli.StatusCommand;
import io.sluice.app.cli.TopicCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The {@code sluice} command line run in-process, as {@code Application.run} runs it but with the output captured and
 * the exit status computed as {@code SluiceApplication.onFatalError} computes it instead of exiting. The commands are
 * those {@code SluiceApplication.initialize} registers, given the captured stream; {@code CliCheckTest} runs the real
 * process.
 */
final class SluiceCli {
    /** What a command line did: its exit status and what it printed. */
    record Result(int exitStatus, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitStatus + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private SluiceCli() {
    }

    static Result run(String... args) {
        return runWithInput("", args);
    }

    /** A command line whose standard input holds {@code input}. */
    static Result runWithInput(String input, String... args) {
        return run(input, java.util.Map.of(), args);
    }

    /** A command line that sees {@code environment} as its environment variables (for {@code status}). */
    static Result runWithEnvironment(java.util.Map<String, String> environment, String... args) {
        return run("", environment, args);
    }

    private static Result run(String input, java.util.Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        SluiceApplication app = new SluiceApplication();
        Bootstrap<SluiceConfiguration> bootstrap = new Bootstrap<>(app);
        bootstrap.addCommand(new CheckCommand<>(app));
        bootstrap.addCommand(new TopicCommand(stdout));
        bootstrap.addCommand(new StatusCommand(stdout, environment::get));
        bootstrap.addCommand(new io.sluice.app.cli.NewTokenCommand(stdout));
        bootstrap.addCommand(new io.sluice.app.cli.HashPasswordCommand(stdout,
                () -> new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
        Optional<Throwable> failure = new Cli(new JarLocation(SluiceApplication.class), bootstrap, stdout, err)
                .run(args);
        stdout.flush();
        return new Result(failure.map(CommandFailure::exitStatus).orElse(0), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }
}
