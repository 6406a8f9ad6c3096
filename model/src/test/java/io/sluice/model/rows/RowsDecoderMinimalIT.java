package io.sluice.model.rows;

/**
 * {@link AbstractRowsDecoderIT} with {@code binlog_row_metadata=MINIMAL} (the default): no names, ENUM as index,
 * SET as bit mask, everything else equal.
 */
class RowsDecoderMinimalIT extends AbstractRowsDecoderIT {
    @Override
    String rowMetadata() {
        return "MINIMAL";
    }

    @Override
    int serverId() {
        return 92;
    }
}
