package io.sluice.model.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GtidTest {

    private static final UUID SID = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

    @Test
    void parsesUppercaseAndPrintsLowercase() {
        Gtid gtid = Gtid.parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:23");
        assertThat(gtid.sid()).isEqualTo(SID);
        assertThat(gtid.gno()).isEqualTo(23);
        assertThat(gtid).hasToString("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
        assertThat(Gtid.parse(" 3e11fa47-71ca-11e1-9e33-c80aa9429562 : 23\n")).isEqualTo(gtid);
    }

    @Test
    void acceptsTheFullGnoRange() {
        assertThat(new Gtid(SID, 1).gno()).isEqualTo(1);
        assertThat(Gtid.parse(SID + ":9223372036854775806").gno()).isEqualTo(Gtid.MAX_GNO);
    }

    @Test
    void validatesComponents() {
        assertThatThrownBy(() -> new Gtid(SID, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new Gtid(SID, -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Gtid(SID, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Gtid(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:0",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:5:6",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:9223372036854775807",
        "3e11fa47-71ca-11e1-9e33-c80aa942956:1",
        "3e11fa4771ca11e19e33c80aa9429562:1",
        "zz11fa47-71ca-11e1-9e33-c80aa9429562:1",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:-1",
    })
    void rejectsMalformed(String text) {
        assertThatThrownBy(() -> Gtid.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(UnsupportedGtidFormatException.class);
    }

    @Test
    void rejectsTaggedGtid() {
        assertThatThrownBy(() -> Gtid.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:mytag:5"))
                .isInstanceOf(UnsupportedGtidFormatException.class)
                .hasMessageContaining("tagged GTID sets (MySQL 8.3+) are not supported")
                .hasMessageContaining("mytag");
    }

    @Test
    void ordersByUuidBytesThenGno() {
        Gtid low = new Gtid(UUID.fromString("10000000-0000-0000-0000-000000000000"), 9);
        Gtid high = new Gtid(UUID.fromString("f0000000-0000-0000-0000-000000000000"), 1);
        assertThat(low).isLessThan(high); // UUID.compareTo on Java 17 would say the opposite
        assertThat(new Gtid(SID, 2)).isGreaterThan(new Gtid(SID, 1));
    }
}
