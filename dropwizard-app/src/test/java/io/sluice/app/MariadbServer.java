package io.sluice.app;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A MariaDB server ({@code mariadbd} of Debian's {@code mariadb-server}, 10.11) run as a process of its own for one
 * test: a fresh data directory made by {@code mariadb-install-db} in a temporary directory, a free port on
 * 127.0.0.1, no option file ({@code --no-defaults}), so that the system's MariaDB service (stopped or not) has
 * nothing to do with it. {@code root@127.0.0.1} has no password. {@link #close()} stops it and deletes its files.
 *
 * <p>A missing {@code mariadbd} fails (it does not skip): install it with {@code apt-get install mariadb-server}.
 */
final class MariadbServer implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final Path errorLog;
    private Process process;
    private int port;

    private MariadbServer(Path dir) {
        this.dir = dir;
        this.errorLog = dir.resolve("mariadbd.err");
    }

    /** Initializes a data directory and starts {@code mariadbd} with {@code --server-id=serverId} and {@code options}. */
    static MariadbServer start(int serverId, String... options) {
        String mariadbd = executable("mariadbd");
        String installDb = executable("mariadb-install-db");
        Path dir;
        try {
            dir = Files.createTempDirectory("sluice-mariadb-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MariadbServer server = new MariadbServer(dir);
        try {
            server.installDb(installDb);
            for (int attempt = 1; ; attempt++) {
                try {
                    server.launch(mariadbd, serverId, options);
                    return server;
                } catch (IllegalStateException e) {
                    // another process may have taken the port between probing and binding
                    if (!server.errorLogText().contains("Address already in use") || attempt == PORT_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void installDb(String installDb) {
        List<String> cmd = new ArrayList<>(List.of(installDb, "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (isRoot()) {
            cmd.add("--user=root");
        }
        Path out = dir.resolve("install-db.out");
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException(cmd + " did not end within " + START_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed with " + p.exitValue() + ":\n" + Files.readString(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void launch(String mariadbd, int serverId, String... options) {
        port = freePort();
        List<String> cmd = new ArrayList<>(List.of(mariadbd, "--no-defaults"));
        if (isRoot()) {
            cmd.add("--user=root");
        }
        cmd.addAll(List.of("--datadir=" + dir.resolve("data"), "--tmpdir=" + dir, "--pid-file=" + dir.resolve("pid"),
                "--socket=" + dir.resolve("sock"), "--log-error=" + errorLog, "--port=" + port,
                "--bind-address=" + HOST, "--skip-name-resolve", "--server-id=" + serverId,
                "--relay-log=relay-bin", "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=2"));
        cmd.addAll(Arrays.asList(options));
        try {
            process = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.out").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + mariadbd, e);
        }
        startWatchdog(process.pid());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with " + process.exitValue() + " on port " + port
                        + ":\n" + errorLogText());
            }
            try (Connection c = connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT @@datadir")) {
                rs.next();
                if (!Files.isSameFile(Path.of(rs.getString(1)), dir.resolve("data"))) {
                    throw new IllegalStateException("Address already in use: another server answers on " + port);
                }
                return;
            } catch (SQLException e) {
                last = e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sleep(100);
        }
        process.destroyForcibly();
        IllegalStateException failure = new IllegalStateException("mariadbd did not accept connections on port "
                + port + " within " + START_TIMEOUT + ":\n" + errorLogText());
        if (last != null) {
            failure.addSuppressed(last);
        }
        throw failure;
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + HOST + ":" + port
                + "/?user=root&password=&useSSL=false&connectTimeout=2000&socketTimeout=30000");
    }

    /** Runs the statements in order in one session. */
    void execute(String... sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", sql) + " failed on MariaDB: " + e.getMessage(), e);
        }
    }

    /** The rows of a query as strings ({@code NULL} stays {@code null}). */
    List<List<String>> query(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on MariaDB: " + e.getMessage(), e);
        }
    }

    /** {@code SHOW SLAVE STATUS} as column name → value; empty when no replication is configured. */
    Map<String, String> slaveStatus() {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            Map<String, String> status = new LinkedHashMap<>();
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    status.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
            }
            return status;
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW SLAVE STATUS failed on MariaDB: " + e.getMessage(), e);
        }
    }

    /** The value of a status variable ({@code SHOW GLOBAL STATUS LIKE 'name'}), or null when there is none. */
    String status(String name) {
        List<List<String>> rows = query("SHOW GLOBAL STATUS LIKE '" + name + "'");
        return rows.isEmpty() ? null : rows.get(0).get(1);
    }

    /** What mariadbd wrote to its error log so far. */
    String errorLogText() {
        try {
            return Files.exists(errorLog) ? Files.readString(errorLog, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + errorLog + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null) {
            p.destroy(); // SIGTERM: a clean shutdown
            try {
                if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** The path of a MariaDB server program, on the PATH or in /usr/sbin (where Debian puts mariadbd). */
    static String executable(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "")
                .split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin"));
        for (String d : dirs) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("'" + name + "' (MariaDB server) is not installed: install it with"
                + " `DEBIAN_FRONTEND=noninteractive apt-get install mariadb-server` (.ci/run installs mariadb-server"
                + " when it is missing); the tests start their own mariadbd and need no MariaDB service running");
    }

    /** Kills mariadbd if this JVM dies without running its shutdown hooks, as MysqlServer does for mysqld. */
    private static void startWatchdog(long pid) {
        String script = "while kill -0 \"$1\" 2>/dev/null; do"
                + " if ! kill -0 \"$0\" 2>/dev/null; then kill -9 \"$1\"; exit 0; fi; sleep 1; done";
        try {
            new ProcessBuilder("sh", "-c", script, Long.toString(ProcessHandle.current().pid()), Long.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException ignored) {
            // close() still stops it
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
