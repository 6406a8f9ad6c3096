package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogFileIndex.BinlogFile;
import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever the text, the responder answers or throws {@link MysqlException}, never anything else. */
class QueryResponderPropertiesTest {
    private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final FacadeConfig CONFIG = new FacadeConfig("127.0.0.1", 3307, 4242,
            "5f0c6c1e-3f43-11ef-9e2a-0242ac120002", "8.0.31-sluice", "binlog", Map.of(), 10, 1 << 20, 1 << 30);
    private static final List<String> TOKENS = List.of("SELECT", "SET", "SHOW", "KILL", "QUERY", "CONNECTION",
            "VARIABLES", "GLOBAL", "SESSION", "LIKE", "WHERE", "Variable_name", "IN", "=", ",", "(", ")", "'", "\"",
            "`", "@", "@@", "@@global.", "gtid_purged", "gtid_executed", "server_id", "GTID_SUBTRACT", "GTID_SUBSET",
            "VERSION()", "USER()", "UNIX_TIMESTAMP()", "LIMIT", "1", "-1", "99999999999999999999", "AS", "x",
            "'" + UUID + ":1-5'", "'" + UUID + ":'", "':1'", "/*", "*/", "/*!", "/*!80000", "--", "-- ", "#", "\n",
            ";", "BINARY", "LOGS", "MASTER", "STATUS", "REPLICAS", "PROCESSLIST", "TRANSACTION", "NULL", "\\", "%",
            "_", " ", "@x", "@@server_id", "@@version_comment", "GTID_SUBTRACT('a','b')", "\u0000", "é", "\uD83D\uDE00");

    private final QueryResponder responder = new QueryResponder(CONFIG,
            () -> new TopicTail(false, GtidSet.parse(UUID + ":1-10"), "binlog.000001", 4, null, UUID, 10),
            () -> "CRC32", List::of, () -> GtidSet.parse(UUID + ":1-3"),
            new AdminStatements(CONFIG, () -> List.of(new BinlogFile("binlog.000001", 4)), new ReplicaRegistry()));

    @Property(tries = 3000)
    void randomTextNeverThrowsAnythingButMysqlException(@ForAll("sql") String sql) {
        Session session = new Session(1, "127.0.0.1");
        session.user = "repl";
        try {
            QueryResponder.Answer a = responder.answer(session, sql);
            if (a.resultSet() != null) {
                assertThat(a.resultSet().encode(false, 2)).isNotEmpty();
                for (List<String> row : a.resultSet().rows()) {
                    assertThat(row).hasSameSizeAs(a.resultSet().columns());
                }
            }
        } catch (MysqlException expected) {
            assertThat(expected.getMessage()).isNotNull();
        }
    }

    @Provide
    Arbitrary<String> sql() {
        Arbitrary<String> tokens = Arbitraries.of(TOKENS).list().ofMaxSize(20)
                .map(l -> String.join(" ", l));
        Arbitrary<String> prefixed = Arbitraries.of("SELECT ", "SHOW ", "SET ", "KILL ", "SHOW VARIABLES WHERE ",
                "SELECT GTID_SUBTRACT(").flatMap(p -> tokens.map(t -> p + t));
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200), tokens, prefixed);
    }
}
