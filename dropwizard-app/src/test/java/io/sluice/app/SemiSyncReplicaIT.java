package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB 10.11 replica with semi-synchronous replication enabled ({@code rpl_semi_sync_slave_enabled=ON}, built
 * into MariaDB) replicates a MySQL 8.0.31 source through Sluice by file and position ({@code CHANGE MASTER TO …
 * MASTER_LOG_FILE, MASTER_LOG_POS, MASTER_USE_GTID=no}), asynchronously: it asks the facade {@code SHOW VARIABLES
 * LIKE 'rpl_semi_sync_master_enabled'}, gets no row, as from a MySQL source without the semisync plugin, logs
 * "Master server does not support semi-sync, fallback to asynchronous replication" and goes on with its semi-sync
 * status OFF; its tables end equal to the source's, its {@code Master_Log_File}/{@code Exec_Master_Log_Pos} are the
 * source's own, across a binlog rotation.
 *
 * <p>What the workload must avoid for any MariaDB replica of MySQL 8, Sluice or not (tried against the source
 * directly): MySQL 8's default collation {@code utf8mb4_0900_ai_ci} (id 255), which every query event carries as
 * its server collation unless the session changes it ({@code Character set '#255' is not a compiled character
 * set}, error 22 on the replica's SQL thread); and an account with {@code caching_sha2_password} on the MySQL
 * source itself (MariaDB's replication client has no such plugin, error 2059). Through Sluice the replica answers
 * the greeting (which names caching_sha2_password) with mysql_native_password and no scramble, and the facade
 * switches it to mysql_native_password.
 */
class SemiSyncReplicaIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** A session whose query events MariaDB can apply: no collation 255 anywhere in them. */
    private static final String[] MARIADB_SAFE_SESSION = {
            "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci",
            "SET SESSION collation_server = utf8mb4_general_ci"};
    private static final String SELECT_ROWS = "SELECT id, name, price, note, added FROM shop.item ORDER BY id";

    private static MariadbServer replica;
    private static SluicePipeline sluice;

    @BeforeAll
    static void start() throws Exception {
        replica = MariadbServer.start(31, "--rpl-semi-sync-slave-enabled=ON"); // first: a missing mariadbd fails now
        sluice = SluicePipeline.start("sluice.binlog.semi-sync-replica-it", 21);
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(replica, sluice);
    }

    @Test
    void aSemiSyncMariadbReplicaGoesOnAsynchronouslyByFileAndPosition() {
        List<String> replicaSettings = replica.query("SELECT @@version, @@global.rpl_semi_sync_slave_enabled").get(0);
        assertThat(replicaSettings.get(0)).contains("MariaDB");
        assertThat(replicaSettings.get(1)).as("rpl_semi_sync_slave_enabled").isEqualTo("1");
        String firstFile = sluice.source.query("SHOW BINARY LOGS").get(0).get(0);
        source("CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(8,2), note TEXT,"
                        + " added DATETIME(3)) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        insert(0, 20);
        // the facade knows a file once the syncer has put it in the topic: a dump from a file it does not know
        // yet ends with error 1236 (Could not find first log file name in binary log index file)
        sluice.awaitSyncerCaughtUp();

        replica.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + sluice.facadePort
                + ", MASTER_USER='" + SluicePipeline.USER + "', MASTER_PASSWORD='" + SluicePipeline.PASSWORD
                + "', MASTER_LOG_FILE='" + firstFile + "', MASTER_LOG_POS=4, MASTER_USE_GTID=no,"
                + " MASTER_CONNECT_RETRY=1", "START SLAVE");
        insert(20, 20);
        sluice.source.execute("FLUSH BINARY LOGS"); // the replica follows the source's rotation
        insert(40, 20);
        source("UPDATE shop.item SET name = CONCAT(name, ' ü'), price = price * 2 WHERE id % 3 = 0",
                "DELETE FROM shop.item WHERE id % 7 = 0");
        List<String> end = sluice.source.query("SHOW MASTER STATUS").get(0);
        assertThat(end.get(0)).isNotEqualTo(firstFile);

        Map<String, String> status = awaitExecuted(end.get(0), end.get(1));
        assertThat(status).containsEntry("Slave_IO_Running", "Yes").containsEntry("Slave_SQL_Running", "Yes")
                .containsEntry("Last_IO_Error", "").containsEntry("Last_SQL_Error", "")
                .containsEntry("Master_Log_File", end.get(0)).containsEntry("Read_Master_Log_Pos", end.get(1))
                .containsEntry("Relay_Master_Log_File", end.get(0)).containsEntry("Exec_Master_Log_Pos", end.get(1))
                .containsEntry("Using_Gtid", "No")
                .containsEntry("Master_Server_Id", Long.toString(sluice.facadeConfig.serverId()));
        List<List<String>> rows = sluice.source.query(SELECT_ROWS);
        assertThat(rows).hasSize(60 - 9);
        assertThat(replica.query(SELECT_ROWS)).isEqualTo(rows);

        // semi-sync was asked for, declined, and replication went on asynchronously
        assertThat(replica.status("Rpl_semi_sync_slave_status")).isEqualTo("OFF");
        assertThat(replica.status("Rpl_semi_sync_slave_send_ack")).isEqualTo("0");
        String log = replica.errorLogText();
        assertThat(log).contains("Slave I/O thread: Start semi-sync replication to master '" + SluicePipeline.USER
                + "@127.0.0.1:" + sluice.facadePort + "' in log '" + firstFile + "' at position 4");
        assertThat(log).contains("Master server does not support semi-sync, fallback to asynchronous replication");
        assertThat(log).doesNotContain("[ERROR]");
    }

    @Test
    void theFacadeHasNoSemiSyncVariableHoweverItIsAskedFor() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + sluice.facadePort
                + "/?user=" + SluicePipeline.USER + "&password=" + SluicePipeline.PASSWORD
                + "&useSSL=false&allowPublicKeyRetrieval=true");
             Statement st = c.createStatement()) {
            // MariaDB's replica asks this way: no row means no semi-sync
            for (String name : List.of("rpl_semi_sync_master_enabled", "rpl_semi_sync_source_enabled")) {
                try (ResultSet rs = st.executeQuery("SHOW VARIABLES LIKE '" + name + "'")) {
                    assertThat(rs.next()).as(name).isFalse();
                }
                // MySQL's replica asks this way: 1193, as from a MySQL source without the plugin
                SQLException e = catchThrowableOfType(SQLException.class,
                        () -> st.executeQuery("SELECT @@global." + name));
                assertThat((Throwable) e).as(name).isNotNull();
                assertThat(e.getErrorCode()).as(name).isEqualTo(1193);
                assertThat(e.getMessage()).as(name).isEqualTo("Unknown system variable '" + name + "'");
            }
        }
    }

    /** Runs the statements on the source in one session that writes no collation MariaDB does not know. */
    private static void source(String... sql) {
        List<String> all = new ArrayList<>(List.of(MARIADB_SAFE_SESSION));
        all.addAll(List.of(sql));
        sluice.source.execute(all.toArray(String[]::new));
    }

    private static void insert(int first, int n) {
        List<String> sql = new ArrayList<>();
        for (int id = first; id < first + n; id++) {
            sql.add("INSERT INTO shop.item VALUES (" + id + ", 'item " + id + "', " + id + ".25, REPEAT('é', "
                    + id % 200 + "), NOW(3))");
        }
        source(sql.toArray(String[]::new));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The replica's {@code SHOW SLAVE STATUS} once it has executed up to {@code file}/{@code position}; fails at
     * once on an SQL thread error, and with the last status after {@link #TIMEOUT}.
     */
    private static Map<String, String> awaitExecuted(String file, String position) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, String> status = replica.slaveStatus();
        while (System.nanoTime() < deadline) {
            status = replica.slaveStatus();
            if (!"0".equals(status.get("Last_SQL_Errno"))) {
                throw new AssertionError("the replica's SQL thread stopped: " + status.get("Last_SQL_Error")
                        + "\n" + status);
            }
            if (file.equals(status.get("Relay_Master_Log_File")) && position.equals(status.get("Exec_Master_Log_Pos"))) {
                return status;
            }
            sleep(200);
        }
        throw new AssertionError("the replica did not reach " + file + ":" + position + " within " + TIMEOUT
                + "; SHOW SLAVE STATUS: " + status + "\nits error log:\n" + replica.errorLogText());
    }
}
