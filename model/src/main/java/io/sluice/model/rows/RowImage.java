package io.sluice.model.rows;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One row image of a rows event (the before or the after image). {@code values.get(i)} is column {@code i}'s value
 * (see {@link RowsDecoder} for the Java type of each column type): {@code null} for SQL NULL and for the columns
 * the image does not hold ({@code present.get(i)} false, e.g. with {@code binlog_row_image=MINIMAL}).
 *
 * @param present which columns the image holds; copied in and out
 * @param values  one value per column of the table; an unmodifiable copy (it may hold nulls)
 */
public record RowImage(BitSet present, List<Object> values) {
    /** Copies both arguments. */
    public RowImage {
        Objects.requireNonNull(present, "present");
        Objects.requireNonNull(values, "values");
        present = (BitSet) present.clone();
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** A copy of the set of columns the image holds. */
    @Override
    public BitSet present() {
        return (BitSet) present.clone();
    }

    /** Whether the image holds column {@code index}. */
    public boolean isPresent(int index) {
        return present.get(index);
    }

    /** Column {@code index}'s value: null for SQL NULL and for a column the image does not hold. */
    public Object value(int index) {
        return values.get(index);
    }
}
