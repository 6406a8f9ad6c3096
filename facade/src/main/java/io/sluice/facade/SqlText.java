package io.sluice.facade;

/**
 * Comments out of a statement, as MySQL's lexer ({@code sql/sql_lex.cc}) treats them: {@code -- } (two dashes
 * then white space or the end) and {@code #} to the end of the line, {@code /* … *}{@code /} dropped, optimizer
 * hints {@code /*+ … *}{@code /} dropped, and executable comments {@code /*! … *}{@code /} or
 * {@code /*!80000 … *}{@code /} kept as their content when the version is at most the server's (8.0.x: Sluice
 * says it is 8.0), because MySQL executes them. Text inside quotes is left alone.
 */
final class SqlText {
    /** The version executable comments are compared with (MySQL 8.0.99 at most, as Sluice reports 8.0). */
    static final int SERVER_VERSION_ID = 80099;

    private SqlText() {
    }

    /** The statement without comments, a trailing ';' or surrounding white space. */
    static String strip(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = endOfQuoted(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '#' || c == '-' && sql.startsWith("--", i)
                    && (i + 2 == n || Character.isWhitespace(sql.charAt(i + 2)))) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol;
                out.append(' ');
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                int end = close < 0 ? n : close;
                if (i + 2 < n && sql.charAt(i + 2) == '!') {
                    int start = i + 3;
                    int digits = start;
                    while (digits < end && digits - start < 6 && Character.isDigit(sql.charAt(digits))) {
                        digits++;
                    }
                    boolean run = digits - start < 5 || Integer.parseInt(sql.substring(start, digits))
                            <= SERVER_VERSION_ID;
                    out.append(' ');
                    if (run) {
                        // the content may hold comments or quotes of its own
                        out.append(strip(sql.substring(digits - start >= 5 ? digits : start, end)));
                    }
                    out.append(' ');
                } else {
                    out.append(' ');
                }
                i = close < 0 ? n : close + 2;
            } else {
                out.append(c);
                i++;
            }
        }
        String s = out.toString().trim();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s;
    }

    /** The index after the quote that closes the one at {@code start} (doubled quotes and backslashes escape). */
    private static int endOfQuoted(String sql, int start) {
        char q = sql.charAt(start);
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && q != '`') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == q) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }
}
