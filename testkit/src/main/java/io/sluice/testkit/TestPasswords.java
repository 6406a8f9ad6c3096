package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Passwords for tests that the suite's secret scan can find: each is unusual enough that finding it in a log or a
 * response means it leaked, and each is written down in {@code target/test-logs/passwords.txt} of the module that
 * used it. The {@code secret-scan} module, built last, looks for every one of them in every module's
 * {@code target/test-logs} (the test log files and the recorded REST responses).
 */
public final class TestPasswords {
    /** The file of a module's passwords, relative to the module (the tests' working directory). */
    public static final Path FILE = Path.of("target", "test-logs", "passwords.txt");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private TestPasswords() {
    }

    /** A new password, {@code <label>-pw-} and 12 random letters and digits, written down for the scan. */
    public static String fresh(String label) {
        StringBuilder b = new StringBuilder(label).append("-pw-");
        for (int i = 0; i < 12; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return used(b.toString());
    }

    /**
     * Writes down a password a test uses that it did not make with {@link #fresh} (a fixed one some tool needs);
     * returns it. Passwords shorter than 8 characters would match innocent text and are refused.
     */
    public static synchronized String used(String password) {
        if (password.length() < 8) {
            throw new IllegalArgumentException("a test password must have 8 characters or more, so that the secret "
                    + "scan finds it and only it");
        }
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return password;
    }
}
