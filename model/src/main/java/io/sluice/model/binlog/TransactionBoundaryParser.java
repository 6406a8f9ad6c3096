package io.sluice.model.binlog;

/**
 * Finds where source transactions start and end in a stream of binlog events, as a replica's receiver does
 * (MySQL's {@code sql/rpl_trx_boundary_parser.cc}). A transaction is one of:
 * <ul>
 *   <li>GTID (or ANONYMOUS_GTID), QUERY {@code BEGIN} or {@code XA START}, …, then XID, QUERY {@code COMMIT} /
 *       {@code ROLLBACK}, or XA_PREPARE;</li>
 *   <li>GTID, optional INTVAR/RAND/USER_VAR, then one statement (DDL, {@code XA COMMIT}, …);</li>
 *   <li>GTID then TRANSACTION_PAYLOAD (a compressed transaction, MySQL 8.0.20+);</li>
 *   <li>an INCIDENT event alone.</li>
 * </ul>
 * Events outside any transaction (FORMAT_DESCRIPTION, ROTATE, PREVIOUS_GTIDS, STOP, heartbeats, …) are control
 * events. Feed every event in order to {@link #next}; it says what the event is. Not thread-safe.
 */
public final class TransactionBoundaryParser {
    /** What an event is, relative to transaction boundaries. */
    public enum Boundary {
        /** Outside any transaction. */
        CONTROL,
        /** Starts a transaction that continues. */
        START,
        /** Inside a transaction, which continues. */
        MIDDLE,
        /** Ends the current transaction. */
        END,
        /** Starts and ends a group in one event: an INCIDENT, or a statement with no GTID before it. */
        SINGLE
    }

    private enum State { NONE, GTID, PRE_STATEMENT, IN_TRANSACTION }

    /** Only this much of a QUERY statement is read to classify it. */
    private static final int CLASSIFY_BYTES = 32;

    private State state = State.NONE;

    /** Whether the parser is inside a transaction (the last event did not end it). */
    public boolean inTransaction() {
        return state != State.NONE;
    }

    /** Forgets a half-seen transaction, e.g. after a reconnect. */
    public void reset() {
        state = State.NONE;
    }

    /**
     * Classifies the next event.
     *
     * @param event     the event bytes, at least its header and, for QUERY events, the first bytes of the statement
     * @param available how many bytes of the event {@code event} holds (a large event may be given in part)
     * @param crc       whether events end with a CRC32 (only matters when the whole event is given)
     * @throws IllegalStateException when the stream breaks MySQL's rules (e.g. a GTID inside a transaction)
     */
    public Boundary next(byte[] event, int offset, int available, boolean crc) {
        int type = BinlogEvents.type(event, offset);
        switch (type) {
            case EventType.GTID, EventType.ANONYMOUS_GTID, EventType.GTID_TAGGED -> {
                expect(State.NONE, type);
                state = State.GTID;
                return Boundary.START;
            }
            case EventType.QUERY -> {
                boolean whole = available >= BinlogEvents.length(event, offset);
                String text = BinlogEvents.queryText(event, offset, available, crc && whole, CLASSIFY_BYTES);
                return query(text);
            }
            case EventType.XID, EventType.XA_PREPARE -> {
                expect(State.IN_TRANSACTION, type);
                state = State.NONE;
                return Boundary.END;
            }
            case EventType.TRANSACTION_PAYLOAD -> {
                expect(State.GTID, type);
                state = State.NONE;
                return Boundary.END;
            }
            case EventType.INTVAR, EventType.RAND, EventType.USER_VAR -> {
                return preStatement();
            }
            case EventType.INCIDENT -> {
                if (state != State.NONE) {
                    throw broken(type);
                }
                return Boundary.SINGLE;
            }
            case EventType.FORMAT_DESCRIPTION, EventType.ROTATE, EventType.PREVIOUS_GTIDS, EventType.STOP,
                    EventType.HEARTBEAT, EventType.HEARTBEAT_V2, EventType.START_V3 -> {
                return Boundary.CONTROL;
            }
            default -> {
                // TABLE_MAP, rows events, ROWS_QUERY, LOAD DATA events, TRANSACTION_CONTEXT, VIEW_CHANGE, …
                return statement(type);
            }
        }
    }

    private Boundary query(String text) {
        if (BinlogEvents.isBegin(text)) {
            if (state != State.GTID && state != State.NONE) {
                throw broken(EventType.QUERY);
            }
            Boundary b = state == State.NONE ? Boundary.START : Boundary.MIDDLE;
            state = State.IN_TRANSACTION;
            return b;
        }
        if (BinlogEvents.isEnd(text) && state == State.IN_TRANSACTION) {
            state = State.NONE;
            return Boundary.END;
        }
        return statement(EventType.QUERY);
    }

    private Boundary preStatement() {
        switch (state) {
            case NONE -> {
                state = State.PRE_STATEMENT;
                return Boundary.START;
            }
            case GTID, PRE_STATEMENT -> {
                state = State.PRE_STATEMENT;
                return Boundary.MIDDLE;
            }
            default -> {
                return Boundary.MIDDLE;
            }
        }
    }

    private Boundary statement(int type) {
        switch (state) {
            case NONE -> {
                return Boundary.SINGLE;
            }
            case GTID, PRE_STATEMENT -> {
                state = State.NONE;
                return Boundary.END;
            }
            default -> {
                return Boundary.MIDDLE;
            }
        }
    }

    private void expect(State expected, int type) {
        if (state != expected) {
            throw broken(type);
        }
    }

    private IllegalStateException broken(int type) {
        return new IllegalStateException("unexpected " + EventType.name(type) + " event in transaction state " + state);
    }
}
