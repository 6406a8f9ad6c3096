package io.sluice.model.rows;

/** Parses TABLE_MAP events (see {@link TableMap#parse(byte[], boolean)}). */
final class TableMapParser {
    private TableMapParser() {
    }

    static TableMap parse(byte[] event, boolean checksum) {
        throw new UnsupportedOperationException("not yet");
    }
}
