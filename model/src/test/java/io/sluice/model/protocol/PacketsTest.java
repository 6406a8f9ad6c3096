package io.sluice.model.protocol;

import static io.sluice.model.binlog.V4Events.hex;
import static io.sluice.model.binlog.V4Events.toHex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PacketsTest {

    @Test
    void okGolden() {
        assertThat(toHex(Packets.ok(0, 0, Packets.STATUS_AUTOCOMMIT, 0))).isEqualTo(toHex(hex(
                "00",     // OK header
                "00",     // affected rows 0 (lenenc)
                "00",     // last insert id 0 (lenenc)
                "0200",   // status SERVER_STATUS_AUTOCOMMIT
                "0000"))); // warnings 0
        assertThat(toHex(Packets.ok(300, 70000, 0x0003, 1))).isEqualTo(toHex(hex(
                "00",       // OK header
                "fc2c01",   // affected rows 300: 0xFC + u16
                "fd701101", // last insert id 70000: 0xFD + u24
                "0300",     // status SERVER_STATUS_IN_TRANS | SERVER_STATUS_AUTOCOMMIT
                "0100")));  // warnings 1
    }

    @Test
    void eofGolden() {
        assertThat(toHex(Packets.eof(0, Packets.STATUS_AUTOCOMMIT))).isEqualTo(toHex(hex(
                "fe",     // EOF header
                "0000",   // warnings 0
                "0200"))); // status SERVER_STATUS_AUTOCOMMIT
        assertThat(toHex(Packets.okAsEof(Packets.STATUS_AUTOCOMMIT, 2))).isEqualTo(toHex(hex(
                "fe",     // OK with the EOF header (CLIENT_DEPRECATE_EOF)
                "00",     // affected rows 0
                "00",     // last insert id 0
                "0200",   // status
                "0200"))); // warnings 2
    }

    @Test
    void errGolden() {
        byte[] err = Packets.err(MysqlError.ER_ACCESS_DENIED_ERROR, "repl", "10.0.0.5", "YES");
        String message = "Access denied for user 'repl'@'10.0.0.5' (using password: YES)";
        assertThat(toHex(err)).isEqualTo(toHex(hex(
                "ff",         // ERR header
                "1504",       // error code 1045
                "23",         // '#' SQLSTATE marker
                "3238303030", // SQLSTATE "28000"
                toHex(message.getBytes(StandardCharsets.UTF_8))))); // message, to the end of the packet
    }

    @Test
    void parseErrWithSqlState() {
        byte[] err = hex(
                "ff",         // ERR
                "d404",       // error code 1236 ER_MASTER_FATAL_ERROR_READING_BINLOG
                "23",         // '#'
                "4859303030", // "HY000"
                "436f756c64206e6f742066696e642066697273742066696c65"); // "Could not find first file"
        MysqlException e = Packets.parseErr(err);
        assertThat(e.code()).isEqualTo(1236);
        assertThat(e.sqlState()).isEqualTo("HY000");
        assertThat(e.getMessage()).isEqualTo("Could not find first file");

        MysqlException fatal = Packets.parseErr(Packets.err(MysqlError.ER_MASTER_FATAL_ERROR_READING_BINLOG,
                "could not find next log"));
        assertThat(fatal.code()).isEqualTo(1236);
        assertThat(fatal.sqlState()).isEqualTo("HY000");
        assertThat(fatal.getMessage()).isEqualTo("could not find next log");
        assertThat(fatal).hasToString("MySQL error 1236 (HY000): could not find next log");
    }

    @Test
    void parseErrWithoutSqlState() {
        // Sent before the handshake, when the client's capabilities are not known yet: no '#' and SQLSTATE.
        byte[] err = hex(
                "ff",   // ERR
                "6a04", // 1130 ER_HOST_NOT_PRIVILEGED
                toHex("Host '10.0.0.9' is not allowed to connect to this MySQL server"
                        .getBytes(StandardCharsets.US_ASCII)));
        MysqlException e = Packets.parseErr(err);
        assertThat(e.code()).isEqualTo(1130);
        assertThat(e.sqlState()).isEqualTo("HY000");
        assertThat(e.getMessage()).isEqualTo("Host '10.0.0.9' is not allowed to connect to this MySQL server");
    }

    @Test
    void parseErrOfAMessageStartingWithHashButTooShortForASqlState() {
        MysqlException e = Packets.parseErr(hex("ff 1504 23 4142")); // "#AB": not a SQLSTATE
        assertThat(e.code()).isEqualTo(1045);
        assertThat(e.sqlState()).isEqualTo("HY000");
        assertThat(e.getMessage()).isEqualTo("#AB");
        assertThat(Packets.parseErr(hex("ff")).code()).isZero();
    }

    @Test
    void errOfAnExceptionRoundTrips() {
        MysqlException original = MysqlError.ER_UNKNOWN_SYSTEM_VARIABLE.exception("gtid_moed");
        MysqlException back = Packets.parseErr(Packets.err(original));
        assertThat(back.code()).isEqualTo(1193);
        assertThat(back.sqlState()).isEqualTo("HY000");
        assertThat(back.getMessage()).isEqualTo("Unknown system variable 'gtid_moed'");
    }

    @Test
    void classifiesPackets() {
        assertThat(Packets.isOk(Packets.ok(0, 0, 0, 0))).isTrue();
        assertThat(Packets.isErr(Packets.err(1045, "28000", "x"))).isTrue();
        assertThat(Packets.isEof(Packets.eof(0, 0))).isTrue();
        assertThat(Packets.isEof(Packets.okAsEof(0, 0))).isTrue();
        // 0xFE starting 9 bytes or more is a length-encoded integer (a row), not an EOF
        assertThat(Packets.isEof(hex("fe0000000001000000"))).isFalse();
        assertThat(Packets.isOk(new byte[0])).isFalse();
        assertThat(Packets.isErr(new byte[0])).isFalse();
        assertThat(Packets.isEof(new byte[0])).isFalse();
    }

    @Test
    void errorCodesAreUniqueAndLookedUp() {
        Set<Integer> codes = new HashSet<>();
        for (MysqlError e : MysqlError.values()) {
            assertThat(codes.add(e.code())).as("%s", e).isTrue();
            assertThat(e.sqlState()).hasSize(5);
            assertThat(MysqlError.of(e.code())).isSameAs(e);
        }
        assertThat(MysqlError.of(99999)).isNull();
    }
}
