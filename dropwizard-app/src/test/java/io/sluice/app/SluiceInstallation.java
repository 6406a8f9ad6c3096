package io.sluice.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The release archive {@code mvn package} makes ({@code target/sluice-<version>.tar.gz}), unpacked as an operator
 * unpacks it: {@code sluice-<version>/} with {@code bin/sluice}, {@code lib/sluice.jar}, {@code config/} and
 * {@code systemd/}, what {@code /opt/sluice} is on a host.
 */
final class SluiceInstallation {
    /** The archive; failsafe gives the project's version. */
    static final Path TARBALL = Path.of("target",
            "sluice-" + System.getProperty("sluice.version", "0.1.0-SNAPSHOT") + ".tar.gz");

    private SluiceInstallation() {
    }

    /**
     * Unpacks the archive with {@code tar} into {@code parent} and returns the installation's directory.
     *
     * @throws IllegalStateException if the archive is missing or does not hold exactly one top directory
     */
    static Path unpack(Path parent) throws IOException, InterruptedException {
        if (!Files.isRegularFile(TARBALL)) {
            throw new IllegalStateException(TARBALL.toAbsolutePath() + " is missing: run the integration tests "
                    + "through Maven (mvn verify), which packages it first");
        }
        Path unpacked = Files.createDirectories(parent);
        Process tar = new ProcessBuilder("tar", "-xzf", TARBALL.toAbsolutePath().toString(), "-C",
                unpacked.toString()).redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes());
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IllegalStateException("tar could not unpack " + TARBALL + ": " + out);
        }
        String top = TARBALL.getFileName().toString().replace(".tar.gz", "");
        try (Stream<Path> entries = Files.list(unpacked)) {
            java.util.List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            if (!names.equals(java.util.List.of(top))) {
                throw new IllegalStateException("the archive should hold one top directory " + top + ", not "
                        + names);
            }
        }
        return unpacked.resolve(top);
    }
}
