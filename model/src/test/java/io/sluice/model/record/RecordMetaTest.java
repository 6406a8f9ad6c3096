package io.sluice.model.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordMetaTest {

    private static final Gtid GTID = Gtid.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
    private static final GtidSet BEFORE = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-22");
    private static final String SOURCE = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final byte[] FDE = {(byte) 0xa4, (byte) 0xd2, 0x70, 0x63, 0x0f, 0, 0, (byte) 0xff};

    /** The headers as a map, the last value of a key winning, as a Kafka reader's {@code lastHeader} does. */
    private static Map<String, byte[]> map(List<RecordMeta.Header> headers) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        headers.forEach(h -> m.put(h.key(), h.value()));
        return m;
    }

    private static Map<String, String> text(List<RecordMeta.Header> headers) {
        Map<String, String> m = new LinkedHashMap<>();
        headers.forEach(h -> m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return m;
    }

    private static RecordMeta roundTrip(RecordMeta meta) {
        return RecordMeta.decode(map(meta.toHeaders())::get);
    }

    @Test
    void wholeTransaction() {
        RecordMeta meta = RecordMeta.transaction("binlog.000003", 4711, GTID);
        assertThat(text(meta.toHeaders())).containsExactly(
                Map.entry("sluice.format", "1"),
                Map.entry("sluice.kind", "txn"),
                Map.entry("sluice.file", "binlog.000003"),
                Map.entry("sluice.pos", "4711"),
                Map.entry("sluice.gtid", "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"));
        RecordMeta back = roundTrip(meta);
        assertThat(back).isEqualTo(meta);
        assertThat(back.part()).isEqualTo(-1);
        assertThat(back.lastPart()).isTrue();
        assertThat(back.startsTransaction()).isTrue();
        assertThat(back.endsUnit()).isTrue();
    }

    @Test
    void anonymousTransactionHasNoGtidHeader() {
        RecordMeta meta = RecordMeta.transaction("binlog.000003", 4711, null);
        assertThat(map(meta.toHeaders())).doesNotContainKey(RecordMeta.H_GTID);
        assertThat(roundTrip(meta)).isEqualTo(meta);
    }

    @Test
    void partsOfASplitTransaction() {
        RecordMeta first = RecordMeta.transactionPart("binlog.000003", 0, GTID, 0, false);
        RecordMeta middle = RecordMeta.transactionPart("binlog.000003", 0, GTID, 1, false);
        RecordMeta last = RecordMeta.transactionPart("binlog.000003", 9000, GTID, 2, true);
        assertThat(text(first.toHeaders()))
                .containsEntry("sluice.part", "0")
                .containsEntry("sluice.part.last", "false")
                .containsEntry("sluice.pos", "0");
        assertThat(text(last.toHeaders())).containsEntry("sluice.part", "2").containsEntry("sluice.part.last", "true");
        for (RecordMeta meta : List.of(first, middle, last)) {
            assertThat(roundTrip(meta)).isEqualTo(meta);
        }
        assertThat(first.startsTransaction()).isTrue();
        assertThat(first.endsUnit()).isFalse();
        assertThat(middle.startsTransaction()).isFalse();
        assertThat(middle.endsUnit()).isFalse();
        assertThat(last.startsTransaction()).isFalse();
        assertThat(last.endsUnit()).isTrue();
    }

    @Test
    void control() {
        RecordMeta meta = RecordMeta.control("binlog.000003", 126);
        assertThat(text(meta.toHeaders())).containsExactly(
                Map.entry("sluice.format", "1"),
                Map.entry("sluice.kind", "control"),
                Map.entry("sluice.file", "binlog.000003"),
                Map.entry("sluice.pos", "126"));
        RecordMeta back = roundTrip(meta);
        assertThat(back).isEqualTo(meta);
        assertThat(back.kind()).isEqualTo(RecordKind.CONTROL);
        assertThat(back.gtid()).isNull();
        assertThat(back.startsTransaction()).isFalse();
        assertThat(back.endsUnit()).isTrue();
    }

    @Test
    void checkpointWithFormatDescriptionAndSource() {
        RecordMeta meta = RecordMeta.transaction("binlog.000003", 4711, GTID).withCheckpoint(BEFORE, FDE, SOURCE);
        Map<String, byte[]> headers = map(meta.toHeaders());
        assertThat(new String(headers.get("sluice.gtids"), StandardCharsets.UTF_8))
                .isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-22");
        assertThat(headers.get("sluice.fde")).isEqualTo(FDE);
        assertThat(new String(headers.get("sluice.source.uuid"), StandardCharsets.UTF_8)).isEqualTo(SOURCE);
        RecordMeta back = roundTrip(meta);
        assertThat(back).isEqualTo(meta);
        assertThat(back.checkpoint()).isEqualTo(BEFORE);
        assertThat(back.fde()).isEqualTo(FDE);
        assertThat(back.sourceUuid()).isEqualTo(SOURCE);
    }

    @Test
    void checkpointOnAControlRecordAndWithAnEmptySet() {
        RecordMeta meta = RecordMeta.control("binlog.000001", 126).withCheckpoint(GtidSet.EMPTY, FDE, SOURCE);
        RecordMeta back = roundTrip(meta);
        assertThat(back.checkpoint()).isEqualTo(GtidSet.EMPTY); // an empty value is not an absent header
        assertThat(back).isEqualTo(meta);
    }

    @Test
    void checkpointHeadersAreIgnoredWithoutTheSet() {
        Map<String, byte[]> headers = map(RecordMeta.control("binlog.000001", 126).toHeaders());
        headers.put(RecordMeta.H_FDE, FDE);
        headers.put(RecordMeta.H_SOURCE, SOURCE.getBytes(StandardCharsets.UTF_8));
        RecordMeta back = RecordMeta.decode(headers::get);
        assertThat(back.fde()).isNull();
        assertThat(back.sourceUuid()).isNull();
    }

    @Test
    void unknownHeadersAreIgnored() {
        Map<String, byte[]> headers = map(RecordMeta.control("binlog.000001", 126).toHeaders());
        headers.put("sluice.future", new byte[] {1});
        assertThat(RecordMeta.decode(headers::get)).isEqualTo(RecordMeta.control("binlog.000001", 126));
    }

    @Test
    void fdeIsCopiedInAndOut() {
        byte[] fde = FDE.clone();
        RecordMeta meta = RecordMeta.control("binlog.000001", 126).withCheckpoint(BEFORE, fde, SOURCE);
        fde[0] = 0;
        meta.fde()[1] = 0;
        assertThat(meta.fde()).isEqualTo(FDE);
    }

    private static Map<String, byte[]> valid() {
        return new HashMap<>(map(RecordMeta.transaction("binlog.000003", 4711, GTID)
                .withCheckpoint(BEFORE, FDE, SOURCE).toHeaders()));
    }

    private static void put(Map<String, byte[]> headers, String key, String value) {
        headers.put(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unknownFormatVersionIsRefused() {
        for (String version : new String[] {"2", "0", "", "1.0"}) {
            Map<String, byte[]> headers = valid();
            put(headers, RecordMeta.H_FORMAT, version);
            assertThatThrownBy(() -> RecordMeta.decode(headers::get)).as("version '%s'", version)
                    .isInstanceOf(TopicFormatException.class).hasMessageContaining("version");
        }
    }

    @Test
    void missingRequiredHeaderIsRefused() {
        for (String key : List.of(RecordMeta.H_FORMAT, RecordMeta.H_KIND, RecordMeta.H_FILE, RecordMeta.H_POS)) {
            Map<String, byte[]> headers = valid();
            headers.remove(key);
            assertThatThrownBy(() -> RecordMeta.decode(headers::get)).as("without %s", key)
                    .isInstanceOf(TopicFormatException.class);
        }
        Map<String, byte[]> partWithoutLast = map(RecordMeta.transactionPart("f", 0, GTID, 0, false).toHeaders());
        partWithoutLast.remove(RecordMeta.H_LAST);
        assertThatThrownBy(() -> RecordMeta.decode(partWithoutLast::get))
                .isInstanceOf(TopicFormatException.class).hasMessageContaining(RecordMeta.H_LAST);
    }

    @Test
    void malformedValuesAreRefused() {
        Map<String, String> bad = Map.of(
                RecordMeta.H_GTID, "3e11fa47-71ca-11e1-9e33-c80aa9429562",
                RecordMeta.H_KIND, "transaction",
                RecordMeta.H_POS, "12a",
                RecordMeta.H_PART, "-2",
                RecordMeta.H_GTIDS, "3e11fa47:1-2");
        bad.forEach((key, value) -> {
            Map<String, byte[]> headers = valid();
            put(headers, key, value);
            if (key.equals(RecordMeta.H_PART)) {
                put(headers, RecordMeta.H_LAST, "false");
            }
            assertThatThrownBy(() -> RecordMeta.decode(headers::get)).as("%s = %s", key, value)
                    .isInstanceOf(TopicFormatException.class);
        });
        for (String gtid : new String[] {"nonsense", "3e11fa47-71ca-11e1-9e33-c80aa9429562:0",
                "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:5"}) {
            Map<String, byte[]> headers = valid();
            put(headers, RecordMeta.H_GTID, gtid);
            assertThatThrownBy(() -> RecordMeta.decode(headers::get)).as("gtid %s", gtid)
                    .isInstanceOf(TopicFormatException.class).hasMessageContaining("malformed");
        }
    }

    @Test
    void recordKindWireNames() {
        assertThat(RecordKind.ofWire("txn")).isEqualTo(RecordKind.TRANSACTION);
        assertThat(RecordKind.ofWire("control")).isEqualTo(RecordKind.CONTROL);
        assertThatThrownBy(() -> RecordKind.ofWire("TXN")).isInstanceOf(TopicFormatException.class);
    }

    @Test
    void constructorValidates() {
        assertThatThrownBy(() -> RecordMeta.transactionPart("f", 0, GTID, -2, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordMeta.control(null, 0)).isInstanceOf(NullPointerException.class);
    }
}
