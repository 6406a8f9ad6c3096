package io.sluice.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.model.rows.Geometry;
import io.sluice.model.rows.JsonBinary;
import io.sluice.model.rows.MysqlJson;
import io.sluice.model.rows.RowChange;
import io.sluice.model.rows.RowImage;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

/**
 * The JSON envelope of one decoded row change, and its key ({@code docs/row-events.md} is the contract).
 *
 * <p>Value: {@code format}, {@code op} ({@code insert}, {@code update}, {@code delete}), {@code database},
 * {@code table}, {@code gtid}, {@code file} and {@code pos} (where the rows event holding the row starts in the
 * source's binlog), {@code row} (the row change's index within its transaction, from 0), {@code commitTimeUs}
 * (the transaction's original commit time in microseconds since the epoch), {@code before} and {@code after}
 * (column name to value; {@code null} for the image an operation has not; a column the binlog did not log, under
 * {@code binlog_row_image=MINIMAL}, is left out).
 *
 * <p>Key: {@code {"database":…,"table":…,"key":{primary key columns}}}, {@code "key":null} when the primary key is
 * not known. Records of one row therefore share a partition.
 */
final class Envelope {
    /** The version of the envelope; a reader refuses another. */
    static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Where a row change comes from. */
    record Origin(String gtid, String file, long pos, int row, long commitTimeUs) {
    }

    /** A key and a value, JSON text, and the table as {@code database.table}. */
    record Encoded(String table, String key, String value) {
    }

    private Envelope() {
    }

    static Encoded encode(RowChange change, ColumnNaming.Names names, Origin origin) {
        ObjectNode value = NODES.objectNode();
        value.put("format", FORMAT);
        value.put("op", op(change));
        value.put("database", change.table().database());
        value.put("table", change.table().table());
        if (origin.gtid() == null) {
            value.putNull("gtid");
        } else {
            value.put("gtid", origin.gtid());
        }
        value.put("file", origin.file());
        value.put("pos", origin.pos());
        value.put("row", origin.row());
        value.put("commitTimeUs", origin.commitTimeUs());
        value.set("before", image(change.before(), names));
        value.set("after", image(change.after(), names));

        ObjectNode key = NODES.objectNode();
        key.put("database", change.table().database());
        key.put("table", change.table().table());
        RowImage keyImage = change.after() != null ? change.after() : change.before();
        key.set("key", primaryKey(keyImage, names));
        try {
            return new Encoded(change.table().database() + "." + change.table().table(),
                    MAPPER.writeValueAsString(key), MAPPER.writeValueAsString(value));
        } catch (Exception e) {
            throw new DecoderException("cannot write the row change of `" + change.table().database() + "`.`"
                    + change.table().table() + "` at " + origin.file() + ":" + origin.pos() + " as JSON: "
                    + e.getMessage(), e);
        }
    }

    private static String op(RowChange change) {
        return switch (change.op()) {
            case INSERT -> "insert";
            case UPDATE -> "update";
            case DELETE -> "delete";
        };
    }

    private static JsonNode image(RowImage image, ColumnNaming.Names names) {
        if (image == null) {
            return NODES.nullNode();
        }
        ObjectNode row = NODES.objectNode();
        List<Object> values = image.values();
        for (int i = 0; i < values.size(); i++) {
            if (image.present().get(i)) {
                row.set(names.name(i), json(names.value(i, values.get(i))));
            }
        }
        return row;
    }

    private static JsonNode primaryKey(RowImage image, ColumnNaming.Names names) {
        if (image == null || names.primaryKey().isEmpty()) {
            return NODES.nullNode();
        }
        ObjectNode key = NODES.objectNode();
        for (int i : names.primaryKey()) {
            if (!image.present().get(i)) {
                return NODES.nullNode();
            }
            key.set(names.name(i), json(names.value(i, image.values().get(i))));
        }
        return key;
    }

    /** The JSON form of a decoded column value (the table in {@code docs/row-events.md}). */
    static JsonNode json(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof Long l) {
            return NODES.numberNode(l);
        } else if (value instanceof Integer i) {
            return NODES.numberNode(i);
        } else if (value instanceof BigInteger b) {
            return NODES.numberNode(b);
        } else if (value instanceof Float f) {
            return NODES.numberNode(f);
        } else if (value instanceof Double d) {
            return NODES.numberNode(d);
        } else if (value instanceof BigDecimal d) {
            return NODES.textNode(d.toPlainString());
        } else if (value instanceof String s) {
            return NODES.textNode(s);
        } else if (value instanceof byte[] b) {
            return NODES.textNode(Base64.getEncoder().encodeToString(b));
        } else if (value instanceof List<?> list) {
            ArrayNode members = NODES.arrayNode();
            for (Object member : list) {
                members.add(String.valueOf(member));
            }
            return members;
        } else if (value instanceof MysqlJson j) {
            // as text: nested, a JSON column's JSON null could not be told from SQL NULL
            return NODES.textNode(JsonBinary.toJson(j.binary()));
        } else if (value instanceof Geometry g) {
            ObjectNode geometry = NODES.objectNode();
            geometry.put("srid", g.srid());
            geometry.put("wkb", Base64.getEncoder().encodeToString(g.wkb()));
            return geometry;
        }
        throw new DecoderException("no JSON form for a decoded value of " + value.getClass().getName());
    }
}
