package io.sluice.model.gtid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.gtid.GtidSet.Interval;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GtidSetTextTest {

    private static final UUID A = UUID.fromString("2174b383-5441-11e8-b90a-c80aa9429562");
    private static final UUID B = UUID.fromString("224da167-0c0c-11e8-8442-00059a3c7b00");
    private static final UUID C = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");
    private static final UUID HIGH = UUID.fromString("f4a3c9d2-8e5b-11ee-b5c1-0242ac120003");

    /** {@code SELECT @@GLOBAL.gtid_executed} on a replica that has seen three sources. */
    private static final String SERVER_OUTPUT = "2174b383-5441-11e8-b90a-c80aa9429562:1-3,\n"
            + "224da167-0c0c-11e8-8442-00059a3c7b00:1-2:5:8-11,\n"
            + "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:11-18,\n"
            + "f4a3c9d2-8e5b-11ee-b5c1-0242ac120003:1-1048576";

    @Test
    void parsesServerOutputWithCommaNewline() {
        GtidSet set = GtidSet.parse(SERVER_OUTPUT);
        assertThat(set.uuids()).containsExactly(A, B, C, HIGH);
        assertThat(set.intervals(A)).containsExactly(new Interval(1, 3));
        assertThat(set.intervals(B)).containsExactly(new Interval(1, 2), new Interval(5, 5), new Interval(8, 11));
        assertThat(set.intervals(C)).containsExactly(new Interval(1, 5), new Interval(11, 18));
        assertThat(set.intervals(HIGH)).containsExactly(new Interval(1, 1048576));
        assertThat(set.count()).isEqualTo(3 + 7 + 13 + 1048576);
        assertThat(set.toMysqlString()).isEqualTo(SERVER_OUTPUT);
        assertThat(set).hasToString(SERVER_OUTPUT.replace(",\n", ","));
    }

    @Test
    void parsesShowReplicaStatusStyleUppercaseOutput() {
        // as printed in Executed_Gtid_Set by older servers / documentation examples
        GtidSet set = GtidSet.parse("2174B383-5441-11E8-B90A-C80AA9429562:1-3,\n"
                + "224DA167-0C0C-11E8-8442-00059A3C7B00:1-2");
        assertThat(set).hasToString("2174b383-5441-11e8-b90a-c80aa9429562:1-3,224da167-0c0c-11e8-8442-00059a3c7b00:1-2");
    }

    @Test
    void canonicalizesUnsortedOverlappingAndAdjacentInput() {
        GtidSet set = GtidSet.parse(
                "  F4A3C9D2-8E5B-11EE-B5C1-0242AC120003:7:1-3 , 3e11fa47-71ca-11e1-9e33-c80aa9429562 : 11 - 18 :"
                        + " 1-5 :\t4-6 :19,\r\n,2174b383-5441-11e8-b90a-c80aa9429562:3:2:1,  ");
        assertThat(set).hasToString("2174b383-5441-11e8-b90a-c80aa9429562:1-3,"
                + "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6:11-19,"
                + "f4a3c9d2-8e5b-11ee-b5c1-0242ac120003:1-3:7");
    }

    @Test
    void sortsUuidsByUnsignedBytesNotJavaCompareTo() {
        GtidSet set = GtidSet.parse("f0000000-0000-0000-0000-000000000000:1,10000000-0000-0000-0000-000000000000:1,"
                + "00000000-0000-0000-8000-000000000000:1,00000000-0000-0000-0000-000000000001:1");
        assertThat(set).hasToString("00000000-0000-0000-0000-000000000001:1,00000000-0000-0000-8000-000000000000:1,"
                + "10000000-0000-0000-0000-000000000000:1,f0000000-0000-0000-0000-000000000000:1");
    }

    @Test
    void emptyForms() {
        assertThat(GtidSet.parse("")).isSameAs(GtidSet.EMPTY);
        assertThat(GtidSet.parse(" \n\t")).isEqualTo(GtidSet.EMPTY);
        assertThat(GtidSet.parse(",, ,")).isEqualTo(GtidSet.EMPTY);
        // MySQL accepts a UUID without intervals; it contributes nothing
        assertThat(GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562")).isEqualTo(GtidSet.EMPTY);
        assertThat(GtidSet.EMPTY).hasToString("");
        assertThat(GtidSet.EMPTY.toMysqlString()).isEmpty();
        assertThat(GtidSet.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void printsSingleTransactionsWithoutDash() {
        GtidSet set = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:7-7:9");
        assertThat(set).hasToString("3e11fa47-71ca-11e1-9e33-c80aa9429562:7:9");
    }

    @Test
    void acceptsExtremeTransactionNumbers() {
        GtidSet set = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9223372036854775806");
        assertThat(set.count()).isEqualTo(Gtid.MAX_GNO);
        GtidSet two = set.union(GtidSet.parse("f4a3c9d2-8e5b-11ee-b5c1-0242ac120003:1-9223372036854775806"));
        assertThat(two.count()).isEqualTo(Long.MAX_VALUE); // saturated
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x|invalid UUID \"x\"",
        ":1|invalid UUID \":1\"",
        "3e11fa47-71ca-11e1-9e33-c80aa942956:1|invalid UUID \"3e11fa47-71ca-11e1-9e33-c80aa942956\"",
        "3e11fa47-71ca-11e1-9e33-c80aa94295620:1|invalid UUID \"3e11fa47-71ca-11e1-9e33-c80aa94295620\"",
        "3e11fa4771ca11e19e33c80aa9429562:1|invalid UUID \"3e11fa4771ca11e19e33c80aa9429562\"",
        "3e11fa47-71ca-11e1-9e33-c80aa942956g:1|invalid UUID \"3e11fa47-71ca-11e1-9e33-c80aa942956g\"",
        "3e11fa47+71ca-11e1-9e33-c80aa9429562:1|invalid UUID",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:|expected a transaction number but found \"end of input\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1:|expected a transaction number",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:0|transaction number \"0\" out of range",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-0|transaction number \"0\" out of range",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3|interval \"5-3\" ends before it starts",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-|expected a transaction number",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:-5|expected a transaction number but found \"-5\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:+5|expected a transaction number but found \"+5\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1 2|expected ':' or ',' but found \"2\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5x|expected ':' or ',' but found \"x\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562;1|invalid UUID \"3e11fa47-71ca-11e1-9e33-c80aa9429562;1\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5;2|expected ':' or ',' but found \";2\"",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:99999999999999999999|\"99999999999999999999\" out of range",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:9223372036854775807|\"9223372036854775807\" out of range",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1,garbage|invalid UUID \"garbage\"",
    })
    void rejectsMalformedNamingTheBadPart(String text, String expectedPart) {
        assertThatThrownBy(() -> GtidSet.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(UnsupportedGtidFormatException.class)
                .hasMessageStartingWith("Malformed GTID set: ")
                .hasMessageContaining(expectedPart);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> GtidSet.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1-5",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:Tag_1:3",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:_x:3",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:tag:7",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\nf4a3c9d2-8e5b-11ee-b5c1-0242ac120003: abc :7",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag",
    })
    void rejectsTaggedSets(String text) {
        assertThatThrownBy(() -> GtidSet.parse(text))
                .isInstanceOf(UnsupportedGtidFormatException.class)
                .hasMessageStartingWith("tagged GTID sets (MySQL 8.3+) are not supported");
    }

    @Test
    void longInputIsAbbreviatedInMessages() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append("3e11fa47-71ca-11e1-9e33-c80aa9429562:").append(i + 1).append(",\n");
        }
        sb.append("oops");
        assertThatThrownBy(() -> GtidSet.parse(sb.toString()))
                .hasMessageContaining("invalid UUID \"oops\"")
                .hasMessageContaining("chars)");
    }
}
