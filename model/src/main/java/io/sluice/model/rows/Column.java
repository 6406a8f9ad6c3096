package io.sluice.model.rows;

import java.util.List;
import java.util.Objects;

/**
 * One column of a TABLE_MAP event (MySQL's {@code libbinlogevents/include/rows_event.h}, Table_map_event, and its
 * optional metadata, MySQL 8.0.1+).
 *
 * @param index        the column's position in the table, from 0
 * @param type         the binlog type code after resolving MYSQL_TYPE_STRING's real type: ENUM columns are 247
 *                     and SET columns 248 (see {@link ColumnTypes})
 * @param meta         the column's type metadata as MySQL's {@code Table_def} holds it (0 for types without):
 *                     FLOAT/DOUBLE pack length; VARCHAR/VAR_STRING maximum byte length; BLOB/JSON/GEOMETRY the size
 *                     of the length prefix; NEWDECIMAL {@code precision << 8 | scale}; BIT
 *                     {@code bytes << 8 | bits}; TIME2/DATETIME2/TIMESTAMP2 the fractional seconds precision;
 *                     STRING/ENUM/SET the two bytes {@code real_type << 8 | length}, as the binlog has them (the
 *                     real type may hold the high bits of a CHAR's length, see {@link #charMaxLength()})
 * @param nullable     whether the column may hold NULL
 * @param name         the column's name, null when the binlog has no names ({@code binlog_row_metadata=MINIMAL})
 * @param unsigned     whether a numeric column is UNSIGNED (from the SIGNEDNESS metadata; false without it)
 * @param collation    the collation id of a character column (or of an ENUM/SET column), -1 when unknown;
 *                     63 is {@code binary}
 * @param enumValues   an ENUM column's member names, empty if unknown
 * @param setValues    a SET column's member names, empty if unknown
 * @param geometryType a spatial column's geometry type (0 GEOMETRY, 1 POINT, 2 LINESTRING, 3 POLYGON,
 *                     4 MULTIPOINT, 5 MULTILINESTRING, 6 MULTIPOLYGON, 7 GEOMETRYCOLLECTION), -1 unknown
 * @param primaryKey   whether the column is part of the primary key (known with {@code binlog_row_metadata=FULL})
 * @param primaryKeyPrefix the length of the primary key prefix on this column, 0 for the whole column
 * @param visible      false for an INVISIBLE column (COLUMN_VISIBILITY, MySQL 8.0.23+); true when unknown
 */
public record Column(int index, int type, int meta, boolean nullable, String name, boolean unsigned, int collation,
                     List<String> enumValues, List<String> setValues, int geometryType, boolean primaryKey,
                     int primaryKeyPrefix, boolean visible) {

    /** Copies the lists. */
    public Column {
        enumValues = List.copyOf(Objects.requireNonNull(enumValues, "enumValues"));
        setValues = List.copyOf(Objects.requireNonNull(setValues, "setValues"));
    }

    /** A column without a primary key prefix, visible. */
    public Column(int index, int type, int meta, boolean nullable, String name, boolean unsigned, int collation,
                  List<String> enumValues, List<String> setValues, int geometryType, boolean primaryKey) {
        this(index, type, meta, nullable, name, unsigned, collation, enumValues, setValues, geometryType, primaryKey,
                0, true);
    }

    /** Whether the column's values are binary strings (collation 63, {@code binary}). */
    public boolean binary() {
        return collation == Collations.BINARY;
    }

    /**
     * The maximum byte length of a CHAR/BINARY column (type STRING), decoded from {@link #meta()}: the binlog packs
     * the bits 8 and 9 of the length into the real-type byte ({@code Field_string::save_field_metadata}).
     */
    public int charMaxLength() {
        return ColumnTypes.stringLength(meta);
    }

    /** A SQL-ish name of the type for messages and docs: {@code int unsigned}, {@code varchar}, {@code datetime(6)}. */
    public String typeName() {
        return ColumnTypes.typeName(this);
    }
}
