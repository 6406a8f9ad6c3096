package io.sluice.decoder;

import io.sluice.model.client.MysqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Column names for binlogs written with {@code binlog_row_metadata=MINIMAL}: asks a MySQL server with the schema
 * (the facade's metadata backend, typically a replica of Sluice) and remembers the answer until the next DDL.
 *
 * <p>The answer is the schema of now, not of the event: a table altered after the event was written can be named
 * wrongly. A column count that differs from the event's is detected, and those events get {@code @n} names instead.
 * {@code binlog_row_metadata=FULL} on the source has none of this doubt.
 */
final class SchemaLookup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaLookup.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DecoderSettings.SchemaSource source;
    private final Map<String, Optional<TableSchema>> cache = new HashMap<>();
    private MysqlClient client;

    SchemaLookup(DecoderSettings.SchemaSource source) {
        this.source = source;
    }

    /** Forgets every table: a DDL statement passed. */
    void invalidate() {
        cache.clear();
    }

    /**
     * The table's columns, or empty when the server does not know the table.
     *
     * @throws DecoderException when the server cannot be reached or refuses the login: decoding stops rather than
     *                          write rows without names
     */
    Optional<TableSchema> lookup(String database, String table) {
        String key = database + "\u0000" + table;
        Optional<TableSchema> known = cache.get(key);
        if (known != null) {
            return known;
        }
        Optional<TableSchema> schema = query(database, table);
        cache.put(key, schema);
        return schema;
    }

    private Optional<TableSchema> query(String database, String table) {
        String sql = "SELECT COLUMN_NAME, COLUMN_KEY, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = " + quote(database) + " AND TABLE_NAME = " + quote(table)
                + " ORDER BY ORDINAL_POSITION";
        MysqlClient.Result result;
        try {
            result = connection().query(sql);
        } catch (IOException | RuntimeException e) {
            close();
            throw new DecoderException("cannot read the columns of `" + database + "`.`" + table + "` from "
                    + source.endpoint() + ": " + e.getMessage(), e);
        }
        if (result.rows().isEmpty()) {
            LOG.warn("{} does not know table `{}`.`{}`: its columns are named @1, @2, ...", source.endpoint(),
                    database, table);
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        Set<String> primaryKey = new HashSet<>();
        Map<String, List<String>> members = new HashMap<>();
        for (List<String> row : result.rows()) {
            String name = row.get(0);
            names.add(name);
            if ("PRI".equals(row.get(1))) {
                primaryKey.add(name);
            }
            String dataType = row.get(2);
            if ("enum".equalsIgnoreCase(dataType) || "set".equalsIgnoreCase(dataType)) {
                members.put(name, EnumMembers.parse(row.get(3)));
            }
        }
        return Optional.of(new TableSchema(names, primaryKey, members));
    }

    private MysqlClient connection() throws IOException {
        if (client == null || client.isClosed()) {
            client = MysqlClient.connect(source.host(), source.port(), source.user(), source.password(), TIMEOUT,
                    TIMEOUT, 0, source.tls());
        }
        return client;
    }

    /** A MySQL string literal. */
    static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
