package io.sluice.model.rows;

/** The kind of a row change: WRITE_ROWS, UPDATE_ROWS or DELETE_ROWS. */
public enum Operation {
    /** A row was inserted (WRITE_ROWS): only an after image. */
    INSERT,
    /** A row was updated (UPDATE_ROWS): a before and an after image. */
    UPDATE,
    /** A row was deleted (DELETE_ROWS): only a before image. */
    DELETE
}
