package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogFileIndex.BinlogFile;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The administrative statements, with the columns MySQL 8.0 gives them. */
class AdministrativeSqlTest {
    private static final String SERVER_UUID = "5f0c6c1e-3f43-11ef-9e2a-0242ac120002";
    private static final String SOURCE_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final String REPLICA_UUID = "8a94f357-aab4-11df-86ab-c80aa9429562";
    private static final FacadeConfig CONFIG = new FacadeConfig("127.0.0.1", 3307, 4242, SERVER_UUID,
            "8.0.31-sluice", "binlog", Map.of(), 10, 1 << 20, 1 << 30);

    private final List<BinlogFile> files = new ArrayList<>();
    private final ReplicaRegistry registry = new ReplicaRegistry();
    private GtidSet purged = GtidSet.EMPTY;
    private QueryResponder responder;
    private Session session;

    @BeforeEach
    void setUp() {
        TopicTail tail = new TopicTail(false, GtidSet.parse(SOURCE_UUID + ":1-100"), "binlog.000003", 4711, null,
                SOURCE_UUID, 900);
        responder = new QueryResponder(CONFIG, () -> tail, () -> "CRC32", List::of, () -> purged,
                new AdminStatements(CONFIG, () -> files, registry));
        session = new Session(7, "10.0.0.9");
        session.admin = true;
        session.user = "repl";
        registry.add(7, "10.0.0.9").user = "repl";
    }

    // --- SHOW BINARY LOGS, SHOW MASTER STATUS

    @ParameterizedTest
    @ValueSource(strings = {"SHOW BINARY LOGS", "show master logs", "SHOW  BINARY\nLOGS;"})
    void binaryLogs(String sql) {
        files.add(new BinlogFile("binlog.000002", 1_073_741_987L));
        files.add(new BinlogFile("binlog.000003", 4711));
        ResultSet rs = rs(sql);
        assertThat(names(rs)).containsExactly("Log_name", "File_size", "Encrypted");
        assertThat(rs.columns().get(1).type()).isEqualTo(ResultSet.TYPE_LONGLONG);
        assertThat(rs.rows()).containsExactly(List.of("binlog.000002", "1073741987", "No"),
                List.of("binlog.000003", "4711", "No"));
    }

    @Test
    void binaryLogsOfAnEmptyTopic() {
        assertThat(rs("SHOW BINARY LOGS").rows()).isEmpty();
    }

    @Test
    void masterStatusColumns() {
        ResultSet rs = rs("SHOW BINARY LOG STATUS");
        assertThat(names(rs)).containsExactly("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB",
                "Executed_Gtid_Set");
        assertThat(rs.rows()).containsExactly(List.of("binlog.000003", "4711", "", "", SOURCE_UUID + ":1-100"));
    }

    // --- SHOW REPLICAS / SHOW SLAVE HOSTS

    @Test
    void replicasWithTheirReportedHostPortAndUuid() {
        ReplicaRegistry.Entry replica = registry.add(9, "10.0.0.12");
        replica.serverId = 17;
        replica.reportHost = "replica-1";
        replica.reportPort = 3306;
        replica.uuid = REPLICA_UUID;
        registry.add(10, "10.0.0.13").serverId = 18; // dumps without registering: not shown, as in MySQL
        ResultSet rs = rs("SHOW REPLICAS");
        assertThat(names(rs)).containsExactly("Server_Id", "Host", "Port", "Source_Id", "Replica_UUID");
        assertThat(rs.rows()).containsExactly(List.of("17", "replica-1", "3306", "4242", REPLICA_UUID));
        ResultSet old = rs("SHOW SLAVE HOSTS");
        assertThat(names(old)).containsExactly("Server_id", "Host", "Port", "Master_id", "Slave_UUID");
        assertThat(old.rows()).isEqualTo(rs.rows());
    }

    // --- SHOW PROCESSLIST and KILL

    @Test
    void processListShowsEveryConnection() {
        registry.add(9, "10.0.0.12").user = "other";
        registry.add(11, "10.0.0.14");
        ResultSet rs = rs("SHOW PROCESSLIST");
        assertThat(names(rs)).containsExactly("Id", "User", "Host", "db", "Command", "Time", "State", "Info");
        assertThat(rs.rows()).containsExactly(
                Arrays.asList("7", "repl", "10.0.0.9", null, "Query", "0", "init", "SHOW PROCESSLIST"),
                Arrays.asList("9", "other", "10.0.0.12", null, "Sleep", "0", "", null),
                Arrays.asList("11", "unauthenticated user", "10.0.0.14", null, "Connect", "0", "login", null));
    }

    @Test
    void killOfAnUnknownThread() {
        MysqlException e = catchThrowableOfType(MysqlException.class, () -> responder.answer(session, "KILL 99"));
        assertThat(e.code()).isEqualTo(1094);
        assertThat(e.getMessage()).isEqualTo("Unknown thread id: 99");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KILL 9", "kill connection 9", "KILL QUERY 9"})
    void killRemovesTheConnection(String sql) {
        registry.add(9, "10.0.0.12");
        assertThat(responder.answer(session, sql)).isSameAs(QueryResponder.Answer.OK);
        assertThat(registry.connections()).extracting(c -> c.connectionId).containsExactly(7L);
    }

    @Test
    void aReplicationAccountSeesAndKillsItsOwnConnectionsOnly() {
        session.admin = false;
        registry.add(9, "10.0.0.12").user = "other";
        registry.add(10, "10.0.0.13").user = "repl";
        assertThat(rs("SHOW PROCESSLIST").rows()).extracting(r -> r.get(0)).containsExactly("7", "10");
        MysqlException denied = catchThrowableOfType(MysqlException.class, () -> responder.answer(session, "KILL 9"));
        assertThat(denied.code()).isEqualTo(1095);
        assertThat(denied.getMessage()).isEqualTo("You are not owner of thread 9");
        assertThat(catchThrowableOfType(MysqlException.class, () -> responder.answer(session, "KILL 99")).code())
                .isEqualTo(1094);
        assertThat(responder.answer(session, "KILL 10")).isSameAs(QueryResponder.Answer.OK);
        assertThat(registry.connections()).extracting(c -> c.connectionId).containsExactly(7L, 9L);
    }

    // --- variables and functions

    @Test
    void gtidPurgedIsWhatTheTopicNoLongerHolds() {
        purged = GtidSet.parse(SOURCE_UUID + ":1-40");
        assertThat(rs("SELECT @@global.gtid_purged").rows()).containsExactly(List.of(SOURCE_UUID + ":1-40"));
        assertThat(rs("SHOW GLOBAL VARIABLES LIKE 'gtid_purged'").rows())
                .containsExactly(List.of("gtid_purged", SOURCE_UUID + ":1-40"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SHOW VARIABLES WHERE Variable_name = 'server_id'",
        "show session variables where variable_name in ('server_id')",
        "SHOW GLOBAL VARIABLES LIKE \"server\\_id\"",
        "SHOW VARIABLES WHERE `Variable_name` IN ('server_id', 'no_such_variable')"})
    void showVariablesWhere(String sql) {
        assertThat(rs(sql).rows()).containsExactly(List.of("server_id", "4242"));
    }

    @Test
    void showVariablesWhereInSeveral() {
        assertThat(rs("SHOW VARIABLES WHERE Variable_name IN ('gtid_mode', 'binlog_format')").rows())
                .containsExactly(List.of("binlog_format", "ROW"), List.of("gtid_mode", "ON"));
    }

    @Test
    void versionCommentWithLimitAsTheMysqlCliSendsIt() {
        ResultSet rs = rs("select @@version_comment limit 1");
        assertThat(names(rs)).containsExactly("@@version_comment");
        assertThat(rs.rows()).containsExactly(List.of("Sluice binlog server"));
    }

    @Test
    void functionsAndVariablesWithAliases() {
        session.setVariable("x", "hello");
        ResultSet rs = rs("SELECT VERSION() AS v, DATABASE(), USER() u, CURRENT_USER(), @x AS `greeting`, "
                + "@@session.autocommit");
        assertThat(names(rs)).containsExactly("v", "DATABASE()", "u", "CURRENT_USER()", "greeting",
                "@@session.autocommit");
        assertThat(rs.rows()).containsExactly(
                Arrays.asList("8.0.31-sluice", null, "repl@10.0.0.9", "repl@%", "hello", "1"));
    }

    @Test
    void gtidSubtract() {
        ResultSet rs = rs("SELECT GTID_SUBTRACT('" + SOURCE_UUID + ":1-10," + REPLICA_UUID + ":1-3', '"
                + SOURCE_UUID + ":3-5') AS missing");
        assertThat(names(rs)).containsExactly("missing");
        // MySQL separates UUIDs with ",\n" (Gtid_set::default_string_format)
        assertThat(rs.rows()).containsExactly(List.of(SOURCE_UUID + ":1-2:6-10,\n" + REPLICA_UUID + ":1-3"));
    }

    @Test
    void gtidSubtractOfUserVariables() {
        responder.answer(session, "SET @a = '" + SOURCE_UUID + ":1-10', @b = '" + SOURCE_UUID + ":1-10'");
        assertThat(rs("SELECT GTID_SUBTRACT(@a, @b)").rows()).containsExactly(List.of(""));
        assertThat(rs("SELECT GTID_SUBTRACT(@a, @unset)").rows()).containsExactly(Arrays.asList((String) null));
    }

    @Test
    void gtidSubset() {
        ResultSet rs = rs("SELECT GTID_SUBSET('" + SOURCE_UUID + ":3-5', '" + SOURCE_UUID + ":1-10'), "
                + "GTID_SUBSET('" + SOURCE_UUID + ":3-11', '" + SOURCE_UUID + ":1-10') AS no");
        assertThat(rs.columns().get(0).type()).isEqualTo(ResultSet.TYPE_LONGLONG);
        assertThat(rs.rows()).containsExactly(List.of("1", "0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-x", "3e11fa47:1"})
    void malformedGtidSet(String set) {
        MysqlException e = catchThrowableOfType(MysqlException.class,
                () -> responder.answer(session, "SELECT GTID_SUBTRACT('" + set + "', '')"));
        assertThat(e.code()).isEqualTo(1772);
        assertThat(e.sqlState()).isEqualTo("HY000");
        assertThat(e.getMessage()).isEqualTo("Malformed GTID set specification '" + set + "'.");
    }

    @Test
    void gtidSubtractWithOneArgument() {
        MysqlException e = catchThrowableOfType(MysqlException.class,
                () -> responder.answer(session, "SELECT GTID_SUBTRACT('')"));
        assertThat(e.code()).isEqualTo(1064);
    }

    @Test
    void bareWordInASelectIsAnUnknownColumn() {
        MysqlException e = catchThrowableOfType(MysqlException.class,
                () -> responder.answer(session, "SELECT nothing"));
        assertThat(e.code()).isEqualTo(1054);
        assertThat(e.getMessage()).isEqualTo("Unknown column 'nothing' in 'field list'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
        "set transaction read only", "SET GLOBAL TRANSACTION ISOLATION LEVEL REPEATABLE READ"})
    void setTransactionIsAccepted(String sql) {
        assertThat(responder.answer(session, sql)).isSameAs(QueryResponder.Answer.OK);
    }

    // --- comments

    @Test
    void commentsAreStripped() {
        assertThat(SqlText.strip("SELECT 1 -- one\n")).isEqualTo("SELECT 1");
        assertThat(SqlText.strip("# leading\nSELECT 1")).isEqualTo("SELECT 1");
        assertThat(SqlText.strip("SELECT /* a */ 1;")).isEqualTo("SELECT   1");
        assertThat(SqlText.strip("SELECT 1--1")).isEqualTo("SELECT 1--1");
        assertThat(SqlText.strip("SELECT '-- not # a /* comment */'")).isEqualTo("SELECT '-- not # a /* comment */'");
        assertThat(SqlText.strip("SELECT 'it''s' # x")).isEqualTo("SELECT 'it''s'");
        assertThat(SqlText.strip("/* unterminated")).isEmpty();
    }

    @Test
    void executableCommentsAreKept() {
        assertThat(SqlText.strip("/*!40101 SET NAMES utf8mb4 */")).isEqualTo("SET NAMES utf8mb4");
        assertThat(SqlText.strip("SELECT /*!80000 @@server_id, */ 1")).isEqualTo("SELECT  @@server_id,  1");
        assertThat(SqlText.strip("SELECT 1 /*!90100 , 2 */")).isEqualTo("SELECT 1");
        assertThat(SqlText.strip("SELECT /*! 3 */")).isEqualTo("SELECT  3");
        assertThat(SqlText.strip("SELECT /*+ MAX_EXECUTION_TIME(1) */ 1")).isEqualTo("SELECT   1");
        assertThat(rs("/*!80000 SELECT */ @@server_id").rows()).containsExactly(List.of("4242"));
    }

    private ResultSet rs(String sql) {
        QueryResponder.Answer a = responder.answer(session, sql);
        assertThat(a.resultSet()).as("result set of %s", sql).isNotNull();
        return a.resultSet();
    }

    private static List<String> names(ResultSet rs) {
        return rs.columns().stream().map(ResultSet.Column::name).toList();
    }
}
