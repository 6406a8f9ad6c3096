package io.sluice.facade;

import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.protocol.MysqlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which statements go to the metadata backend, and what a client hears when there is none. */
class PassthroughTest {
    private static final FacadeConfig CONFIG = new FacadeConfig("127.0.0.1", 3307, 4242,
            "5f0c6c1e-3f43-11ef-9e2a-0242ac120002", "8.0.31-sluice", "binlog", Map.of(), 10, 1 << 20, 1 << 30);
    private static final MetadataBackend BACKEND = new MetadataBackend("127.0.0.1", 3306, "meta", "s3cret");

    private static Session session() {
        Session s = new Session(7, "10.0.0.9");
        s.user = "repl";
        return s;
    }

    private static QueryResponder responder(FacadeConfig config) {
        return new QueryResponder(config, () -> TopicTail.empty(0), () -> "CRC32");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHOW DATABASES", "show full tables in shop where Table_type = 'BASE TABLE'",
            "SHOW CREATE TABLE `shop`.`items`", "SHOW TABLE STATUS FROM shop", "SHOW GRANTS FOR CURRENT_USER",
            "SHOW INDEX FROM shop.items", "SELECT * FROM shop.items", "select TABLE_NAME from information_schema.TABLES",
            "WITH t AS (SELECT 1 AS a FROM DUAL) SELECT a FROM t", "DESCRIBE shop.items", "EXPLAIN SELECT 1 FROM t",
            "TABLE shop.items", "SELECT COUNT(*)\nFROM\nshop.items"})
    void reads(String sql) {
        assertThat(Passthrough.classify(sql)).isEqualTo(Passthrough.Kind.READ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLUSH TABLES WITH READ LOCK", "flush tables shop.a, shop.b with read lock",
            "FLUSH TABLES", "LOCK TABLES shop.items READ", "UNLOCK TABLES", "LOCK INSTANCE FOR BACKUP",
            "UNLOCK INSTANCE", "START TRANSACTION WITH CONSISTENT SNAPSHOT", "START TRANSACTION READ ONLY",
            "BEGIN", "COMMIT", "ROLLBACK", "rollback work", "SAVEPOINT s1", "ROLLBACK TO SAVEPOINT s1"})
    void snapshots(String sql) {
        assertThat(Passthrough.classify(sql)).isEqualTo(Passthrough.Kind.SNAPSHOT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "update t set a = 1", "DELETE FROM t", "REPLACE INTO t VALUES (1)",
            "CREATE TABLE t (a INT)", "DROP DATABASE shop", "ALTER TABLE t ADD b INT", "TRUNCATE t", "GRANT ALL ON *.* TO x",
            "LOAD DATA INFILE '/etc/passwd' INTO TABLE t", "CALL p()", "LOCK TABLES t WRITE",
            "SELECT * FROM t INTO OUTFILE '/tmp/x'", "PURGE BINARY LOGS TO 'binlog.000002'", "RESET MASTER",
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='x'", "STOP REPLICA", "SHUTDOWN", "FLUSH PRIVILEGES"})
    void writes(String sql) {
        assertThat(Passthrough.classify(sql)).isEqualTo(Passthrough.Kind.WRITE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHOW REPLICA STATUS", "show slave status", "SHOW RELAYLOG EVENTS", "HELP 'x'", "XYZZY"})
    void theBackendsOwnStateAndNonsenseAreNotForwarded(String sql) {
        assertThat(Passthrough.classify(sql)).isEqualTo(Passthrough.Kind.OTHER);
    }

    @Test
    void withoutABackendTheErrorNamesTheStatementAndTheSetting() {
        MysqlException e = catchThrowableOfType(MysqlException.class,
                () -> responder(CONFIG).answer(session(), "SHOW CREATE TABLE shop.items"));
        assertThat(e.code()).isEqualTo(1235);
        assertThat(e.getMessage()).contains("'SHOW CREATE TABLE shop.items'").contains("facade.metadataBackend");
        MysqlException lock = catchThrowableOfType(MysqlException.class,
                () -> responder(CONFIG).answer(session(), "FLUSH TABLES WITH READ LOCK"));
        assertThat(lock.getMessage()).contains("facade.metadataBackend");
    }

    @Test
    void withoutABackendTransactionsAreHarmlessNoOps() {
        QueryResponder r = responder(CONFIG);
        Session s = session();
        for (String sql : new String[] {"START TRANSACTION WITH CONSISTENT SNAPSHOT", "BEGIN", "COMMIT", "ROLLBACK",
                "UNLOCK TABLES", "USE shop"}) {
            assertThat(r.answer(s, sql)).isEqualTo(QueryResponder.Answer.OK);
        }
        assertThat(s.database).isEqualTo("shop");
    }

    @Test
    void writesAreRefusedWhateverTheBackend() {
        for (FacadeConfig config : new FacadeConfig[] {CONFIG, CONFIG.withMetadataBackend(BACKEND)}) {
            MysqlException e = catchThrowableOfType(MysqlException.class,
                    () -> responder(config).answer(session(), "DELETE FROM shop.items"));
            assertThat(e.code()).isEqualTo(1290);
            assertThat(e.getMessage()).contains("does not run 'DELETE FROM shop.items'");
        }
    }

    @Test
    void withABackendReadsAreForwardedAndSessionSettingsKeptForIt() {
        QueryResponder r = responder(CONFIG.withMetadataBackend(BACKEND));
        Session s = session();
        assertThat(r.answer(s, "SELECT * FROM shop.items").forward()).isEqualTo("SELECT * FROM shop.items");
        assertThat(r.answer(s, "/* tool */ SHOW DATABASES;").forward()).isEqualTo("SHOW DATABASES");
        assertThat(r.answer(s, "START TRANSACTION WITH CONSISTENT SNAPSHOT").forward()).isNotNull();
        // nothing to end before the backend session exists
        assertThat(r.answer(s, "COMMIT")).isEqualTo(QueryResponder.Answer.OK);
        // answered by Sluice itself, whatever the backend
        assertThat(r.answer(s, "SELECT @@server_id").resultSet()).isNotNull();
        assertThat(r.answer(s, "SHOW MASTER STATUS").resultSet()).isNotNull();
        r.answer(s, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        r.answer(s, "SET @source_binlog_checksum = 'CRC32'");
        r.answer(s, "SET NAMES utf8mb4");
        assertThat(s.backendSetup).containsExactly("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "SET NAMES utf8mb4");
    }

    @Test
    void repeatedSettingsReplayInTheOrderTheyLastHappened() {
        QueryResponder r = responder(CONFIG.withMetadataBackend(BACKEND));
        Session s = session();
        r.answer(s, "SET autocommit=1");
        r.answer(s, "SET autocommit=0");
        r.answer(s, "SET autocommit=1");
        assertThat(s.backendSetup).containsExactly("SET autocommit=0", "SET autocommit=1");
    }

    @Test
    void currentTimestampAsDebeziumAsksForIt() {
        QueryResponder r = responder(CONFIG);
        for (String sql : new String[] {"SELECT CURRENT_TIMESTAMP", "SELECT NOW()", "SELECT current_timestamp()"}) {
            String value = r.answer(session(), sql).resultSet().rows().get(0).get(0);
            assertThat(value).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
            java.time.LocalDateTime t = java.time.LocalDateTime.parse(value.replace(' ', 'T'));
            assertThat(java.time.Duration.between(t, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)).abs())
                    .isLessThan(java.time.Duration.ofMinutes(1));
        }
    }

    @Test
    void theBackendPasswordIsNeverShown() {
        assertThat(BACKEND.toString()).doesNotContain("s3cret");
        assertThat(CONFIG.withMetadataBackend(BACKEND).toString()).doesNotContain("s3cret");
    }
}
