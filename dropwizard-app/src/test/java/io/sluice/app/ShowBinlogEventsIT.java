package io.sluice.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SHOW BINLOG EVENTS on the facade gives, for every file, exactly the rows the source itself gives: positions,
 * event types, server ids, end positions and Info (DDL with its database, BEGIN, GTIDs, table maps, rows events with
 * STMT_END_F, XIDs, ROTATE), with IN, FROM and LIMIT as MySQL takes them, and MySQL's error 1220 for a file or a
 * position it does not have.
 */
class ShowBinlogEventsIT {
    private static SluicePipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = SluicePipeline.start("sluice.binlog.show-binlog-events-it", 101);
        pipeline.source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(50), note MEDIUMTEXT)");
        for (int i = 0; i < 20; i++) {
            pipeline.source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "', NULL)");
        }
        pipeline.source.execute("UPDATE shop.item SET note = REPEAT('x', 100000) WHERE id < 3",
                "DELETE FROM shop.item WHERE id > 15", "FLUSH BINARY LOGS");
        pipeline.source.execute("BEGIN", "INSERT INTO shop.item VALUES (100, 'a', NULL)",
                "UPDATE shop.item SET name = 'b' WHERE id = 100", "COMMIT");
        // a statement text far longer than any row: the view's definition
        StringBuilder view = new StringBuilder("CREATE VIEW shop.wide AS SELECT 0 AS c0");
        for (int i = 1; i < 4000; i++) {
            view.append(", ").append(i).append(" AS c").append(i);
        }
        pipeline.source.execute(view.toString());
        pipeline.awaitSyncerCaughtUp();
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(pipeline);
    }

    private static Connection facade() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + pipeline.facadePort + "/?user="
                + SluicePipeline.USER + "&password=" + SluicePipeline.PASSWORD
                + "&useSSL=false&allowPublicKeyRetrieval=true");
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 6; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void everyFileAsTheSourceShowsIt() throws SQLException {
        List<List<String>> files = pipeline.source.query("SHOW BINARY LOGS");
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        try (Connection c = facade()) {
            for (List<String> file : files) {
                String sql = "SHOW BINLOG EVENTS IN '" + file.get(0) + "'";
                List<List<String>> source = pipeline.source.query(sql);
                assertThat(rows(c, sql)).as(sql).isEqualTo(source);
            }
            // without IN: the first file
            assertThat(rows(c, "SHOW BINLOG EVENTS")).isEqualTo(pipeline.source.query("SHOW BINLOG EVENTS"));
            List<List<String>> all = pipeline.source.query("SHOW BINLOG EVENTS IN '" + files.get(1).get(0) + "'");
            assertThat(all.stream().map(r -> r.get(2))).contains("Format_desc", "Previous_gtids", "Gtid", "Query",
                    "Table_map", "Write_rows", "Update_rows", "Xid");
        }
    }

    @Test
    void fromAndLimitAsMysqlTakesThem() throws SQLException {
        String file = pipeline.source.query("SHOW BINARY LOGS").get(0).get(0);
        List<List<String>> all = pipeline.source.query("SHOW BINLOG EVENTS IN '" + file + "'");
        String fifth = all.get(4).get(1);
        try (Connection c = facade()) {
            for (String tail : new String[] {" FROM " + fifth, " LIMIT 3", " LIMIT 2, 5", " FROM " + fifth + " LIMIT 4",
                    " FROM " + fifth + " LIMIT 1, 2", " LIMIT 0", " LIMIT 2, 0"}) {
                String sql = "SHOW BINLOG EVENTS IN '" + file + "'" + tail;
                assertThat(rows(c, sql)).as(sql).isEqualTo(pipeline.source.query(sql));
            }
        }
    }

    @Test
    void unknownFilesAndPositionsAreMysqlsErrors() throws SQLException {
        String file = pipeline.source.query("SHOW BINARY LOGS").get(0).get(0);
        try (Connection c = facade(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SHOW BINLOG EVENTS IN 'binlog.999999'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessage("Error when executing command SHOW BINLOG EVENTS: Could not find target log")
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1220));
            assertThatThrownBy(() -> st.executeQuery("SHOW BINLOG EVENTS IN '" + file + "' FROM 5"))
                    .hasMessageStartingWith("Error when executing command SHOW BINLOG EVENTS: ")
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1220));
            assertThatThrownBy(() -> st.executeQuery("SHOW BINLOG EVENTS FROM"))
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1064));
            // the source answers the same codes
            assertThatThrownBy(() -> pipeline.source.query("SHOW BINLOG EVENTS IN 'binlog.999999'"))
                    .hasStackTraceContaining("Could not find target log");
        }
    }
}
