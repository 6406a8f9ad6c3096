package io.sluice.model.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Garbled events never escape as anything but {@link RowsDecodingException}: random bytes of the golden
 * TABLE_MAP and WRITE_ROWS events of {@link RowsDecoderTest} are overwritten (the header's type and size kept, so
 * the body is what gets parsed).
 */
class RowsDecoderGarbleTest {

    @Property(tries = 3000)
    void garbledRowsEventsFailCleanly(@ForAll @IntRange(min = 19, max = 51) int at, @ForAll byte value,
                                      @ForAll @IntRange(min = 19, max = 51) int at2, @ForAll byte value2) {
        byte[] rows = RowsDecoderTest.WRITE_ROWS.clone();
        rows[at] = value;
        rows[at2] = value2;
        RowsDecoder decoder = new RowsDecoder(true);
        decoder.accept(RowsDecoderTest.TABLE_MAP);
        assertDecodesOrFailsCleanly(() -> decoder.accept(rows));
    }

    @Property(tries = 3000)
    void garbledTableMapsFailCleanly(@ForAll @IntRange(min = 19, max = 87) int at, @ForAll byte value,
                                     @ForAll @IntRange(min = 19, max = 87) int at2, @ForAll byte value2) {
        byte[] map = RowsDecoderTest.TABLE_MAP.clone();
        map[at] = value;
        map[at2] = value2;
        RowsDecoder decoder = new RowsDecoder(true);
        assertDecodesOrFailsCleanly(() -> {
            decoder.accept(map);
            return decoder.accept(RowsDecoderTest.WRITE_ROWS);
        });
    }

    private static void assertDecodesOrFailsCleanly(java.util.function.Supplier<List<RowChange>> decode) {
        try {
            List<RowChange> rows = decode.get();
            assertThat(rows).isNotNull();
        } catch (RowsDecodingException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
