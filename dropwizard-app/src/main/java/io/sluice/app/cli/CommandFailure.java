package io.sluice.app.cli;

import net.sourceforge.argparse4j.inf.ArgumentParserException;

/**
 * Ends a command of the {@code sluice} command line with an exit status of its own, so that a script tells "checked,
 * and it is not right" (1) from "could not check" (2), where Dropwizard exits with 1 for every failure. The command
 * throws it rather than calling {@code System.exit}, so a command run in-process (as the tests do) returns; the
 * application's {@code onFatalError} turns it into the process's exit status through {@link #exitStatus(Throwable)}.
 * Its message is printed on standard error, without a stack trace.
 */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The check was made and failed: the topic is unsafe or does not exist. */
    public static final int CHECK_FAILED = 1;

    /**
     * No check could be made: Kafka or the node did not answer or refused, or the configuration file or the command
     * line is wrong.
     */
    public static final int CANNOT_CHECK = 2;

    private final int exitStatus;

    /**
     * @param exitStatus the process's exit status, {@link #CHECK_FAILED} or {@link #CANNOT_CHECK}
     * @param message    what went wrong, for the operator
     */
    public CommandFailure(int exitStatus, String message) {
        this(exitStatus, message, null);
    }

    /**
     * @param exitStatus the process's exit status, {@link #CHECK_FAILED} or {@link #CANNOT_CHECK}
     * @param message    what went wrong, for the operator
     * @param cause      the failure behind it, or {@code null}
     */
    public CommandFailure(int exitStatus, String message, Throwable cause) {
        super(message, cause);
        if (exitStatus != CHECK_FAILED && exitStatus != CANNOT_CHECK) {
            throw new IllegalArgumentException("exit status must be " + CHECK_FAILED + " or " + CANNOT_CHECK
                    + ", not " + exitStatus);
        }
        this.exitStatus = exitStatus;
    }

    /** @return the process's exit status */
    public int exitStatus() {
        return exitStatus;
    }

    /**
     * The exit status of a process whose command failed: the command's own for a {@link CommandFailure},
     * {@link #CANNOT_CHECK} for a command line that does not parse (the usual status of a usage error), 1 otherwise
     * (Dropwizard's status for any failure, {@code server}'s included).
     *
     * @param failure what the command line runner returned
     * @return the status to exit with
     */
    public static int exitStatus(Throwable failure) {
        if (failure instanceof CommandFailure f) {
            return f.exitStatus;
        }
        return failure instanceof ArgumentParserException ? CANNOT_CHECK : 1;
    }
}
