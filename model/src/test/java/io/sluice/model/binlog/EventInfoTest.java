package io.sluice.model.binlog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SHOW BINLOG EVENTS' Event_type and Info of hand-built events (ShowBinlogEventsIT compares with a real MySQL). */
class EventInfoTest {
    /** A QUERY event: post-header, status variables, db, NUL, statement; no checksum. */
    private static byte[] query(String db, byte[] status, String sql, int flags) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] dbBytes = db.getBytes(StandardCharsets.UTF_8);
        body.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, (byte) dbBytes.length, 0, 0,
                (byte) status.length, (byte) (status.length >> 8)});
        body.writeBytes(status);
        body.writeBytes(dbBytes);
        body.write(0);
        body.writeBytes(sql.getBytes(StandardCharsets.UTF_8));
        byte[] b = body.toByteArray();
        byte[] event = new byte[EventHeader.SIZE + b.length];
        event[4] = (byte) EventType.QUERY;
        Bytes.put32(event, EventHeader.LENGTH_OFFSET, event.length);
        Bytes.put32(event, EventHeader.LOG_POS_OFFSET, 1000);
        Bytes.put16(event, EventHeader.FLAGS_OFFSET, flags);
        System.arraycopy(b, 0, event, EventHeader.SIZE, b.length);
        return event;
    }

    @Test
    void ddlWithItsDatabaseAndXid() {
        // Q_FLAGS2 (4), Q_SQL_MODE (8), Q_CATALOG_NZ "std", Q_CHARSET (6), Q_UPDATED_DB_NAMES 1 "shop",
        // Q_DDL_LOGGED_WITH_XID 42
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(new byte[] {0, 0, 0, 0, 0});
        s.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0});
        s.writeBytes(new byte[] {6, 3, 's', 't', 'd'});
        s.writeBytes(new byte[] {4, 0, 0, 0, 0, 0, 0});
        s.writeBytes(new byte[] {12, 1, 's', 'h', 'o', 'p', 0});
        s.writeBytes(new byte[] {17, 42, 0, 0, 0, 0, 0, 0, 0});
        byte[] event = query("shop", s.toByteArray(), "CREATE TABLE t (a INT)", 0);
        assertThat(EventInfo.info(event, event.length, false)).isEqualTo("use `shop`; CREATE TABLE t (a INT) /* xid=42 */");
        assertThat(EventInfo.typeName(EventType.QUERY)).isEqualTo("Query");
    }

    @Test
    void beginWithoutDatabaseAndSuppressedUse() {
        byte[] begin = query("", new byte[0], "BEGIN", 0);
        assertThat(EventInfo.info(begin, begin.length, false)).isEqualTo("BEGIN");
        byte[] suppressed = query("shop", new byte[0], "DROP TABLE t", 0x0008);
        assertThat(EventInfo.info(suppressed, suppressed.length, false)).isEqualTo("DROP TABLE t");
        // a status variable this code does not know stops the walk: no xid, as MySQL would find none either
        byte[] unknown = query("", new byte[] {99, 17, 1, 0, 0, 0, 0, 0, 0, 0}, "X", 0);
        assertThat(EventInfo.info(unknown, unknown.length, false)).isEqualTo("X");
    }

    @Test
    void rotateAndHeartbeatNames() {
        byte[] rotate = BinlogEvents.fakeRotate(1, "binlog.000007", 4, true);
        assertThat(EventInfo.info(rotate, rotate.length, true)).isEqualTo("binlog.000007;pos=4");
        assertThat(EventInfo.typeName(EventType.ROTATE)).isEqualTo("Rotate");
        assertThat(EventInfo.typeName(EventType.FORMAT_DESCRIPTION)).isEqualTo("Format_desc");
        assertThat(EventInfo.typeName(EventType.ANONYMOUS_GTID)).isEqualTo("Anonymous_Gtid");
        assertThat(EventInfo.typeName(250)).isEqualTo("Unknown");
    }

    @Test
    void aTruncatedEventIsAClearError() {
        byte[] event = query("shop", new byte[0], "CREATE TABLE t (a INT)", 0);
        byte[] header = java.util.Arrays.copyOf(event, EventHeader.SIZE + 3);
        assertThatThrownBy(() -> EventInfo.info(header, header.length, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QUERY");
    }
}
