package io.sluice.decoder;

import java.util.ArrayList;
import java.util.List;

/** The members of an ENUM or SET column from its {@code COLUMN_TYPE}, such as {@code enum('a','it''s')}. */
final class EnumMembers {
    private EnumMembers() {
    }

    /** @throws DecoderException when the text is not an ENUM or SET type */
    static List<String> parse(String columnType) {
        int open = columnType.indexOf('(');
        if (open < 0 || !columnType.endsWith(")")) {
            throw new DecoderException("not an ENUM or SET column type: " + columnType);
        }
        List<String> members = new ArrayList<>();
        int i = open + 1;
        int end = columnType.length() - 1;
        while (i < end) {
            if (columnType.charAt(i) != '\'') {
                throw new DecoderException("unexpected character at " + i + " of column type " + columnType);
            }
            StringBuilder member = new StringBuilder();
            i++;
            while (true) {
                if (i >= end) {
                    throw new DecoderException("unterminated member in column type " + columnType);
                }
                char c = columnType.charAt(i);
                if (c == '\'' && i + 1 < end && columnType.charAt(i + 1) == '\'') {
                    member.append('\'');
                    i += 2;
                } else if (c == '\'') {
                    i++;
                    break;
                } else {
                    member.append(c);
                    i++;
                }
            }
            members.add(member.toString());
            if (i < end && columnType.charAt(i) == ',') {
                i++;
            }
        }
        return members;
    }
}
