package io.sluice.model.rows;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * MySQL's binary JSON (the JSON column format in the binlog and in InnoDB), as JSON text. Follows MySQL's
 * {@code sql-common/json_binary.cc} (the format, and the checks of {@code parse_binary}) and
 * {@code sql-common/json_dom.cc} ({@code wrapper_to_string}, how {@code CAST(j AS CHAR)} prints each value).
 *
 * <h2>The format</h2>
 * A document is one type byte and a value. Types: {@code 0x00}/{@code 0x01} small/large object, {@code 0x02}/
 * {@code 0x03} small/large array, {@code 0x04} literal (one byte: {@code 0} null, {@code 1} true, {@code 2} false),
 * {@code 0x05} int16, {@code 0x06} uint16, {@code 0x07} int32, {@code 0x08} uint32, {@code 0x09} int64,
 * {@code 0x0a} uint64, {@code 0x0b} double (IEEE 754), {@code 0x0c} string (length, then UTF-8), {@code 0x0f} opaque
 * (a MySQL field type byte, a length, then the data); all integers little-endian. A container is its element count
 * and its size in bytes (2 bytes each when small, 4 when large), for an object one key entry per member (offset of
 * the key, 2 or 4 bytes, then its 2-byte length), one value entry per element (type byte, then 2 or 4 bytes: the
 * offset of the value, or the value itself for literals, int16 and uint16, and in large containers int32 and uint32
 * too), then the keys and the values. Offsets count from the byte after the container's type byte. Lengths of
 * strings and opaque data are variable-length: 7 bits a byte, least significant first, high bit set on every byte
 * but the last, at most 5 bytes.
 *
 * <h2>The text</h2>
 * Compact JSON (RFC 8259) without any space; it parses to the same tree as MySQL's {@code CAST(j AS CHAR)}:
 * <ul>
 *   <li>Object members in the order of the document, which is MySQL's key order (shorter keys first, then by
 *       bytes).</li>
 *   <li>Integers of every width exactly, uint64 unsigned.</li>
 *   <li>Doubles with the fewest significant digits that read back as the same double, laid out as MySQL's
 *       {@code my_gcvt} lays them out for JSON: plain ({@code 1.5}, {@code 0.001}, {@code 100.0}) when the
 *       decimal exponent is from -15 to 14, or is 15 with a digit after the point
 *       ({@code 1234567890123456.8}); otherwise {@code d.ddde[-]N} ({@code 1e15}, {@code 1.5e-16},
 *       {@code 1.7976931348623157e308}). A plain number without a point gets {@code .0}, as MySQL prints it, so
 *       doubles stay apart from integers.</li>
 *   <li>Strings with {@code "}, <code>&#92;</code> and the control characters below U+0020 escaped ({@code \b \f \n \r
 *       \t}, else {@code \u005cu00XX}); everything else as is.</li>
 *   <li>Opaque DECIMAL (field type 246: precision byte, scale byte, then the bytes of {@code bin2decimal} of
 *       {@code strings/decimal.cc}) as a JSON number with exactly the decimal's scale ({@code 1.250}); a zero
 *       is printed without a sign.</li>
 *   <li>Opaque DATE (10), TIME (11), DATETIME (12) and TIMESTAMP (7), each an 8-byte little-endian packed
 *       {@code longlong} of {@code mysys/my_time.cc} ({@code TIME_from_longlong_*_packed}), as the strings MySQL
 *       prints: {@code "2015-01-15"}, {@code "23:24:25.000000"} (negative and beyond 24 hours as MySQL prints them:
 *       {@code "-838:59:59.000000"}), {@code "2015-01-15 23:24:25.000000"}; always six fraction digits, whatever
 *       the precision of the value was. Values MySQL never stores (month 13, minute 60, a fraction of a million
 *       microseconds or more, a negative datetime) are a {@link JsonBinaryException}.</li>
 *   <li>Opaque VAR_STRING (253) as a plain JSON string, as MySQL does.</li>
 *   <li>Any other opaque value as MySQL prints it: {@code "base64:typeNN:<data in base64>"}, the base64 broken
 *       into lines of 76 characters by {@code \n} as MySQL's {@code base64_encode} does.</li>
 *   <li>An empty document (length 0) is {@code null}, as MySQL reads it.</li>
 * </ul>
 *
 * <h2>Checks</h2>
 * Every count, offset and length is checked against the bytes of its container and of the document: key and value
 * offsets must point past the container's entries and inside it, values must end inside it, literals must be 0, 1
 * or 2, strings and keys must be well-formed UTF-8, doubles finite. Containers nest at most 100 deep (MySQL's
 * {@code JSON_DOCUMENT_MAX_DEPTH}); deeper documents are refused, never a stack overflow. Bytes after the top-level
 * value, and unused bytes inside containers (left by MySQL's partial updates), are ignored, as MySQL ignores them.
 * Every failure is a {@link JsonBinaryException} with the offset (from the document's first byte) where it was
 * found.
 */
public final class JsonBinary {
    /** MySQL's {@code JSON_DOCUMENT_MAX_DEPTH}: how deep arrays and objects may nest. */
    public static final int MAX_DEPTH = 100;

    static final int SMALL_OBJECT = 0x00;
    static final int LARGE_OBJECT = 0x01;
    static final int SMALL_ARRAY = 0x02;
    static final int LARGE_ARRAY = 0x03;
    static final int LITERAL = 0x04;
    static final int INT16 = 0x05;
    static final int UINT16 = 0x06;
    static final int INT32 = 0x07;
    static final int UINT32 = 0x08;
    static final int INT64 = 0x09;
    static final int UINT64 = 0x0a;
    static final int DOUBLE = 0x0b;
    static final int STRING = 0x0c;
    static final int OPAQUE = 0x0f;

    private final byte[] data;
    private final int base;
    private final StringBuilder out;

    private JsonBinary(byte[] data, int base, int length) {
        this.data = data;
        this.base = base;
        this.out = new StringBuilder(Math.min(length, 1 << 20) + 16);
    }

    /**
     * The JSON text of a binary JSON document; an empty document (length 0) is the JSON literal null.
     *
     * @param data holds the document
     * @param offset where the document starts (its type byte)
     * @param length how many bytes the document has (in a row event: the length before the value)
     * @return compact JSON text, as the class documentation describes it
     * @throws JsonBinaryException if the document is malformed or truncated
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie inside {@code data}
     */
    public static String toJson(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException("document of " + length + " bytes at " + offset
                    + " does not fit in an array of " + data.length);
        }
        if (length == 0) {
            return "null";
        }
        JsonBinary reader = new JsonBinary(data, offset, length);
        reader.value(data[offset] & 0xff, offset + 1, offset + length, 0);
        return reader.out.toString();
    }

    /**
     * The JSON text of a binary JSON document that fills the whole array.
     *
     * @param data the document
     * @return compact JSON text, as the class documentation describes it
     * @throws JsonBinaryException if the document is malformed or truncated
     */
    public static String toJson(byte[] data) {
        return toJson(Objects.requireNonNull(data, "data"), 0, data.length);
    }

    /** Prints the value of {@code type} that starts at {@code pos} and must end by {@code end}. */
    private void value(int type, int pos, int end, int depth) {
        switch (type) {
            case SMALL_OBJECT, LARGE_OBJECT, SMALL_ARRAY, LARGE_ARRAY -> container(type, pos, end, depth);
            case LITERAL -> literal(u8(pos, end, "literal"), pos);
            case INT16 -> out.append((short) uint(pos, 2, end, "int16"));
            case UINT16 -> out.append(uint(pos, 2, end, "uint16"));
            case INT32 -> out.append((int) uint(pos, 4, end, "int32"));
            case UINT32 -> out.append(uint(pos, 4, end, "uint32"));
            case INT64 -> out.append(uint(pos, 8, end, "int64"));
            case UINT64 -> out.append(Long.toUnsignedString(uint(pos, 8, end, "uint64")));
            case DOUBLE -> JsonText.appendDouble(out, Double.longBitsToDouble(uint(pos, 8, end, "double")),
                    offset(pos));
            case STRING -> {
                long len = varLength(pos, end, "string");
                int start = pos + varLengthSize(pos);
                quote(utf8(start, (int) len, "string", pos));
            }
            case OPAQUE -> opaque(pos, end);
            default -> throw error("unknown value type 0x" + Integer.toHexString(type), pos - 1);
        }
    }

    private void container(int type, int pos, int end, int depth) {
        boolean large = type == LARGE_OBJECT || type == LARGE_ARRAY;
        boolean object = type == SMALL_OBJECT || type == LARGE_OBJECT;
        String what = (large ? "large " : "small ") + (object ? "object" : "array");
        if (depth + 1 > MAX_DEPTH) {
            throw error(what + " nested deeper than " + MAX_DEPTH + " levels", pos - 1);
        }
        int offsetSize = large ? 4 : 2;
        long count = uint(pos, offsetSize, end, what + " element count");
        long size = uint(pos + offsetSize, offsetSize, end, what + " size");
        if (size > end - pos) {
            throw error(what + " of " + size + " bytes where only " + (end - pos) + " are left", pos);
        }
        int keyEntrySize = offsetSize + 2;
        int valueEntrySize = 1 + offsetSize;
        long header = 2L * offsetSize + count * ((object ? keyEntrySize : 0) + valueEntrySize);
        if (header > size) {
            throw error(what + " of " + count + " elements needs a " + header + "-byte header but is " + size
                    + " bytes", pos);
        }
        int containerEnd = pos + (int) size;
        int keyEntries = pos + 2 * offsetSize;
        int valueEntries = keyEntries + (object ? (int) count * keyEntrySize : 0);
        out.append(object ? '{' : '[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (object) {
                key(pos, keyEntries + i * keyEntrySize, offsetSize, header, size);
                out.append(':');
            }
            element(pos, valueEntries + i * valueEntrySize, large, header, containerEnd, depth + 1);
        }
        out.append(object ? '}' : ']');
    }

    private void key(int container, int entry, int offsetSize, long header, long size) {
        long keyOffset = uint(entry, offsetSize, entry + offsetSize, "key offset");
        int keyLength = (int) uint(entry + offsetSize, 2, entry + offsetSize + 2, "key length");
        if (keyOffset < header || keyOffset + keyLength > size) {
            throw error("key of " + keyLength + " bytes at offset " + keyOffset + " lies outside the object's "
                    + "key and value area (" + header + " to " + size + ")", entry);
        }
        quote(utf8(container + (int) keyOffset, keyLength, "key", entry));
    }

    private void element(int container, int entry, boolean large, long header, int containerEnd, int depth) {
        int type = data[entry] & 0xff;
        int offsetSize = large ? 4 : 2;
        int field = entry + 1;
        switch (type) {
            case LITERAL -> literal(data[field] & 0xff, field);
            case INT16 -> out.append((short) uint(field, 2, field + 2, "int16"));
            case UINT16 -> out.append(uint(field, 2, field + 2, "uint16"));
            case INT32, UINT32 -> {
                if (large) {
                    long v = uint(field, 4, field + 4, "int32");
                    out.append(type == INT32 ? (long) (int) v : v);
                } else {
                    valueAt(container, entry, type, offsetSize, header, containerEnd, depth);
                }
            }
            default -> valueAt(container, entry, type, offsetSize, header, containerEnd, depth);
        }
    }

    private void valueAt(int container, int entry, int type, int offsetSize, long header, int containerEnd,
            int depth) {
        long valueOffset = uint(entry + 1, offsetSize, entry + 1 + offsetSize, "value offset");
        if (valueOffset < header || valueOffset >= containerEnd - container) {
            throw error("value at offset " + valueOffset + " lies outside the container's value area (" + header
                    + " to " + (containerEnd - container) + ")", entry);
        }
        int pos = container + (int) valueOffset;
        switch (type) {
            case SMALL_OBJECT, LARGE_OBJECT, SMALL_ARRAY, LARGE_ARRAY, INT32, UINT32, INT64, UINT64, DOUBLE,
                    STRING, OPAQUE -> value(type, pos, containerEnd, depth);
            default -> throw error("unknown value type 0x" + Integer.toHexString(type), entry);
        }
    }

    private void literal(int literal, int pos) {
        switch (literal) {
            case 0 -> out.append("null");
            case 1 -> out.append("true");
            case 2 -> out.append("false");
            default -> throw error("literal " + literal + " is none of null (0), true (1), false (2)", pos);
        }
    }

    private void opaque(int pos, int end) {
        int fieldType = u8(pos, end, "opaque field type");
        long len = varLength(pos + 1, end, "opaque value");
        int start = pos + 1 + varLengthSize(pos + 1);
        if (fieldType == JsonOpaque.VAR_STRING) {
            quote(utf8(start, (int) len, "opaque string", pos));
        } else {
            JsonOpaque.append(out, fieldType, data, start, (int) len, offset(pos));
        }
    }

    /** The length that starts at {@code pos}, checked to fit, with its data, before {@code end}. */
    private long varLength(int pos, int end, String what) {
        long len = 0;
        for (int i = 0; i < 5; i++) {
            if (pos + i >= end) {
                throw error(what + " length runs past the end of its container", pos + i);
            }
            int b = data[pos + i] & 0xff;
            len |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (len > 0xffffffffL) {
                    throw error(what + " length " + len + " is over 32 bits", pos);
                }
                if (len > end - (pos + i + 1)) {
                    throw error(what + " of " + len + " bytes where only " + (end - (pos + i + 1)) + " are left",
                            pos);
                }
                return len;
            }
        }
        throw error(what + " length has more than 5 bytes", pos);
    }

    /** How many bytes the (already checked) variable length at {@code pos} takes. */
    private int varLengthSize(int pos) {
        int n = 1;
        while ((data[pos + n - 1] & 0x80) != 0) {
            n++;
        }
        return n;
    }

    private int u8(int pos, int end, String what) {
        return (int) uint(pos, 1, end, what);
    }

    /** A little-endian unsigned integer of {@code size} bytes at {@code pos}, which must end by {@code end}. */
    private long uint(int pos, int size, int end, String what) {
        if (size > end - pos) {
            throw error(what + " needs " + size + " bytes where only " + Math.max(0, end - pos) + " are left", pos);
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (data[pos + i] & 0xff);
        }
        return v;
    }

    private String utf8(int start, int len, String what, int reportAt) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, start, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(what + " is not well-formed UTF-8", reportAt);
        }
    }

    private void quote(String s) {
        JsonText.appendQuoted(out, s);
    }

    private int offset(int pos) {
        return pos - base;
    }

    private JsonBinaryException error(String what, int pos) {
        return new JsonBinaryException(what, offset(pos));
    }
}
