package io.sluice.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads what a build's tests left under {@code <module>/target}: the passwords they wrote down
 * ({@code test-logs/passwords.txt}) and the files where one must never appear (the logs and recorded answers in
 * {@code test-logs}, and the Surefire and Failsafe reports), and finds every password in every file.
 *
 * @param passwords every password written down, in order
 * @param files     every file read
 * @param bytes     their total size
 * @param leaks     "file line N: the password that begins …" for each password found in a file
 */
record SecretScan(Set<String> passwords, List<Path> files, long bytes, List<String> leaks) {

    /** Scans every module directory under {@code root} that has a {@code target}, except {@code skip}. */
    static SecretScan of(Path root, String skip) {
        List<Path> modules;
        try (Stream<Path> dirs = Files.list(root)) {
            modules = dirs.filter(d -> Files.isDirectory(d.resolve("target")))
                    .filter(d -> !d.getFileName().toString().equals(skip)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> passwords = new LinkedHashSet<>();
        List<Path> files = new ArrayList<>();
        for (Path module : modules) {
            Path logs = module.resolve("target/test-logs");
            passwords.addAll(writtenDown(logs.resolve("passwords.txt")));
            for (Path dir : List.of(logs, module.resolve("target/surefire-reports"),
                    module.resolve("target/failsafe-reports"))) {
                files.addAll(scannable(dir));
            }
        }
        List<String> leaks = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            String text = read(file);
            bytes += text.length();
            for (String password : passwords) {
                // the files are read byte for byte, so a password is looked for as its UTF-8 bytes
                int at = text.indexOf(new String(password.getBytes(StandardCharsets.UTF_8),
                        StandardCharsets.ISO_8859_1));
                if (at >= 0) {
                    leaks.add(root.relativize(file) + " line " + lineOf(text, at) + ": the password that begins "
                            + password.substring(0, Math.min(6, password.length())) + "…");
                }
            }
        }
        return new SecretScan(passwords, files, bytes, leaks);
    }

    private static List<String> writtenDown(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files of {@code dir} worth reading: logs, answers, and the reports' text and XML (not passwords.txt). */
    private static List<Path> scannable(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals("passwords.txt"))
                    .filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".txt")
                            || f.toString().endsWith(".xml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lineOf(String text, int at) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
