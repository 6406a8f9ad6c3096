package io.sluice.facade;

import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The statements replicas and tools send before a dump, as the MySQL 8.0 replica ({@code sql/rpl_replica.cc}),
 * mysql-binlog-connector-java and mysqlbinlog send them.
 */
class QueryResponderTest {
    private static final String SERVER_UUID = "5f0c6c1e-3f43-11ef-9e2a-0242ac120002";
    private static final String SOURCE_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final FacadeConfig CONFIG = new FacadeConfig("127.0.0.1", 3307, 4242, SERVER_UUID,
            "8.0.31-sluice", "binlog", Map.of(), 10, 1 << 20, 1 << 30);

    private final AtomicInteger tailReads = new AtomicInteger();
    private final AtomicInteger checksumReads = new AtomicInteger();
    private TopicTail tail = TopicTail.empty(0);
    private QueryResponder responder;
    private Session session;

    @BeforeEach
    void setUp() {
        Supplier<TopicTail> tails = () -> {
            tailReads.incrementAndGet();
            return tail;
        };
        Supplier<String> checksum = () -> {
            checksumReads.incrementAndGet();
            return "CRC32";
        };
        responder = new QueryResponder(CONFIG, tails, checksum);
        session = new Session(7, "10.0.0.9");
        session.user = "repl";
    }

    // --- what a MySQL 8.0 replica sends, in order

    @Test
    void unixTimestamp() {
        long before = System.currentTimeMillis() / 1000;
        ResultSet rs = rs("SELECT UNIX_TIMESTAMP()");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.number("UNIX_TIMESTAMP()"));
        assertThat(Long.parseLong(single(rs))).isBetween(before, System.currentTimeMillis() / 1000);
    }

    @Test
    void serverId() {
        ResultSet rs = rs("SELECT @@GLOBAL.SERVER_ID");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.number("@@GLOBAL.SERVER_ID"));
        assertThat(single(rs)).isEqualTo("4242");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET @master_heartbeat_period= 30000001024, @source_heartbeat_period= 30000001024",
        "SET @master_heartbeat_period = 30000001024, @source_heartbeat_period = 30000001024",
        "SET @master_heartbeat_period=30000001024"})
    void heartbeatPeriod(String sql) {
        assertThat(responder.answer(session, sql)).isSameAs(QueryResponder.Answer.OK);
        assertThat(session.heartbeatPeriodNanos()).isEqualTo(30000001024L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET @master_binlog_checksum= @@global.binlog_checksum, @source_binlog_checksum= @@global.binlog_checksum",
        "SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum",
        "SET @master_binlog_checksum= @@global.binlog_checksum"})
    void checksumAgreement(String sql) {
        assertThat(responder.answer(session, sql)).isSameAs(QueryResponder.Answer.OK);
        assertThat(session.agreedChecksum()).isEqualTo("CRC32");
        assertThat(single(rs("SELECT @master_binlog_checksum"))).isEqualTo("CRC32");
    }

    @Test
    void selectSourceBinlogChecksumAfterSet() {
        responder.answer(session, "SET @master_binlog_checksum= @@global.binlog_checksum, "
                + "@source_binlog_checksum= @@global.binlog_checksum");
        ResultSet rs = rs("SELECT @source_binlog_checksum");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.text("@source_binlog_checksum"));
        assertThat(single(rs)).isEqualTo("CRC32");
    }

    @Test
    void userVariableNeverSetIsNull() {
        ResultSet rs = rs("SELECT @source_binlog_checksum");
        assertThat(rs.rows()).hasSize(1);
        assertThat(rs.rows().get(0)).containsExactly((String) null);
    }

    @Test
    void gtidModeIsExactlyOn() {
        ResultSet rs = rs("SELECT @@GLOBAL.GTID_MODE");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.text("@@GLOBAL.GTID_MODE"));
        assertThat(single(rs)).isEqualTo("ON");
    }

    @Test
    void serverUuid() {
        assertThat(single(rs("SELECT @@GLOBAL.SERVER_UUID"))).isEqualTo(SERVER_UUID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET @slave_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001', @replica_uuid= 'a2b9c1d0-0000-11ef-8000-00000000000"
            + "1'",
        "SET @slave_uuid = 'a2b9c1d0-0000-11ef-8000-000000000001', @replica_uuid = 'a2b9c1d0-0000-11ef-8000-0000000000"
            + "01'",
        "SET @slave_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001'",
        "SET @replica_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001'"})
    void replicaUuid(String sql) {
        assertThat(responder.answer(session, sql)).isSameAs(QueryResponder.Answer.OK);
        assertThat(session.replicaUuid()).isEqualTo("a2b9c1d0-0000-11ef-8000-000000000001");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT @@global.rpl_semi_sync_source_enabled",
        "SELECT @@global.rpl_semi_sync_master_enabled"})
    void semiSyncIsDeclinedWithUnknownSystemVariable(String sql) {
        MysqlException e = catchThrowableOfType(MysqlException.class, () -> responder.answer(session, sql));
        assertThat(e.code()).isEqualTo(1193);
        assertThat(e.sqlState()).isEqualTo("HY000");
        assertThat(e.getMessage()).contains("rpl_semi_sync_");
    }

    @Test
    void wholeReplicaConversationNeedsTheTopicOnlyForTheChecksum() {
        for (String sql : List.of(
                "SELECT UNIX_TIMESTAMP()",
                "SELECT @@GLOBAL.SERVER_ID",
                "SET @master_heartbeat_period= 30000001024, @source_heartbeat_period= 30000001024",
                "SELECT @@GLOBAL.GTID_MODE",
                "SELECT @@GLOBAL.SERVER_UUID",
                "SET @slave_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001', "
                        + "@replica_uuid= 'a2b9c1d0-0000-11ef-8000-000000000001'")) {
            responder.answer(session, sql);
        }
        assertThat(tailReads).as("reads of the topic's tail").hasValue(0);
        assertThat(checksumReads).as("reads of the checksum").hasValue(0);
        responder.answer(session, "SET @master_binlog_checksum= @@global.binlog_checksum, "
                + "@source_binlog_checksum= @@global.binlog_checksum");
        assertThat(checksumReads.get()).isPositive();
        assertThat(tailReads).hasValue(0);
    }

    // --- mysql-binlog-connector-java

    @Test
    void showGlobalVariablesLikeBinlogChecksum() {
        ResultSet rs = rs("show global variables like 'binlog_checksum'");
        assertThat(rs.columns()).extracting(ResultSet.Column::name).containsExactly("Variable_name", "Value");
        assertThat(rs.rows()).containsExactly(List.of("binlog_checksum", "CRC32"));
    }

    @Test
    void showVariablesLikeWithWildcards() {
        ResultSet rs = rs("SHOW VARIABLES LIKE 'gtid\\_m%'");
        assertThat(rs.rows()).containsExactly(List.of("gtid_mode", "ON"));
        assertThat(tailReads).as("the topic is read only for variables that come from it").hasValue(0);
        assertThat(checksumReads).hasValue(0);
    }

    @Test
    void showVariablesLikeGtidPurgedAndExecuted() {
        tail = new TopicTail(false, GtidSet.parse(SOURCE_UUID + ":1-17"), "binlog.000003", 4711, null, SOURCE_UUID,
                99);
        assertThat(rs("show global variables like 'gtid_purged'").rows())
                .containsExactly(List.of("gtid_purged", ""));
        assertThat(rs("show global variables like 'gtid_executed'").rows())
                .containsExactly(List.of("gtid_executed", SOURCE_UUID + ":1-17"));
    }

    @Test
    void selectServerIdLowerCase() {
        ResultSet rs = rs("select @@server_id");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.number("@@server_id"));
        assertThat(single(rs)).isEqualTo("4242");
    }

    @Test
    void setMasterChecksumAsConnectorJavaSpellsIt() {
        responder.answer(session, "set @master_binlog_checksum= @@global.binlog_checksum");
        assertThat(session.agreedChecksum()).isEqualTo("CRC32");
    }

    @ParameterizedTest
    @ValueSource(strings = {"show master status", "SHOW BINARY LOG STATUS"})
    void masterStatus(String sql) {
        tail = new TopicTail(false, GtidSet.parse(SOURCE_UUID + ":1-17"), "binlog.000003", 4711, null, SOURCE_UUID,
                99);
        ResultSet rs = rs(sql);
        assertThat(rs.columns()).extracting(ResultSet.Column::name)
                .containsExactly("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set");
        assertThat(rs.rows()).containsExactly(List.of("binlog.000003", "4711", "", "", SOURCE_UUID + ":1-17"));
    }

    @Test
    void masterStatusOfAnEmptyTopicHasNoRow() {
        assertThat(rs("SHOW MASTER STATUS").rows()).isEmpty();
    }

    // --- mysqlbinlog --read-from-remote-server

    @Test
    void version() {
        ResultSet rs = rs("SELECT VERSION()");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.text("VERSION()"));
        assertThat(single(rs)).isEqualTo("8.0.31-sluice").matches("[589].*");
    }

    @Test
    void mysqlbinlogDeclinesChecksums() {
        responder.answer(session, "SET @master_binlog_checksum='NONE', @source_binlog_checksum='NONE'");
        assertThat(session.agreedChecksum()).isEqualTo("NONE");
        assertThat(session.variable("master_binlog_checksum")).isEqualTo("NONE");
        assertThat(checksumReads).hasValue(0);
    }

    // --- Connector/J 9.4 on connect (then SET character_set_results = NULL, SET autocommit=1, SET sql_mode=…)

    @Test
    void connectorJServerVariables() {
        String sql = "/* mysql-connector-j-9.4.0 (Revision: d680767849154c8e136dfc3d8a0ae4d9fefd1fb7) */SELECT  "
                + "@@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS "
                + "character_set_client, @@character_set_connection AS character_set_connection, "
                + "@@character_set_results AS character_set_results, @@character_set_server AS character_set_server, "
                + "@@collation_server AS collation_server, @@collation_connection AS collation_connection, "
                + "@@init_connect AS init_connect, @@interactive_timeout AS interactive_timeout, @@license AS license, "
                + "@@lower_case_table_names AS lower_case_table_names, @@max_allowed_packet AS max_allowed_packet, "
                + "@@net_write_timeout AS net_write_timeout, @@performance_schema AS performance_schema, "
                + "@@sql_mode AS sql_mode, @@system_time_zone AS system_time_zone, @@time_zone AS time_zone, "
                + "@@transaction_isolation AS transaction_isolation, @@wait_timeout AS wait_timeout";
        ResultSet rs = rs(sql);
        assertThat(rs.columns()).extracting(ResultSet.Column::name).containsExactly("auto_increment_increment",
                "character_set_client", "character_set_connection", "character_set_results", "character_set_server",
                "collation_server", "collation_connection", "init_connect", "interactive_timeout", "license",
                "lower_case_table_names", "max_allowed_packet", "net_write_timeout", "performance_schema", "sql_mode",
                "system_time_zone", "time_zone", "transaction_isolation", "wait_timeout");
        assertThat(rs.rows()).hasSize(1);
        assertThat(rs.rows().get(0)).doesNotContainNull();
        for (String set : List.of("SET character_set_results = NULL", "SET autocommit=1",
                "SET sql_mode='STRICT_TRANS_TABLES'")) {
            assertThat(responder.answer(session, set)).as(set).isSameAs(QueryResponder.Answer.OK);
        }
        assertThat(tailReads).hasValue(0);
        assertThat(checksumReads).hasValue(0);
    }

    // --- syntax around the statements

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT @@GLOBAL.GTID_MODE;",
        "SELECT @@GLOBAL.GTID_MODE ;  ",
        "  SELECT @@GLOBAL.GTID_MODE;;",
        "/* mysql-connector-j-9.4.0 (Revision: x) */SELECT @@GLOBAL.GTID_MODE",
        "SELECT /* the mode */ @@GLOBAL.GTID_MODE",
        "select @@global.gtid_mode",
        "SELECT\n\t@@GLOBAL.GTID_MODE\n"})
    void commentsWhiteSpaceCaseAndTrailingSemicolons(String sql) {
        assertThat(single(rs(sql))).isEqualTo("ON");
    }

    @Test
    void aliases() {
        ResultSet rs = rs("SELECT @@server_id AS id");
        assertThat(rs.columns()).containsExactly(ResultSet.Column.number("id"));
        assertThat(single(rs)).isEqualTo("4242");

        assertThat(rs("SELECT @@server_uuid uuid").columns()).extracting(ResultSet.Column::name)
                .containsExactly("uuid");
        assertThat(rs("SELECT @@server_uuid AS `server uuid`").columns()).extracting(ResultSet.Column::name)
                .containsExactly("server uuid");
        assertThat(rs("SELECT UNIX_TIMESTAMP() AS now").columns()).extracting(ResultSet.Column::name)
                .containsExactly("now");
    }

    @Test
    void severalItems() {
        ResultSet rs = rs("SELECT @@server_id, @@GLOBAL.GTID_MODE AS mode, VERSION()");
        assertThat(rs.columns()).extracting(ResultSet.Column::name)
                .containsExactly("@@server_id", "mode", "VERSION()");
        assertThat(rs.rows()).containsExactly(List.of("4242", "ON", "8.0.31-sluice"));
    }

    @Test
    void setNamesAndSessionVariablesAreAccepted() {
        for (String sql : List.of("SET NAMES utf8mb4", "SET NAMES 'binary'", "SET character_set_results = NULL",
                "SET autocommit=1", "SET @@session.sql_mode = ''", "set names utf8mb4 collate utf8mb4_general_ci")) {
            assertThat(responder.answer(session, sql)).as(sql).isSameAs(QueryResponder.Answer.OK);
        }
    }

    @Test
    void unknownStatementIsRefusedWithItsText() {
        MysqlException e = catchThrowableOfType(MysqlException.class,
                () -> responder.answer(session, "SHOW DATABASES"));
        assertThat(e.getMessage()).contains("SHOW DATABASES");
        assertThat(MysqlError.of(e.code())).isNotNull();
    }

    @Test
    void selectFromATableIsRefusedWithItsText() {
        assertThatThrownBy(() -> responder.answer(session, "SELECT * FROM mysql.user"))
                .isInstanceOf(MysqlException.class)
                .hasMessageContaining("FROM mysql.user");
    }

    @Test
    void emptyStatementIsAParseError() {
        MysqlException e = catchThrowableOfType(MysqlException.class, () -> responder.answer(session, " ; "));
        assertThat(e.code()).isEqualTo(1064);
    }

    @Test
    void unknownFunctionIsRefusedWithItsName() {
        assertThatThrownBy(() -> responder.answer(session, "SELECT MD5('a')"))
                .isInstanceOf(MysqlException.class)
                .hasMessageContaining("MD5");
    }

    @Test
    void likePatternEscapes() {
        assertThat(QueryResponder.likePattern("gtid\\_mode").matcher("gtid_mode").matches()).isTrue();
        assertThat(QueryResponder.likePattern("gtid\\_mode").matcher("gtidXmode").matches()).isFalse();
        assertThat(QueryResponder.likePattern("gtid_mode").matcher("gtidXmode").matches()).isTrue();
        assertThat(QueryResponder.likePattern("BINLOG%").matcher("binlog_checksum").matches()).isTrue();
        assertThat(QueryResponder.likePattern("a.b").matcher("axb").matches()).isFalse();
    }

    @Test
    void splitTopLevelKeepsQuotesAndParenthesesTogether() {
        assertThat(QueryResponder.splitTopLevel("@a = 'x,y', @b = f(1, 2), @c = `p,q`"))
                .containsExactly("@a = 'x,y'", " @b = f(1, 2)", " @c = `p,q`");
    }

    private ResultSet rs(String sql) {
        QueryResponder.Answer a = responder.answer(session, sql);
        assertThat(a.resultSet()).as("result set of %s", sql).isNotNull();
        return a.resultSet();
    }

    private static String single(ResultSet rs) {
        assertThat(rs.rows()).hasSize(1);
        assertThat(rs.rows().get(0)).hasSize(1);
        return rs.rows().get(0).get(0);
    }
}
