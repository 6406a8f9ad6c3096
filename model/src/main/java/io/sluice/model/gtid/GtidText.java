package io.sluice.model.gtid;

import java.util.Objects;
import java.util.UUID;

/**
 * Parser for MySQL's GTID text forms, following {@code Gtid_set::add_gtid_text}: whitespace may
 * surround every separator, empty entries between commas are skipped, a UUID without intervals
 * contributes nothing, and intervals may be unsorted or overlapping.
 */
final class GtidText {

    private static final int MAX_QUOTED = 120;

    private final String text;
    private final String what;
    private int pos;

    private GtidText(String text, String what) {
        this.text = Objects.requireNonNull(text, what);
        this.what = what;
    }

    static GtidSet parseSet(String text) {
        GtidText p = new GtidText(text, "GTID set");
        GtidSet.Builder builder = GtidSet.builder();
        p.skipWhitespace();
        while (true) {
            while (p.peek() == ',') {
                p.pos++;
                p.skipWhitespace();
            }
            if (p.atEnd()) {
                return builder.build();
            }
            UUID sid = p.uuid();
            p.skipWhitespace();
            while (p.peek() == ':') {
                p.pos++;
                p.skipWhitespace();
                p.rejectTag();
                int intervalPos = p.pos;
                long start = p.gno();
                p.skipWhitespace();
                long end = start;
                if (p.peek() == '-') {
                    p.pos++;
                    p.skipWhitespace();
                    end = p.gno();
                    p.skipWhitespace();
                    if (end < start) {
                        throw p.error("interval \"" + p.text.substring(intervalPos, p.pos).strip()
                                + "\" ends before it starts", intervalPos);
                    }
                }
                builder.add(sid, start, end);
            }
            if (!p.atEnd() && p.peek() != ',') {
                throw p.error("expected ':' or ',' but found \"" + p.token(p.pos) + "\"", p.pos);
            }
        }
    }

    static Gtid parseGtid(String text) {
        GtidText p = new GtidText(text, "GTID");
        p.skipWhitespace();
        UUID sid = p.uuid();
        p.skipWhitespace();
        if (p.peek() != ':') {
            throw p.error("expected ':' after the UUID but found \""
                    + (p.atEnd() ? "end of input" : p.token(p.pos)) + "\"", p.pos);
        }
        p.pos++;
        p.skipWhitespace();
        p.rejectTag();
        long gno = p.gno();
        p.skipWhitespace();
        if (!p.atEnd()) {
            throw p.error("unexpected \"" + p.token(p.pos) + "\" after the transaction number", p.pos);
        }
        return new Gtid(sid, gno);
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    /** MySQL's {@code my_isspace}: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean isWhitespace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private void skipWhitespace() {
        while (pos < text.length() && isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private UUID uuid() {
        int start = pos;
        UUID sid = Uuids.parseAt(text, pos);
        int after = pos + Uuids.TEXT_LENGTH;
        if (sid == null || (after < text.length() && !isSeparator(text.charAt(after)))) {
            throw error("invalid UUID \"" + token(start) + "\"", start);
        }
        pos = after;
        return sid;
    }

    private static boolean isSeparator(char c) {
        return c == ':' || c == ',' || isWhitespace(c);
    }

    private static boolean isTagStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    /** Tags ({@code [a-zA-Z_][a-zA-Z0-9_]*}) can only appear where a transaction number is expected. */
    private void rejectTag() {
        if (isTagStart(peek())) {
            throw new UnsupportedGtidFormatException(UnsupportedGtidFormatException.TAGGED_NOT_SUPPORTED
                    + ": found tag \"" + token(pos) + "\" at offset " + pos + " in " + what + " " + quote());
        }
    }

    private long gno() {
        int start = pos;
        long value = 0;
        boolean overflow = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c < '0' || c > '9') {
                break;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                overflow = true;
            } else {
                value = value * 10 + (c - '0');
            }
            pos++;
        }
        if (pos == start) {
            throw error("expected a transaction number but found \""
                    + (atEnd() ? "end of input" : token(start)) + "\"", start);
        }
        if (overflow || value < Gtid.MIN_GNO || value > Gtid.MAX_GNO) {
            throw error("transaction number \"" + text.substring(start, pos) + "\" out of range ["
                    + Gtid.MIN_GNO + ", " + Gtid.MAX_GNO + "]", start);
        }
        return value;
    }

    /** The run of characters at {@code from} up to the next separator, shortened if very long. */
    private String token(int from) {
        int end = from;
        while (end < text.length() && end - from < 64) {
            char c = text.charAt(end);
            if (end > from && (c == ',' || c == ':' || isWhitespace(c))) {
                break;
            }
            end++;
        }
        return text.substring(from, end) + (end < text.length() && end - from >= 64 ? "..." : "");
    }

    private String quote() {
        return text.length() <= MAX_QUOTED
                ? "\"" + text + "\""
                : "\"" + text.substring(0, MAX_QUOTED) + "...\" (" + text.length() + " chars)";
    }

    private IllegalArgumentException error(String detail, int at) {
        return new IllegalArgumentException(
                "Malformed " + what + ": " + detail + " at offset " + at + " in " + quote());
    }
}
