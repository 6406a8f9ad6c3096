package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs real MySQL servers, writes to them, restarts and kills them, and replicates between them. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MysqlServerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final List<MysqlServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(MysqlServer::close);
  }

  private MysqlServer start(int serverId, String... extraArgs) {
    long t0 = System.nanoTime();
    MysqlServer server = MysqlServer.start(serverId, extraArgs);
    servers.add(server);
    System.out.printf("MysqlServerTest: server_id=%d up in %d ms%n", serverId, millisSince(t0));
    return server;
  }

  @Test
  void serversHaveGtidsKeepDataAcrossRestartsAndReplicate() throws Exception {
    MysqlServer source = start(1);
    MysqlServer replica = start(2, "--binlog-row-image=FULL");

    for (MysqlServer server : List.of(source, replica)) {
      assertThat(globalVariables(server))
          .containsEntry("gtid_mode", "ON")
          .containsEntry("enforce_gtid_consistency", "ON")
          .containsEntry("log_bin", "ON")
          .containsEntry("binlog_format", "ROW")
          .containsEntry("max_allowed_packet", Long.toString(1L << 30))
          .containsEntry("performance_schema", "ON");
      assertThat(server.host()).isEqualTo("127.0.0.1");
      assertThat(server.isRunning()).isTrue();
      // the template data directory carries no transactions
      assertThat(server.gtidExecuted()).isEmpty();
    }
    assertThat(source.serverId()).isEqualTo(1);
    assertThat(replica.variable("server_id")).isEqualTo("2");
    assertThat(source.port()).isNotEqualTo(replica.port());
    assertThat(source.serverUuid()).isNotEqualTo(replica.serverUuid());

    // writes advance gtid_executed
    String uuid = source.serverUuid();
    source.execute(
        "CREATE DATABASE shop",
        "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2))",
        "INSERT INTO shop.items VALUES (1, 'apple', 0.50), (2, 'pear', 0.75)");
    assertThat(source.gtidExecuted()).isEqualTo(uuid + ":1-3");
    assertThat(source.query("SELECT id, name FROM shop.items ORDER BY id"))
        .containsExactly(List.of("1", "apple"), List.of("2", "pear"));

    // replication accounts are not binlogged
    source.createUser("repl", "s3cret'pw", "caching_sha2_password");
    source.createUser("native", "n@tive", "mysql_native_password");
    assertThat(source.gtidExecuted()).isEqualTo(uuid + ":1-3");
    assertThat(source.queryString("SELECT plugin FROM mysql.user WHERE user = 'native'"))
        .isEqualTo("mysql_native_password");
    try (Connection c = source.connect("native", "n@tive")) {
      assertThat(c.isValid(5)).isTrue();
    }

    // real MySQL replication with GTID auto-positioning
    replica.replicateFrom(source, "repl", "s3cret'pw");
    replica.waitForGtids(source.gtidExecuted(), WAIT);
    assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted());
    assertThat(replica.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));
    assertThat(replica.checksumTables()).containsOnlyKeys("shop.items");
    assertThat(replica.replicaStatus())
        .containsEntry("Replica_IO_Running", "Yes")
        .containsEntry("Replica_SQL_Running", "Yes")
        .containsEntry("Source_Port", Integer.toString(source.port()));

    // a clean restart keeps port, identity and data; the replica reconnects
    int port = source.port();
    long t0 = System.nanoTime();
    source.stop();
    long t1 = System.nanoTime();
    assertThat(source.isRunning()).isFalse();
    source.start();
    System.out.printf(
        "MysqlServerTest: stop with a replica attached %d ms, start again %d ms%n",
        (t1 - t0) / 1_000_000, millisSince(t1));
    assertThat(source.port()).isEqualTo(port);
    assertThat(source.serverUuid()).isEqualTo(uuid);
    assertThat(source.variable("offline_mode")).isEqualTo("0");
    assertThat(source.gtidExecuted()).isEqualTo(uuid + ":1-3");
    assertThat(source.queryString("SELECT COUNT(*) FROM shop.items")).isEqualTo("2");
    source.execute("UPDATE shop.items SET price = price * 2", "DELETE FROM shop.items WHERE id = 1");
    replica.waitForGtids(source.gtidExecuted(), WAIT);
    assertThat(replica.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));

    // a killed replica recovers and resumes where it was
    replica.kill();
    assertThat(replica.isRunning()).isFalse();
    source.execute("INSERT INTO shop.items VALUES (3, 'plum', 1.25)");
    long t2 = System.nanoTime();
    replica.start();
    System.out.printf("MysqlServerTest: start after kill %d ms%n", millisSince(t2));
    replica.waitForGtids(source.gtidExecuted(), WAIT);
    assertThat(replica.gtidExecuted()).isEqualTo(source.gtidExecuted()).isEqualTo(uuid + ":1-6");
    assertThat(replica.query("SELECT id, name, price FROM shop.items ORDER BY id"))
        .containsExactly(List.of("2", "pear", "1.50"), List.of("3", "plum", "1.25"));
    assertThat(replica.checksumTables("shop")).isEqualTo(source.checksumTables("shop"));

    // a GTID set that never comes times out with a useful message
    assertThatThrownBy(
            () -> replica.waitForGtids("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gtid_executed=" + uuid + ":1-6")
        .hasMessageContaining("Replica_IO_Running=Yes");

    replica.stopReplica();
    assertThat(replica.replicaStatus()).isEmpty();

    // close kills the server and removes everything
    Path replicaDir = replica.instanceDir();
    replica.close();
    assertThat(replica.isRunning()).isFalse();
    assertThat(Files.exists(replicaDir)).isFalse();
  }

  @Test
  void failedStartReportsTheErrorLog() {
    assertThatThrownBy(() -> start(3, "--no-such-option=1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mysqld exited")
        .hasMessageContaining("unknown variable 'no-such-option=1'");
  }

  private static Map<String, String> globalVariables(MysqlServer server) throws Exception {
    try (Connection c = server.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES")) {
      Map<String, String> vars = new HashMap<>();
      while (rs.next()) {
        vars.put(rs.getString(1), rs.getString(2));
      }
      return vars;
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
