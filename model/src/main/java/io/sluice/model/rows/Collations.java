package io.sluice.model.rows;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;

/**
 * MySQL collation ids and the character set of each, with the Java charset that decodes it. The ids are those of
 * MySQL 8.0.31's {@code information_schema.COLLATIONS} (MySQL's {@code strings/ctype-*.cc} define them); the
 * character set names are MySQL's. A character set without a Java equivalent (armscii8, dec8, geostd8, hp8,
 * keybcs2, swe7) has no charset here, so its values stay bytes.
 */
public final class Collations {
    /** The {@code binary} collation (and character set). */
    public static final int BINARY = 63;

    /** MySQL character set name, then its collation ids (single ids and inclusive ranges). */
    private static final String[] IDS = {
            "big5 1 84",
            "latin2 2 9 21 27 77",
            "dec8 3 69",
            "cp850 4 80",
            "latin1 5 8 15 31 47-49 94",
            "hp8 6 72",
            "koi8r 7 74",
            "swe7 10 82",
            "ascii 11 65",
            "ujis 12 91",
            "sjis 13 88",
            "cp1251 14 23 50-52",
            "hebrew 16 71",
            "tis620 18 89",
            "euckr 19 85",
            "latin7 20 41-42 79",
            "koi8u 22 75",
            "gb2312 24 86",
            "greek 25 70",
            "cp1250 26 34 44 66 99",
            "gbk 28 87",
            "cp1257 29 58-59",
            "latin5 30 78",
            "armscii8 32 64",
            "utf8mb3 33 76 83 192-215 223",
            "ucs2 35 90 128-151 159",
            "cp866 36 68",
            "keybcs2 37 73",
            "macce 38 43",
            "macroman 39 53",
            "cp852 40 81",
            "utf8mb4 45-46 224-247 255-271 273-275 277-294 296-298 300 303-323",
            "utf16 54-55 101-124",
            "utf16le 56 62",
            "cp1256 57 67",
            "utf32 60-61 160-183",
            "binary 63",
            "geostd8 92-93",
            "cp932 95-96",
            "eucjpms 97-98",
            "gb18030 248-250"

    };

    /** MySQL character set name to Java charset name. */
    private static final String[][] JAVA = {
        {"utf8mb4", "UTF-8"}, {"utf8mb3", "UTF-8"}, {"latin1", "windows-1252"}, {"ascii", "US-ASCII"},
        {"ucs2", "UTF-16BE"}, {"utf16", "UTF-16BE"}, {"utf16le", "UTF-16LE"}, {"utf32", "UTF-32BE"},
        {"latin2", "ISO-8859-2"}, {"latin5", "ISO-8859-9"}, {"latin7", "ISO-8859-13"}, {"greek", "ISO-8859-7"},
        {"hebrew", "ISO-8859-8"}, {"cp1250", "windows-1250"}, {"cp1251", "windows-1251"},
        {"cp1256", "windows-1256"}, {"cp1257", "windows-1257"}, {"cp850", "IBM850"}, {"cp852", "IBM852"},
        {"cp866", "IBM866"}, {"koi8r", "KOI8-R"}, {"koi8u", "KOI8-U"}, {"macroman", "x-MacRoman"},
        {"macce", "x-MacCentralEurope"}, {"tis620", "TIS-620"}, {"big5", "Big5"}, {"gbk", "GBK"},
        {"gb2312", "GB2312"}, {"gb18030", "GB18030"}, {"euckr", "EUC-KR"}, {"sjis", "Shift_JIS"},
        {"cp932", "windows-31j"}, {"ujis", "EUC-JP"}, {"eucjpms", "x-eucJP-Open"},
    };

    private static final Map<Integer, String> CHARSET_NAMES = new HashMap<>();
    private static final Map<String, Charset> CHARSETS = new HashMap<>();

    static {
        for (String entry : IDS) {
            String[] parts = entry.split(" ");
            for (int i = 1; i < parts.length; i++) {
                String[] range = parts[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length == 1 ? from : Integer.parseInt(range[1]);
                for (int id = from; id <= to; id++) {
                    CHARSET_NAMES.put(id, parts[0]);
                }
            }
        }
        for (String[] pair : JAVA) {
            if (Charset.isSupported(pair[1])) {
                CHARSETS.put(pair[0], Charset.forName(pair[1]));
            }
        }
    }

    private Collations() {
    }

    /** The MySQL character set of collation {@code id}, e.g. {@code utf8mb4}, or null when the id is unknown. */
    public static String charsetName(int id) {
        return CHARSET_NAMES.get(id);
    }

    /**
     * The Java charset that decodes values of collation {@code id}, or null when the collation is {@code binary},
     * unknown, or of a character set Java does not have.
     */
    public static Charset charset(int id) {
        String name = CHARSET_NAMES.get(id);
        return name == null ? null : CHARSETS.get(name);
    }
}
