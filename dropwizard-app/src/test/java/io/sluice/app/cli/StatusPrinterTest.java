package io.sluice.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The human-readable status from answers a node could give that a test node does not (a running syncer, connected
 * replicas, fields added later, fields missing); {@code StatusCommandIT} covers a real node's answers.
 */
class StatusPrinterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String print(String cluster, String syncer, String replicas) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new StatusPrinter(out).print(URI.create("http://sluice-1:8080"), tree(cluster), tree(syncer), tree(replicas));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void aBusyNode() throws Exception {
        String out = print("""
                {'self': 'node-b', 'leader': 'node-a', 'members': [
                  {'nodeId': 'node-a', 'state': 'ONLINE', 'role': 'PRIMARY', 'facadeHost': 'h-a', 'facadePort': 3307,
                   'lag': 0, 'replicas': 1, 'ageMs': 420, 'syncer': {'state': 'RUNNING'}},
                  {'nodeId': 'node-b', 'state': 'RECOVERING', 'role': 'SECONDARY', 'facadeHost': 'h-b',
                   'facadePort': 3307, 'lag': 1200, 'replicas': 2, 'ageMs': 0, 'addedLater': true}],
                 'topic': {'name': 'sluice.binlog', 'partitionLeader': 2, 'replicas': [1, 2, 3],
                   'inSyncReplicas': [2, 3], 'minInsyncReplicas': 2, 'writable': true, 'logStartOffset': 10,
                   'logEndOffset': 5000, 'error': null}}
                """, """
                {'state': 'RUNNING', 'source': {'host': 'db-1', 'port': 3306, 'user': 'repl'},
                 'currentSource': {'host': 'db-2', 'port': 3306, 'user': 'repl'},
                 'executedGtidSet': '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77', 'file': 'binlog.000004',
                 'position': 1234, 'lagSeconds': 3, 'lagBytes': 40960, 'lagTransactions': 12,
                 'throughput': {'eventsPerSecond': 120.25, 'transactionsPerSecond': 30, 'bytesPerSecond': 65536,
                   'rowsPerSecond': 7},
                 'progress': {'behindTransactions': 12, 'behindBytes': 40960, 'etaSeconds': 1},
                 'lastError': {'message': 'connection reset', 'code': 2013, 'at': '2025-01-02T03:04:05Z'}}
                """, """
                [{'connectionId': 7, 'serverId': 42, 'host': '10.0.0.9:51234', 'user': 'repl', 'file': 'binlog.000004',
                  'position': 1100, 'bytesSent': 99000, 'connectedAt': '2025-01-02T03:00:00Z', 'dumping': true,
                  'lagSeconds': 1, 'gtidSet': '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-75'},
                 {'connectionId': 8, 'serverId': 43, 'host': '10.0.0.10:40000', 'user': 'cdc', 'file': null,
                  'position': 0, 'bytesSent': 0, 'connectedAt': '2025-01-02T03:01:00Z', 'dumping': false}]
                """);
        assertThat(out).containsPattern("(?m)^  this node +node-b$").containsPattern("(?m)^  leader +node-a$")
                .containsPattern("(?m)^  members +2$")
                .containsPattern("(?m)^ +node-a +ONLINE +PRIMARY +h-a:3307 +0 +1 +420 ms ago$")
                .containsPattern("(?m)^ +node-b +RECOVERING +SECONDARY +h-b:3307 +1200 +2 +0 ms ago$")
                .containsPattern("(?m)^  state +RUNNING$")
                .containsPattern("(?m)^  source +repl@db-1:3306$")
                .containsPattern("(?m)^  reading from +repl@db-2:3306$")
                .containsPattern("(?m)^  executed GTIDs +3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77$")
                .containsPattern("(?m)^  position +binlog\\.000004:1234$")
                .containsPattern("(?m)^  lag +3 s, 40960 bytes, 12 transactions$")
                .containsPattern("(?m)^  throughput +120\\.3 events/s, 30\\.0 transactions/s, 65536\\.0 bytes/s, "
                        + "rowsPerSecond 7\\.0$")
                .containsPattern("(?m)^  progress +12 transactions behind, 40960 bytes, caught up in about 1 s$")
                .containsPattern("(?m)^  last error +connection reset \\(code 2013\\) at 2025-01-02T03:04:05Z$")
                .containsPattern("(?m)^ +CONNECTION +SERVER ID +HOST +USER +POSITION +BYTES SENT +CONNECTED AT "
                        + "+DUMPING +LAG +GTID SET$")
                .containsPattern("(?m)^ +7 +42 +10\\.0\\.0\\.9:51234 +repl +binlog\\.000004:1100 +99000 "
                        + "+2025-01-02T03:00:00Z +true +1 s +3e11fa47-71ca-11e1-9e33-c80aa9429562:1-75$")
                .containsPattern("(?m)^ +8 +43 +10\\.0\\.0\\.10:40000 +cdc +- +0 +2025-01-02T03:01:00Z +false +- +-$")
                .containsPattern("(?m)^  partition leader +broker 2$")
                .containsPattern("(?m)^  replicas +1, 2, 3$")
                .containsPattern("(?m)^  in sync +2, 3 \\(min\\.insync\\.replicas 2\\)$")
                .containsPattern("(?m)^  writable +yes$")
                .containsPattern("(?m)^  offsets +10 to 5000$")
                .doesNotContain("addedLater").doesNotContain("  error");
    }

    @Test
    void replicasWithoutTheLaterFieldsHaveNoColumnsForThem() throws Exception {
        String out = print("{}", "{'state': 'RUNNING'}", """
                [{'connectionId': 8, 'serverId': 43, 'host': 'h', 'user': 'u', 'file': 'binlog.000001',
                  'position': 4, 'bytesSent': 0, 'connectedAt': 't', 'dumping': true}]
                """);
        assertThat(out).containsPattern("(?m)^ +CONNECTION +SERVER ID +HOST +USER +POSITION +BYTES SENT +CONNECTED AT "
                + "+DUMPING$").doesNotContain("GTID SET");
    }

    @Test
    void missingFieldsNeverBreakIt() throws Exception {
        String out = print("{'topic': {'partitionLeader': -1, 'writable': false, 'error': 'cannot read the topic'}}",
                "{}", "[]");
        assertThat(out).containsPattern("(?m)^  this node +-$")
                .containsPattern("(?m)^  leader +none \\(no node runs the syncer\\)$")
                .containsPattern("(?m)^  members +0$")
                .containsPattern("(?m)^  state +-$")
                .containsPattern("(?m)^  lag +unknown$")
                .containsPattern("(?m)^Replicas\n  none connected$")
                .containsPattern("(?m)^  partition leader +none$")
                .containsPattern("(?m)^  writable +no: ")
                .containsPattern("(?m)^  error +cannot read the topic$");
        assertThat(print("{}", "{}", "[]")).containsPattern("(?m)^Topic\n  name +unknown \\(the node did not say\\)$");
    }
}
