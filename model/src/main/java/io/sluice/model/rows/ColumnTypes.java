package io.sluice.model.rows;

/**
 * Binlog column type codes (MySQL's {@code include/field_types.h}, enum_field_types) and the naming of a column's
 * type for messages.
 */
public final class ColumnTypes {
    public static final int DECIMAL = 0;
    public static final int TINY = 1;
    public static final int SHORT = 2;
    public static final int LONG = 3;
    public static final int FLOAT = 4;
    public static final int DOUBLE = 5;
    public static final int NULL = 6;
    /** Pre-5.6 TIMESTAMP without fractions. */
    public static final int TIMESTAMP = 7;
    public static final int LONGLONG = 8;
    public static final int INT24 = 9;
    public static final int DATE = 10;
    /** Pre-5.6 TIME without fractions. */
    public static final int TIME = 11;
    /** Pre-5.6 DATETIME without fractions. */
    public static final int DATETIME = 12;
    public static final int YEAR = 13;
    public static final int NEWDATE = 14;
    public static final int VARCHAR = 15;
    public static final int BIT = 16;
    /** MySQL 5.6+. */
    public static final int TIMESTAMP2 = 17;
    /** MySQL 5.6+. */
    public static final int DATETIME2 = 18;
    /** MySQL 5.6+. */
    public static final int TIME2 = 19;
    /** MySQL 8.0.17+, only for multi-valued indexes, never a table column. */
    public static final int TYPED_ARRAY = 20;
    /** MySQL 5.7.8+. */
    public static final int JSON = 245;
    public static final int NEWDECIMAL = 246;
    public static final int ENUM = 247;
    public static final int SET = 248;
    public static final int TINY_BLOB = 249;
    public static final int MEDIUM_BLOB = 250;
    public static final int LONG_BLOB = 251;
    public static final int BLOB = 252;
    public static final int VAR_STRING = 253;
    public static final int STRING = 254;
    public static final int GEOMETRY = 255;

    private static final String[] GEOMETRY_NAMES = {
        "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
        "geometrycollection"};

    private ColumnTypes() {
    }

    /** Whether the SIGNEDNESS metadata has a bit for a column of this (resolved) type. */
    static boolean isNumeric(int type) {
        return switch (type) {
            case TINY, SHORT, INT24, LONG, LONGLONG, NEWDECIMAL, FLOAT, DOUBLE -> true;
            default -> false;
        };
    }

    /**
     * Whether DEFAULT_CHARSET/COLUMN_CHARSET have an entry for a column of this (resolved) type, as MySQL 8.0.31
     * writes them ({@code is_character_type} in {@code sql/log_event.cc}): CHAR, VARCHAR and BLOB/TEXT, not JSON and
     * not the spatial types (checked against a real server by RowsDecoderIT).
     */
    static boolean isCharacter(int type) {
        return switch (type) {
            case STRING, VAR_STRING, VARCHAR, BLOB -> true;
            default -> false;
        };
    }

    /** Whether ENUM_AND_SET_DEFAULT_CHARSET/ENUM_AND_SET_COLUMN_CHARSET have an entry for this (resolved) type. */
    static boolean isEnumOrSet(int type) {
        return type == ENUM || type == SET;
    }

    /**
     * The maximum byte length of a CHAR column from its STRING metadata ({@code real_type << 8 | length}): when the
     * two "type" bits 0x30 of the real type are not both set, they hold the length's bits 8 and 9, inverted.
     */
    static int stringLength(int meta) {
        int byte0 = meta >>> 8;
        int byte1 = meta & 0xff;
        if ((byte0 & 0x30) != 0x30) {
            return byte1 | (((byte0 & 0x30) ^ 0x30) << 4);
        }
        return byte1;
    }

    /** The real type of a STRING column from its metadata (STRING, ENUM or SET). */
    static int stringRealType(int meta) {
        int byte0 = meta >>> 8;
        return (byte0 & 0x30) != 0x30 ? byte0 | 0x30 : byte0;
    }

    /** A short name of a binlog type code, e.g. {@code VARCHAR} or {@code TYPE_99}. */
    public static String name(int type) {
        return switch (type) {
            case DECIMAL -> "DECIMAL";
            case TINY -> "TINY";
            case SHORT -> "SHORT";
            case LONG -> "LONG";
            case FLOAT -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case NULL -> "NULL";
            case TIMESTAMP -> "TIMESTAMP";
            case LONGLONG -> "LONGLONG";
            case INT24 -> "INT24";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case DATETIME -> "DATETIME";
            case YEAR -> "YEAR";
            case NEWDATE -> "NEWDATE";
            case VARCHAR -> "VARCHAR";
            case BIT -> "BIT";
            case TIMESTAMP2 -> "TIMESTAMP2";
            case DATETIME2 -> "DATETIME2";
            case TIME2 -> "TIME2";
            case TYPED_ARRAY -> "TYPED_ARRAY";
            case JSON -> "JSON";
            case NEWDECIMAL -> "NEWDECIMAL";
            case ENUM -> "ENUM";
            case SET -> "SET";
            case TINY_BLOB -> "TINY_BLOB";
            case MEDIUM_BLOB -> "MEDIUM_BLOB";
            case LONG_BLOB -> "LONG_BLOB";
            case BLOB -> "BLOB";
            case VAR_STRING -> "VAR_STRING";
            case STRING -> "STRING";
            case GEOMETRY -> "GEOMETRY";
            default -> "TYPE_" + type;
        };
    }

    static String typeName(Column c) {
        String unsigned = c.unsigned() ? " unsigned" : "";
        int meta = c.meta();
        boolean binary = c.binary();
        return switch (c.type()) {
            case TINY -> "tinyint" + unsigned;
            case SHORT -> "smallint" + unsigned;
            case INT24 -> "mediumint" + unsigned;
            case LONG -> "int" + unsigned;
            case LONGLONG -> "bigint" + unsigned;
            case FLOAT -> "float" + unsigned;
            case DOUBLE -> "double" + unsigned;
            case NEWDECIMAL -> "decimal(" + (meta >>> 8) + "," + (meta & 0xff) + ")" + unsigned;
            case DECIMAL -> "decimal(old)";
            case YEAR -> "year";
            case DATE, NEWDATE -> "date";
            case TIME -> "time";
            case DATETIME -> "datetime";
            case TIMESTAMP -> "timestamp";
            case TIME2 -> "time" + fsp(meta);
            case DATETIME2 -> "datetime" + fsp(meta);
            case TIMESTAMP2 -> "timestamp" + fsp(meta);
            case STRING -> binary ? "binary" : "char";
            case VARCHAR, VAR_STRING -> binary ? "varbinary" : "varchar";
            case BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> switch (meta) {
                case 1 -> binary ? "tinyblob" : "tinytext";
                case 2 -> binary ? "blob" : "text";
                case 3 -> binary ? "mediumblob" : "mediumtext";
                case 4 -> binary ? "longblob" : "longtext";
                default -> binary ? "blob" : "text";
            };
            case ENUM -> "enum";
            case SET -> "set";
            case BIT -> "bit(" + ((meta >>> 8) * 8 + (meta & 0xff)) + ")";
            case JSON -> "json";
            case GEOMETRY -> c.geometryType() >= 0 && c.geometryType() < GEOMETRY_NAMES.length
                    ? GEOMETRY_NAMES[c.geometryType()] : "geometry";
            default -> name(c.type()).toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String fsp(int meta) {
        return meta == 0 ? "" : "(" + meta + ")";
    }
}
