package io.sluice.model.rows;

import java.math.BigInteger;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one column value of a row image, after MySQL's {@code sql/log_event.cc} ({@code log_event_print_value})
 * and the {@code Field_*::pack} methods of {@code sql/field.cc} that write them. See {@link RowsDecoder} for the
 * Java type of each column type.
 */
final class ValueDecoder {
    private ValueDecoder() {
    }

    static Object decode(Reader r, Column c) {
        int meta = c.meta();
        return switch (c.type()) {
            case ColumnTypes.TINY -> integer(r.u8("TINYINT"), 1, c.unsigned());
            case ColumnTypes.SHORT -> integer(r.u16("SMALLINT"), 2, c.unsigned());
            case ColumnTypes.INT24 -> integer(r.u24("MEDIUMINT"), 3, c.unsigned());
            case ColumnTypes.LONG -> integer(r.u32("INT"), 4, c.unsigned());
            case ColumnTypes.LONGLONG -> {
                long v = r.u64("BIGINT");
                yield c.unsigned() && v < 0 ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
            }
            case ColumnTypes.FLOAT -> Float.intBitsToFloat((int) r.u32("FLOAT"));
            case ColumnTypes.DOUBLE -> Double.longBitsToDouble(r.u64("DOUBLE"));
            case ColumnTypes.NEWDECIMAL -> {
                int precision = meta >>> 8;
                int scale = meta & 0xff;
                if (precision < 1 || precision > 65 || scale > 30 || scale > precision) {
                    throw new RowsDecodingException("invalid DECIMAL(" + precision + "," + scale + ") metadata");
                }
                int at = r.take(Decimals.binarySize(precision, scale), "DECIMAL(" + precision + "," + scale + ")");
                yield Decimals.decode(r.data(), at, precision, scale, "DECIMAL");
            }
            case ColumnTypes.YEAR -> {
                int y = r.u8("YEAR");
                yield y == 0 ? 0 : 1900 + y;
            }
            case ColumnTypes.DATE, ColumnTypes.NEWDATE -> Temporals.date(r.u24("DATE"));
            case ColumnTypes.TIME -> Temporals.time(r.u24("TIME"));
            case ColumnTypes.DATETIME -> Temporals.datetime(r.u64("DATETIME"));
            case ColumnTypes.TIMESTAMP -> Temporals.timestamp(r.u32("TIMESTAMP"));
            case ColumnTypes.TIME2 -> Temporals.time2(r, meta);
            case ColumnTypes.DATETIME2 -> Temporals.datetime2(r, meta);
            case ColumnTypes.TIMESTAMP2 -> Temporals.timestamp2(r, meta);
            case ColumnTypes.VARCHAR, ColumnTypes.VAR_STRING -> {
                int length = meta < 256 ? r.u8("length") : r.u16("length");
                yield string(r, length, c);
            }
            case ColumnTypes.STRING -> charValue(r, c);
            case ColumnTypes.BLOB, ColumnTypes.TINY_BLOB, ColumnTypes.MEDIUM_BLOB, ColumnTypes.LONG_BLOB ->
                    string(r, lengthPrefix(r, meta, "BLOB"), c);
            case ColumnTypes.JSON -> new MysqlJson(r.bytes(lengthPrefix(r, meta, "JSON"), "JSON value"));
            case ColumnTypes.GEOMETRY -> {
                int length = lengthPrefix(r, meta, "GEOMETRY");
                if (length < 4) {
                    throw new RowsDecodingException("GEOMETRY value of " + length + " bytes has no SRID");
                }
                int srid = (int) r.u32("SRID");
                yield new Geometry(srid, r.bytes(length - 4, "WKB"));
            }
            case ColumnTypes.ENUM -> enumValue(r, c);
            case ColumnTypes.SET -> setValue(r, c);
            case ColumnTypes.BIT -> bitValue(r, meta);
            default -> throw new RowsDecodingException("unsupported column type " + ColumnTypes.name(c.type()));
        };
    }

    /** CHAR/BINARY: a 1-byte length up to 255 bytes, else 2; BINARY(n) gets back its 0x00 padding. */
    private static Object charValue(Reader r, Column c) {
        int max = ColumnTypes.stringLength(c.meta());
        int length = max < 256 ? r.u8("length") : r.u16("length");
        if (c.binary() && length < max) {
            // Field_string::pack strips BINARY(n)'s trailing 0x00 padding, which the column keeps
            byte[] padded = new byte[max];
            System.arraycopy(r.data(), r.take(length, "BINARY value"), padded, 0, length);
            return padded;
        }
        return string(r, length, c);
    }

    /** ENUM: a 1- or 2-byte index from 1; 0 is the error value {@code ""}. */
    private static Object enumValue(Reader r, Column c) {
        int size = c.meta() & 0xff;
        if (size != 1 && size != 2) {
            throw new RowsDecodingException("ENUM with invalid pack length " + size);
        }
        int index = (int) r.uintLe(size, "ENUM");
        if (c.enumValues().isEmpty()) {
            return index;
        }
        if (index == 0) {
            return "";
        }
        if (index > c.enumValues().size()) {
            throw new RowsDecodingException("ENUM index " + index + " beyond its " + c.enumValues().size()
                    + " members");
        }
        return c.enumValues().get(index - 1);
    }

    /** SET: a 1- to 8-byte bit mask, bit 0 the first member. */
    private static Object setValue(Reader r, Column c) {
        int size = c.meta() & 0xff;
        if (size < 1 || size > 8) {
            throw new RowsDecodingException("SET with invalid pack length " + size);
        }
        long bits = r.uintLe(size, "SET");
        if (c.setValues().isEmpty()) {
            return bits;
        }
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((bits >>> i & 1) != 0) {
                if (i >= c.setValues().size()) {
                    throw new RowsDecodingException("SET bit " + i + " beyond its " + c.setValues().size()
                            + " members");
                }
                members.add(c.setValues().get(i));
            }
        }
        return List.copyOf(members);
    }

    /** BIT(M): (M + 7) / 8 bytes big-endian, unsigned. */
    private static Object bitValue(Reader r, int meta) {
        int nbits = (meta >>> 8) * 8 + (meta & 0xff);
        int length = (nbits + 7) / 8;
        if (length > 8) {
            throw new RowsDecodingException("BIT(" + nbits + ") is longer than 64 bits");
        }
        long v = r.uintBe(length, "BIT");
        return v < 0 ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
    }

    private static Long integer(long raw, int bytes, boolean unsigned) {
        if (unsigned) {
            return raw;
        }
        int shift = 64 - 8 * bytes;
        return raw << shift >> shift;
    }

    private static int lengthPrefix(Reader r, int meta, String what) {
        if (meta < 1 || meta > 4) {
            throw new RowsDecodingException(what + " with invalid length size " + meta);
        }
        long length = r.uintLe(meta, what + " length");
        if (length > r.remaining()) {
            r.take(length, what + " value");
        }
        return (int) length;
    }

    private static Object string(Reader r, int length, Column c) {
        int at = r.take(length, "string value");
        Charset cs = Collations.charset(c.collation());
        if (cs == null) {
            byte[] out = new byte[length];
            System.arraycopy(r.data(), at, out, 0, length);
            return out;
        }
        return new String(r.data(), at, length, cs);
    }
}
