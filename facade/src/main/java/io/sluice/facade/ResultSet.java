package io.sluice.facade;

import io.sluice.model.protocol.PacketWriter;
import io.sluice.model.protocol.Packets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small text-protocol result set: column definitions (Protocol::ColumnDefinition41) and rows of strings.
 * See MySQL's {@code sql/protocol_classic.cc} (send_result_set_metadata, store_string).
 */
record ResultSet(List<Column> columns, List<List<String>> rows) {
    /** MYSQL_TYPE_LONGLONG. */
    static final int TYPE_LONGLONG = 0x08;
    /** MYSQL_TYPE_VAR_STRING. */
    static final int TYPE_VAR_STRING = 0xfd;
    private static final int UTF8MB4 = 255;
    private static final int BINARY = 63;

    /** A column: its name and MySQL type. */
    record Column(String name, int type) {
        static Column text(String name) {
            return new Column(name, TYPE_VAR_STRING);
        }

        static Column number(String name) {
            return new Column(name, TYPE_LONGLONG);
        }
    }

    /** One row of text columns. */
    static ResultSet single(List<Column> columns, String... values) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(Arrays.asList(values));
        return new ResultSet(columns, rows);
    }

    /** The packets of the result set: count, definitions, (EOF), rows, EOF or OK. */
    List<byte[]> encode(boolean deprecateEof, int status) {
        List<byte[]> packets = new ArrayList<>(columns.size() + rows.size() + 3);
        packets.add(new PacketWriter(4).lenencInt(columns.size()).toByteArray());
        for (Column c : columns) {
            boolean number = c.type() == TYPE_LONGLONG;
            packets.add(new PacketWriter(64)
                    .lenencString("def").lenencString("").lenencString("").lenencString("")
                    .lenencString(c.name()).lenencString(c.name())
                    .lenencInt(0x0c)
                    .u16(number ? BINARY : UTF8MB4)
                    .u32(number ? 21 : 1024)
                    .u8(c.type())
                    .u16(number ? 0x0001 | 0x0080 : 0)
                    .u8(0)
                    .u16(0)
                    .toByteArray());
        }
        if (!deprecateEof) {
            packets.add(Packets.eof(0, status));
        }
        for (List<String> row : rows) {
            PacketWriter w = new PacketWriter(64);
            for (String v : row) {
                w.lenencString(v);
            }
            packets.add(w.toByteArray());
        }
        packets.add(deprecateEof ? Packets.okAsEof(status, 0) : Packets.eof(0, status));
        return packets;
    }
}
