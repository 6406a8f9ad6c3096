package io.sluice.decoder;

/** Where the decoder writes the row changes of each table. */
public enum OutputMode {
    /** One topic for every table; the table is in each record's key. */
    ONE_TOPIC,
    /** One topic per table: the prefix, the database, a dot and the table. */
    TOPIC_PER_TABLE
}
