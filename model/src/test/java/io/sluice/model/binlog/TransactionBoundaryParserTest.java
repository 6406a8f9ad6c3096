package io.sluice.model.binlog;

import static io.sluice.model.binlog.TransactionBoundaryParser.Boundary.CONTROL;
import static io.sluice.model.binlog.TransactionBoundaryParser.Boundary.END;
import static io.sluice.model.binlog.TransactionBoundaryParser.Boundary.MIDDLE;
import static io.sluice.model.binlog.TransactionBoundaryParser.Boundary.SINGLE;
import static io.sluice.model.binlog.TransactionBoundaryParser.Boundary.START;
import static io.sluice.model.binlog.V4Events.event;
import static io.sluice.model.binlog.V4Events.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.binlog.TransactionBoundaryParser.Boundary;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionBoundaryParserTest {

    private static final UUID SID = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

    private static byte[] gtid() {
        return V4Events.gtid(SID, 23, true);
    }

    private static byte[] ev(int type) {
        return event(type, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, true);
    }

    private static byte[] q(String statement) {
        return query(statement, true);
    }

    /** Feeds whole events with CRC32 to a fresh parser. */
    private static List<Boundary> classify(byte[]... events) {
        return classify(new TransactionBoundaryParser(), events);
    }

    private static List<Boundary> classify(TransactionBoundaryParser parser, byte[]... events) {
        List<Boundary> out = new ArrayList<>();
        for (byte[] e : events) {
            out.add(parser.next(e, 0, e.length, true));
        }
        return out;
    }

    @Test
    void rowBasedTransactionEndingWithXid() {
        assertThat(classify(gtid(), q("BEGIN"), ev(EventType.TABLE_MAP), ev(EventType.WRITE_ROWS),
                ev(EventType.XID)))
                .containsExactly(START, MIDDLE, MIDDLE, MIDDLE, END);
    }

    @Test
    void ddlIsATransactionOfItsOwn() {
        assertThat(classify(gtid(), q("CREATE TABLE t1 (id INT PRIMARY KEY)"))).containsExactly(START, END);
    }

    @Test
    void ddlWithoutGtidIsSingle() {
        assertThat(classify(q("CREATE TABLE t1 (id INT PRIMARY KEY)"))).containsExactly(SINGLE);
    }

    @Test
    void transactionEndingWithQueryCommit() {
        // e.g. a MyISAM or statement-based transaction: no XID, an explicit COMMIT query
        assertThat(classify(gtid(), q("BEGIN"), q("INSERT INTO t1 VALUES (1)"), q("UPDATE t1 SET id = 2"),
                q("COMMIT")))
                .containsExactly(START, MIDDLE, MIDDLE, MIDDLE, END);
    }

    @Test
    void rollbackToSavepointStaysInside() {
        assertThat(classify(gtid(), q("BEGIN"), q("SAVEPOINT s"), ev(EventType.TABLE_MAP),
                ev(EventType.WRITE_ROWS), q("ROLLBACK TO SAVEPOINT s"), q("rollback  to s"), ev(EventType.XID)))
                .containsExactly(START, MIDDLE, MIDDLE, MIDDLE, MIDDLE, MIDDLE, MIDDLE, END);
    }

    @Test
    void plainRollbackEnds() {
        assertThat(classify(gtid(), q("BEGIN"), q("INSERT INTO t1 VALUES (1)"), q("ROLLBACK")))
                .containsExactly(START, MIDDLE, MIDDLE, END);
    }

    @Test
    void xaTransactionEndsWithXaPrepareAndItsCommitIsAnotherTransaction() {
        assertThat(classify(gtid(), q("XA START X'7831',X'',1"), ev(EventType.TABLE_MAP), ev(EventType.WRITE_ROWS),
                q("XA END X'7831',X'',1"), ev(EventType.XA_PREPARE),
                gtid(), q("XA COMMIT X'7831',X'',1")))
                .containsExactly(START, MIDDLE, MIDDLE, MIDDLE, MIDDLE, END, START, END);
    }

    @Test
    void compressedTransactionIsGtidThenPayload() {
        assertThat(classify(gtid(), ev(EventType.TRANSACTION_PAYLOAD), gtid(), ev(EventType.TRANSACTION_PAYLOAD)))
                .containsExactly(START, END, START, END);
    }

    @Test
    void anonymousGtidStartsATransactionToo() {
        byte[] anonymous = event(EventType.ANONYMOUS_GTID, new byte[42], true);
        assertThat(classify(anonymous, q("BEGIN"), ev(EventType.WRITE_ROWS), ev(EventType.XID)))
                .containsExactly(START, MIDDLE, MIDDLE, END);
    }

    @Test
    void beginWithoutGtidStartsTheTransaction() {
        assertThat(classify(q("BEGIN"), ev(EventType.WRITE_ROWS), ev(EventType.XID)))
                .containsExactly(START, MIDDLE, END);
    }

    @Test
    void statementWithIntvarBeforeIt() {
        assertThat(classify(gtid(), ev(EventType.INTVAR), ev(EventType.RAND), q("INSERT INTO t1 VALUES (NULL)")))
                .containsExactly(START, MIDDLE, MIDDLE, END);
        assertThat(classify(ev(EventType.USER_VAR), q("INSERT INTO t1 VALUES (@a)"))).containsExactly(START, END);
    }

    @Test
    void controlEvents() {
        assertThat(classify(ev(EventType.FORMAT_DESCRIPTION), ev(EventType.PREVIOUS_GTIDS), ev(EventType.ROTATE),
                ev(EventType.STOP), ev(EventType.HEARTBEAT), ev(EventType.HEARTBEAT_V2)))
                .containsOnly(CONTROL).hasSize(6);
    }

    @Test
    void aHeartbeatInsideATransactionLeavesItOpen() {
        TransactionBoundaryParser parser = new TransactionBoundaryParser();
        assertThat(classify(parser, gtid(), q("BEGIN"), ev(EventType.HEARTBEAT), ev(EventType.XID)))
                .containsExactly(START, MIDDLE, CONTROL, END);
        assertThat(parser.inTransaction()).isFalse();
    }

    @Test
    void incidentIsSingle() {
        assertThat(classify(ev(EventType.INCIDENT))).containsExactly(SINGLE);
        assertThatThrownBy(() -> classify(gtid(), q("BEGIN"), ev(EventType.INCIDENT)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void gtidInsideATransactionIsRefused() {
        TransactionBoundaryParser parser = new TransactionBoundaryParser();
        classify(parser, gtid(), q("BEGIN"), ev(EventType.WRITE_ROWS));
        assertThatThrownBy(() -> parser.next(gtid(), 0, gtid().length, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GTID");
        assertThatThrownBy(() -> classify(gtid(), gtid())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void endsOutsideATransactionAreRefused() {
        assertThatThrownBy(() -> classify(ev(EventType.XID))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> classify(ev(EventType.XA_PREPARE))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> classify(ev(EventType.TRANSACTION_PAYLOAD)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> classify(gtid(), q("BEGIN"), q("BEGIN"))).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "begin", "  begin", "\n\tBegin", "XA START X'31'", "xa  start X'31'"})
    void beginIsRecognisedWhateverItsCaseAndLeadingSpace(String statement) {
        assertThat(classify(gtid(), q(statement), ev(EventType.XID))).containsExactly(START, MIDDLE, END);
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "commit", "  Commit", "ROLLBACK", " rollback"})
    void commitIsRecognisedWhateverItsCaseAndLeadingSpace(String statement) {
        assertThat(classify(gtid(), q("BEGIN"), q(statement))).containsExactly(START, MIDDLE, END);
    }

    @Test
    void wordsMustEndWhereTheKeywordEnds() {
        // a table named begin_log, a statement that is no BEGIN: the GTID's statement is a DDL
        assertThat(classify(gtid(), q("BEGIN_LOG"))).containsExactly(START, END);
        assertThat(classify(gtid(), q("BEGIN"), q("COMMITTED_ROWS"), ev(EventType.XID)))
                .containsExactly(START, MIDDLE, MIDDLE, END);
    }

    @Test
    void queriesWithoutChecksumOrGivenInPart() {
        TransactionBoundaryParser parser = new TransactionBoundaryParser();
        byte[] begin = query("BEGIN", false);
        assertThat(parser.next(gtid(), 0, 79, true)).isEqualTo(START);
        assertThat(parser.next(begin, 0, begin.length, false)).isEqualTo(MIDDLE);
        // a long statement of which only the first bytes are at hand
        byte[] big = query("INSERT INTO t1 VALUES " + "(1),".repeat(5000) + "(2)", true);
        assertThat(parser.next(big, 0, 64, true)).isEqualTo(MIDDLE);
        byte[] commit = query("COMMIT", true);
        assertThat(parser.next(commit, 0, commit.length, true)).isEqualTo(END);
    }

    @Test
    void eventsAtAnOffsetInABuffer() {
        byte[] buffer = V4Events.concat(gtid(), q("BEGIN"), ev(EventType.XID));
        TransactionBoundaryParser parser = new TransactionBoundaryParser();
        List<Boundary> out = new ArrayList<>();
        int p = 0;
        while (p < buffer.length) {
            int length = (int) BinlogEvents.length(buffer, p);
            out.add(parser.next(buffer, p, length, true));
            p += length;
        }
        assertThat(out).containsExactly(START, MIDDLE, END);
    }

    @Test
    void inTransactionAndReset() {
        TransactionBoundaryParser parser = new TransactionBoundaryParser();
        assertThat(parser.inTransaction()).isFalse();
        classify(parser, gtid(), q("BEGIN"));
        assertThat(parser.inTransaction()).isTrue();
        parser.reset();
        assertThat(parser.inTransaction()).isFalse();
        assertThat(classify(parser, gtid())).containsExactly(START);
    }
}
