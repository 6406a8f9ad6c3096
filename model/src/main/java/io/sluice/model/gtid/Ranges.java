package io.sluice.model.gtid;

import java.util.Arrays;

/**
 * Algorithms over normalized range arrays: {@code long[]} of pairs {@code [start0, end0, start1,
 * end1, ...]} with inclusive ends, sorted, non-overlapping and non-adjacent
 * ({@code start(i+1) > end(i) + 1}), every value in {@code 1..Gtid.MAX_GNO}. Because ends never
 * exceed {@code Long.MAX_VALUE - 1}, {@code end + 1} never overflows.
 */
final class Ranges {

    static final long[] NONE = new long[0];

    private Ranges() {
    }

    /** Index of the pair whose start is the largest start {@code <= gno}, or -1. O(log n). */
    static int floorPair(long[] r, long gno) {
        int lo = 0;
        int hi = (r.length >>> 1) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (r[mid << 1] <= gno) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    static boolean contains(long[] r, long gno) {
        int i = floorPair(r, gno);
        return i >= 0 && gno <= r[(i << 1) + 1];
    }

    static long[] union(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int o = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            long s;
            long e;
            if (j >= b.length || (i < a.length && a[i] <= b[j])) {
                s = a[i];
                e = a[i + 1];
                i += 2;
            } else {
                s = b[j];
                e = b[j + 1];
                j += 2;
            }
            if (o > 0 && s <= out[o - 1] + 1) {
                if (e > out[o - 1]) {
                    out[o - 1] = e;
                }
            } else {
                out[o++] = s;
                out[o++] = e;
            }
        }
        return o == out.length ? out : Arrays.copyOf(out, o);
    }

    static long[] intersect(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int o = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            long s = Math.max(a[i], b[j]);
            long e = Math.min(a[i + 1], b[j + 1]);
            if (s <= e) {
                out[o++] = s;
                out[o++] = e;
            }
            if (a[i + 1] < b[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
        return o == 0 ? NONE : Arrays.copyOf(out, o);
    }

    static long[] subtract(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int o = 0;
        int j = 0;
        for (int i = 0; i < a.length; i += 2) {
            long cur = a[i];
            long end = a[i + 1];
            while (j < b.length && b[j + 1] < cur) {
                j += 2;
            }
            while (j < b.length && b[j] <= end) {
                if (b[j] > cur) {
                    out[o++] = cur;
                    out[o++] = b[j] - 1;
                }
                if (b[j + 1] + 1 > cur) {
                    cur = b[j + 1] + 1;
                }
                if (cur > end) {
                    break; // b[j] may reach into the next interval of a: keep j
                }
                j += 2;
            }
            if (cur <= end) {
                out[o++] = cur;
                out[o++] = end;
            }
        }
        return o == 0 ? NONE : Arrays.copyOf(out, o);
    }

    /** True if every interval of {@code b} lies inside one interval of {@code a}. */
    static boolean containsAll(long[] a, long[] b) {
        int i = 0;
        for (int j = 0; j < b.length; j += 2) {
            long s = b[j];
            while (i < a.length && a[i + 1] < s) {
                i += 2;
            }
            if (i >= a.length || a[i] > s || a[i + 1] < b[j + 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sorts the first {@code size} longs of {@code data} as (start, end) pairs by start and merges
     * overlapping or adjacent pairs in place.
     *
     * @return the new size (in longs)
     */
    static int normalize(long[] data, int size) {
        int n = size >>> 1;
        long[] src = data;
        long[] dst = new long[size];
        // bottom-up merge sort on pairs
        for (long width = 1; width < n; width <<= 1) {
            for (long lo = 0; lo < n; lo += width << 1) {
                int mid = (int) Math.min(lo + width, n);
                int hi = (int) Math.min(lo + (width << 1), n);
                int i = (int) lo;
                int j = mid;
                int k = (int) lo;
                while (i < mid && j < hi) {
                    int from = src[i << 1] <= src[j << 1] ? i++ : j++;
                    dst[k << 1] = src[from << 1];
                    dst[(k << 1) + 1] = src[(from << 1) + 1];
                    k++;
                }
                int rest = i < mid ? i : j;
                int restEnd = i < mid ? mid : hi;
                System.arraycopy(src, rest << 1, dst, k << 1, (restEnd - rest) << 1);
            }
            long[] t = src;
            src = dst;
            dst = t;
        }
        // merge into data; writes never overtake reads when src == data
        int o = 0;
        for (int p = 0; p < size; p += 2) {
            long s = src[p];
            long e = src[p + 1];
            if (o > 0 && s <= data[o - 1] + 1) {
                if (e > data[o - 1]) {
                    data[o - 1] = e;
                }
            } else {
                data[o++] = s;
                data[o++] = e;
            }
        }
        return o;
    }
}
