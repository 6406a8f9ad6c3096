package io.sluice.kafka.binlog;

import io.sluice.model.gtid.Gtid;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RecordsTest {
    private static final Gtid GTID = new Gtid(UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562"), 7);

    @Test
    void positionsOnlyKeepsTheFirstEventHeaderOfATransactionAndControlEventsWhole() {
        byte[] value = new byte[300];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        RecordHeaders txn = Records.headers(RecordMeta.transaction("binlog.000001", 500, GTID));
        RecordHeaders control = Records.headers(RecordMeta.control("binlog.000001", 500));
        Deserializer<byte[]> d = Records.positionsOnly();

        // the consumer hands a window of a larger buffer
        ByteBuffer window = ByteBuffer.allocate(400).position(50);
        window.put(value).flip().position(50);
        assertThat(d.deserialize("t", txn, window)).isEqualTo(Arrays.copyOf(value, 19));
        assertThat(window.position()).as("the consumer's buffer is left as it was").isEqualTo(50);
        assertThat(d.deserialize("t", control, window)).isEqualTo(value);
        assertThat(d.deserialize("t", txn, value)).hasSize(19);
        assertThat(d.deserialize("t", control, value)).isEqualTo(value);
        assertThat(d.deserialize("t", txn, ByteBuffer.wrap(new byte[5]))).hasSize(5);
        assertThat(d.deserialize("t", txn, (ByteBuffer) null)).isNull();
        assertThat(d.deserialize("t", value)).isEqualTo(value);
    }
}
