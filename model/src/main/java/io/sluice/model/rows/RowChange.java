package io.sluice.model.rows;

import java.util.Objects;

/**
 * One changed row of a rows event.
 *
 * @param op     insert, update or delete
 * @param table  the TABLE_MAP in effect for the event
 * @param before the row before the change; null for {@link Operation#INSERT}
 * @param after  the row after the change; null for {@link Operation#DELETE}
 */
public record RowChange(Operation op, TableMap table, RowImage before, RowImage after) {
    /** Checks that the images present are the ones {@code op} has. */
    public RowChange {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(table, "table");
        if ((before == null) != (op == Operation.INSERT) || (after == null) != (op == Operation.DELETE)) {
            throw new IllegalArgumentException(op + " needs " + switch (op) {
                case INSERT -> "an after image only";
                case UPDATE -> "a before and an after image";
                case DELETE -> "a before image only";
            });
        }
    }
}
