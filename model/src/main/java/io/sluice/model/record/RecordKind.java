package io.sluice.model.record;

/** What a record of the binlog topic holds (header {@code sluice.kind}). */
public enum RecordKind {
    /** One source transaction, whole or one part of it: its events back to back. */
    TRANSACTION("txn"),
    /** One event outside any transaction: FORMAT_DESCRIPTION, PREVIOUS_GTIDS, ROTATE, STOP, INCIDENT. */
    CONTROL("control");

    private final String wire;

    RecordKind(String wire) {
        this.wire = wire;
    }

    /** The header value. */
    public String wire() {
        return wire;
    }

    /** The kind for a header value. */
    public static RecordKind ofWire(String value) {
        for (RecordKind k : values()) {
            if (k.wire.equals(value)) {
                return k;
            }
        }
        throw new TopicFormatException("unknown record kind '" + value + "'");
    }
}
