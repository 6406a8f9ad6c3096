package io.sluice.model.rows;

import java.util.Arrays;
import java.util.Objects;

/**
 * The value of a spatial column (GEOMETRY, POINT, ... , GEOMETRYCOLLECTION) as MySQL stores it: a 4-byte
 * little-endian SRID followed by the geometry in WKB (see MySQL's {@code sql/gis/wkb.h} and the manual's
 * "Internal Geometry Storage Format").
 *
 * @param srid the spatial reference system id (0 when none was given)
 * @param wkb  the well-known-binary geometry; copied in, and copied out by {@link #wkb()}
 */
public record Geometry(int srid, byte[] wkb) {
    /** Copies {@code wkb}. */
    public Geometry {
        Objects.requireNonNull(wkb, "wkb");
        wkb = wkb.clone();
    }

    /** A copy of the WKB bytes. */
    @Override
    public byte[] wkb() {
        return wkb.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geometry other && srid == other.srid && Arrays.equals(wkb, other.wkb);
    }

    @Override
    public int hashCode() {
        return 31 * srid + Arrays.hashCode(wkb);
    }

    @Override
    public String toString() {
        return "Geometry[srid=" + srid + ", " + wkb.length + " bytes of WKB]";
    }
}
