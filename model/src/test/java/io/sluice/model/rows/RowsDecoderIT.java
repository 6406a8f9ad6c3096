package io.sluice.model.rows;

/** {@link AbstractRowsDecoderIT} with {@code binlog_row_metadata=FULL}: names, ENUM/SET members, primary key. */
class RowsDecoderIT extends AbstractRowsDecoderIT {
    @Override
    String rowMetadata() {
        return "FULL";
    }

    @Override
    int serverId() {
        return 91;
    }
}
