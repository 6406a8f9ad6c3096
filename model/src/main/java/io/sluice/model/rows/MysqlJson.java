package io.sluice.model.rows;

import java.util.Arrays;
import java.util.Objects;

/**
 * The value of a JSON column as the binlog holds it: MySQL's binary JSON format ({@code sql-common/json_binary.cc}),
 * not yet turned into text. An empty array is the empty JSON value MySQL writes for some failed conversions.
 *
 * @param binary the binary JSON bytes; copied in, and copied out by {@link #binary()}
 */
public record MysqlJson(byte[] binary) {
    /** Copies {@code binary}. */
    public MysqlJson {
        Objects.requireNonNull(binary, "binary");
        binary = binary.clone();
    }

    /** A copy of the binary JSON bytes. */
    @Override
    public byte[] binary() {
        return binary.clone();
    }

    /** The number of bytes of the binary JSON value. */
    public int length() {
        return binary.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MysqlJson other && Arrays.equals(binary, other.binary);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(binary);
    }

    @Override
    public String toString() {
        return "MysqlJson[" + binary.length + " bytes]";
    }
}
