package io.sluice.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A table with a column of every MySQL 8.0 column type, varied rows for it, and the rows in a canonical text form
 * read from the source itself, so that a test can compare what a binlog decoder made of the row events with what
 * the server holds. SQL only: it knows nothing of Sluice's decoders.
 *
 * <p>Use: {@link #createStatements()}, then {@link #insertStatements()}, {@link #updateStatements()} and {@link
 * #deleteStatements()}, each list run in one session (e.g. {@link MysqlServer#execute(String...)}), and {@link
 * #canonicalRows(Connection)} after each phase. Every row is updated at most once, so the before image of an
 * update is the row after the inserts and its after image the row after the updates.
 *
 * <p>The canonical form, one string per column in table order ({@code null} for SQL NULL), is what one {@code
 * SELECT} ({@link #canonicalSelect()}) returns with {@code time_zone='+00:00'}:
 * <ul>
 *   <li>integers (signed and unsigned), DECIMAL: the decimal text, DECIMAL with exactly its scale ({@code
 *       -1.50000}); BIT: its unsigned value in decimal ({@code col+0}); YEAR: {@code col+0} (0 or 1901..2155);
 *   <li>FLOAT and DOUBLE: the text MySQL prints ({@code 3.40282e38}, {@code -1.7976931348623157e308}); compare
 *       them as numbers, a FLOAT rounded to 6 significant digits (MySQL prints FLOAT with 6);
 *   <li>DATE {@code YYYY-MM-DD}; TIME {@code [-]HH:MM:SS[.f]}; DATETIME and TIMESTAMP {@code YYYY-MM-DD
 *       HH:MM:SS[.f]}, TIMESTAMP in UTC; exactly as many fraction digits as the column's precision; zero dates
 *       as {@code 0000-00-00[ 00:00:00]} ({@code CAST(col AS CHAR)});
 *   <li>character strings (CHAR, VARCHAR, TEXT, of any character set): the upper-case hex of their UTF-8 bytes
 *       ({@code HEX(CONVERT(col USING utf8mb4))}); CHAR without trailing spaces, as MySQL returns it;
 *   <li>binary strings (BINARY, VARBINARY, BLOB): the upper-case hex of their bytes; BINARY(n) with its 0x00
 *       padding;
 *   <li>ENUM: the member name ({@code ""} for the error value); SET: the member names joined by commas in
 *       definition order ({@code ""} for the empty set); see {@link #ENUM_VALUES} and {@link #SET_VALUES} to turn
 *       indexes and bit masks into names;
 *   <li>JSON: MySQL's text of the value ({@code CAST(col AS CHAR)}: keys sorted by length then bytes, {@code ", "}
 *       and {@code ": "} as separators);
 *   <li>spatial types: the upper-case hex of MySQL's internal form, a 4-byte little-endian SRID then the WKB
 *       ({@code HEX(col)}).
 * </ul>
 */
public final class AllTypesTable {
  /** The schema of the table. */
  public static final String DATABASE = "sluice_types";

  /** The table. */
  public static final String TABLE = "all_types";

  /** The members of {@code c_enum}, in definition order (index 1 is the first). */
  public static final List<String> ENUM_VALUES = List.of("red", "green", "blue", "ünïcødé ✓");

  /** The members of {@code c_set}, in definition order (bit 0 is the first). */
  public static final List<String> SET_VALUES = List.of("a", "b", "c", "d", "e-f");

  /** Kinds of column, which decide the canonical expression. */
  private enum Kind {
    NUMBER,
    PLUS_ZERO,
    TEMPORAL,
    TEXT,
    BINARY,
    JSON
  }

  private record Col(String name, String ddl, Kind kind) {}

  private static final List<Col> COLUMNS = columns();

  private AllTypesTable() {}

  private static List<Col> columns() {
    List<Col> c = new ArrayList<>();
    c.add(new Col("id", "INT NOT NULL", Kind.NUMBER));
    for (String t : List.of("tinyint", "smallint", "mediumint", "int", "bigint")) {
      c.add(new Col("c_" + t, t.toUpperCase(), Kind.NUMBER));
      c.add(new Col("c_" + t + "_u", t.toUpperCase() + " UNSIGNED", Kind.NUMBER));
    }
    c.add(new Col("c_float", "FLOAT", Kind.NUMBER));
    c.add(new Col("c_double", "DOUBLE", Kind.NUMBER));
    c.add(new Col("c_dec65_30", "DECIMAL(65,30)", Kind.NUMBER));
    c.add(new Col("c_dec10_0", "DECIMAL(10,0)", Kind.NUMBER));
    c.add(new Col("c_dec5_5", "DECIMAL(5,5)", Kind.NUMBER));
    c.add(new Col("c_dec_u", "DECIMAL(12,4) UNSIGNED", Kind.NUMBER));
    c.add(new Col("c_year", "YEAR", Kind.PLUS_ZERO));
    c.add(new Col("c_date", "DATE", Kind.TEMPORAL));
    for (int fsp = 0; fsp <= 6; fsp++) {
      c.add(new Col("c_time" + fsp, "TIME(" + fsp + ")", Kind.TEMPORAL));
    }
    for (int fsp = 0; fsp <= 6; fsp++) {
      c.add(new Col("c_datetime" + fsp, "DATETIME(" + fsp + ")", Kind.TEMPORAL));
    }
    for (int fsp = 0; fsp <= 6; fsp++) {
      c.add(new Col("c_timestamp" + fsp, "TIMESTAMP(" + fsp + ") NULL", Kind.TEMPORAL));
    }
    c.add(new Col("c_char", "CHAR(10)", Kind.TEXT));
    c.add(new Col("c_char100", "CHAR(100)", Kind.TEXT)); // 400 bytes: a 2-byte length, the meta quirk
    c.add(new Col("c_varchar", "VARCHAR(300)", Kind.TEXT));
    c.add(new Col("c_varchar_small", "VARCHAR(20)", Kind.TEXT)); // 80 bytes: a 1-byte length
    c.add(new Col("c_tinytext", "TINYTEXT", Kind.TEXT));
    c.add(new Col("c_text", "TEXT", Kind.TEXT));
    c.add(new Col("c_mediumtext", "MEDIUMTEXT", Kind.TEXT));
    c.add(new Col("c_longtext", "LONGTEXT", Kind.TEXT));
    c.add(new Col("c_latin1", "VARCHAR(40) CHARACTER SET latin1", Kind.TEXT));
    c.add(new Col("c_char_latin1", "CHAR(20) CHARACTER SET latin1", Kind.TEXT));
    c.add(new Col("c_utf16", "VARCHAR(20) CHARACTER SET utf16", Kind.TEXT));
    c.add(new Col("c_cp1251", "VARCHAR(20) CHARACTER SET cp1251", Kind.TEXT));
    c.add(new Col("c_binary", "BINARY(4)", Kind.BINARY));
    c.add(new Col("c_varbinary", "VARBINARY(300)", Kind.BINARY));
    c.add(new Col("c_tinyblob", "TINYBLOB", Kind.BINARY));
    c.add(new Col("c_blob", "BLOB", Kind.BINARY));
    c.add(new Col("c_mediumblob", "MEDIUMBLOB", Kind.BINARY));
    c.add(new Col("c_longblob", "LONGBLOB", Kind.BINARY));
    c.add(new Col("c_enum", "ENUM(" + quoted(ENUM_VALUES) + ")", Kind.NUMBER));
    c.add(new Col("c_set", "SET(" + quoted(SET_VALUES) + ")", Kind.NUMBER));
    c.add(new Col("c_bit1", "BIT(1)", Kind.PLUS_ZERO));
    c.add(new Col("c_bit13", "BIT(13)", Kind.PLUS_ZERO));
    c.add(new Col("c_bit64", "BIT(64)", Kind.PLUS_ZERO));
    c.add(new Col("c_json", "JSON", Kind.JSON));
    for (String t :
        List.of(
            "geometry",
            "point",
            "linestring",
            "polygon",
            "multipoint",
            "multilinestring",
            "multipolygon",
            "geometrycollection")) {
      c.add(new Col("c_" + t, t.toUpperCase(), Kind.BINARY));
    }
    return List.copyOf(c);
  }

  private static String quoted(List<String> values) {
    StringJoiner j = new StringJoiner(",");
    values.forEach(v -> j.add("'" + v + "'"));
    return j.toString();
  }

  /** The column names, in table order ({@code id} first). */
  public static List<String> columnNames() {
    return COLUMNS.stream().map(Col::name).toList();
  }

  /** The index of a column in the table, from 0. */
  public static int columnIndex(String name) {
    int i = columnNames().indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + name + " in " + TABLE);
    }
    return i;
  }

  /** {@code CREATE DATABASE} and {@code CREATE TABLE}; the table's default character set is utf8mb4. */
  public static List<String> createStatements() {
    StringJoiner cols = new StringJoiner(",\n  ", "(\n  ", ",\n  PRIMARY KEY (id)\n)");
    COLUMNS.forEach(c -> cols.add(c.name() + " " + c.ddl()));
    return List.of(
        "CREATE DATABASE IF NOT EXISTS " + DATABASE,
        "CREATE TABLE "
            + DATABASE
            + "."
            + TABLE
            + " "
            + cols
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci");
  }

  /**
   * The inserts of the rows 1 to 7, led by the session settings they need: a relaxed {@code sql_mode} (zero
   * dates) and {@code time_zone='+00:00'} (TIMESTAMP literals are UTC).
   */
  public static List<String> insertStatements() {
    List<String> out = new ArrayList<>(session());
    for (Map<String, String> row : rows()) {
      StringJoiner names = new StringJoiner(", ");
      StringJoiner values = new StringJoiner(", ");
      row.forEach(
          (k, v) -> {
            names.add(k);
            values.add(v);
          });
      out.add("INSERT INTO " + DATABASE + "." + TABLE + " (" + names + ") VALUES (" + values + ")");
    }
    return out;
  }

  /** Updates, each row at most once, led by the same session settings as the inserts. */
  public static List<String> updateStatements() {
    String t = DATABASE + "." + TABLE;
    List<String> out = new ArrayList<>(session());
    // row 1 (all NULL) gets values; row 2 (minimums) gets a few changes; row 5 loses some
    out.add(
        "UPDATE "
            + t
            + " SET c_int = 42, c_varchar = 'now set ✓', c_json = '[1, {\"k\": \"v\"}]',"
            + " c_point = ST_GeomFromText('POINT(3 4)', 4326), c_datetime6 = '2001-02-03 04:05:06.000007',"
            + " c_enum = 'green', c_set = 'b,d', c_bit13 = b'1010101010101', c_blob = x'00010203'"
            + " WHERE id = 1");
    out.add(
        "UPDATE "
            + t
            + " SET c_bigint = c_bigint + 1, c_dec65_30 = -0.000000000000000000000000000001,"
            + " c_time6 = '-00:00:00.000001', c_char100 = REPEAT('é', 100), c_longblob = x'' WHERE id = 2");
    out.add(
        "UPDATE "
            + t
            + " SET c_json = NULL, c_text = NULL, c_geometry = NULL, c_timestamp3 = '2038-01-19 03:14:07.999'"
            + " WHERE id = 5");
    return out;
  }

  /** Deletes of rows 3 and 4 (and 6 by a range). */
  public static List<String> deleteStatements() {
    String t = DATABASE + "." + TABLE;
    return List.of("DELETE FROM " + t + " WHERE id IN (3, 4)", "DELETE FROM " + t + " WHERE id >= 6 AND id < 7");
  }

  private static List<String> session() {
    return List.of("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'", "SET SESSION time_zone = '+00:00'");
  }

  /** The SELECT of the canonical form (see the class comment), ordered by id; run it with time_zone +00:00. */
  public static String canonicalSelect() {
    StringJoiner j = new StringJoiner(", ", "SELECT ", " FROM " + DATABASE + "." + TABLE + " ORDER BY id");
    for (Col c : COLUMNS) {
      j.add(
          switch (c.kind()) {
            case NUMBER, TEMPORAL, JSON -> "CAST(" + c.name() + " AS CHAR)";
            case PLUS_ZERO -> "CAST(" + c.name() + "+0 AS CHAR)";
            case TEXT -> "HEX(CONVERT(" + c.name() + " USING utf8mb4))";
            case BINARY -> "HEX(" + c.name() + ")";
          });
    }
    return j.toString();
  }

  /** The rows in canonical form, read over {@code connection} (its time zone is set to +00:00). */
  public static List<List<String>> canonicalRows(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SET SESSION time_zone = '+00:00'");
      try (ResultSet rs = st.executeQuery(canonicalSelect())) {
        int n = rs.getMetaData().getColumnCount();
        List<List<String>> rows = new ArrayList<>();
        while (rs.next()) {
          List<String> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            row.add(rs.getString(i));
          }
          rows.add(Collections.unmodifiableList(row));
        }
        return Collections.unmodifiableList(rows);
      }
    }
  }

  /** The rows in canonical form, read from {@code source}. */
  public static List<List<String>> canonicalRows(MysqlServer source) {
    try (Connection c = source.connect()) {
      return canonicalRows(c);
    } catch (SQLException e) {
      throw new IllegalStateException("reading " + DATABASE + "." + TABLE + " from " + source, e);
    }
  }

  private static List<Map<String, String>> rows() {
    List<Map<String, String>> rows = new ArrayList<>();
    rows.add(row(1)); // every column NULL
    rows.add(minimums());
    rows.add(maximums());
    rows.add(zerosAndNegativeFractions());
    rows.add(varied());
    rows.add(large());
    Map<String, String> seven = row(7);
    seven.put("c_varchar", "'row seven'");
    seven.put("c_enum", "''"); // the error value, index 0 (needs a relaxed sql_mode)
    seven.put("c_char", "'  lead  '");
    seven.put("c_binary", "x'20'");
    rows.add(seven);
    return rows;
  }

  private static Map<String, String> row(int id) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("id", Integer.toString(id));
    return r;
  }

  private static Map<String, String> minimums() {
    Map<String, String> r = row(2);
    r.put("c_tinyint", "-128");
    r.put("c_tinyint_u", "0");
    r.put("c_smallint", "-32768");
    r.put("c_smallint_u", "0");
    r.put("c_mediumint", "-8388608");
    r.put("c_mediumint_u", "0");
    r.put("c_int", "-2147483648");
    r.put("c_int_u", "0");
    r.put("c_bigint", "-9223372036854775808");
    r.put("c_bigint_u", "0");
    r.put("c_float", "-3.40282e38");
    r.put("c_double", "-1.7976931348623157e308");
    r.put("c_dec65_30", "-" + "9".repeat(35) + "." + "9".repeat(30));
    r.put("c_dec10_0", "-9999999999");
    r.put("c_dec5_5", "-0.99999");
    r.put("c_dec_u", "0");
    r.put("c_year", "1901");
    r.put("c_date", "'1000-01-01'");
    for (int fsp = 0; fsp <= 6; fsp++) {
      r.put("c_time" + fsp, "'-838:59:59'");
      r.put("c_datetime" + fsp, "'1000-01-01 00:00:00'");
      r.put("c_timestamp" + fsp, "'1970-01-01 00:00:01'");
    }
    for (String c :
        List.of(
            "c_char", "c_char100", "c_varchar", "c_varchar_small", "c_tinytext", "c_text", "c_mediumtext",
            "c_longtext", "c_latin1", "c_char_latin1", "c_utf16", "c_cp1251", "c_varbinary", "c_tinyblob",
            "c_blob", "c_mediumblob", "c_longblob")) {
      r.put(c, "''");
    }
    r.put("c_binary", "x'00000000'");
    r.put("c_enum", "'red'");
    r.put("c_set", "''");
    r.put("c_bit1", "b'0'");
    r.put("c_bit13", "b'0'");
    r.put("c_bit64", "b'0'");
    r.put("c_json", "'null'");
    r.put("c_geometry", "ST_GeomFromText('POINT(0 0)')");
    r.put("c_point", "ST_GeomFromText('POINT(-180 -90)')");
    r.put("c_linestring", "ST_GeomFromText('LINESTRING(0 0, 1 1)')");
    r.put("c_polygon", "ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))')");
    r.put("c_multipoint", "ST_GeomFromText('MULTIPOINT(0 0)')");
    r.put("c_multilinestring", "ST_GeomFromText('MULTILINESTRING((0 0, 1 1))')");
    r.put("c_multipolygon", "ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))')");
    r.put("c_geometrycollection", "ST_GeomFromText('GEOMETRYCOLLECTION EMPTY')");
    return r;
  }

  private static Map<String, String> maximums() {
    Map<String, String> r = row(3);
    r.put("c_tinyint", "127");
    r.put("c_tinyint_u", "255");
    r.put("c_smallint", "32767");
    r.put("c_smallint_u", "65535");
    r.put("c_mediumint", "8388607");
    r.put("c_mediumint_u", "16777215");
    r.put("c_int", "2147483647");
    r.put("c_int_u", "4294967295");
    r.put("c_bigint", "9223372036854775807");
    r.put("c_bigint_u", "18446744073709551615");
    r.put("c_float", "3.40282e38");
    r.put("c_double", "1.7976931348623157e308");
    r.put("c_dec65_30", "9".repeat(35) + "." + "9".repeat(30));
    r.put("c_dec10_0", "9999999999");
    r.put("c_dec5_5", "0.99999");
    r.put("c_dec_u", "99999999.9999");
    r.put("c_year", "2155");
    r.put("c_date", "'9999-12-31'");
    r.put("c_time0", "'838:59:59'");
    for (int fsp = 1; fsp <= 6; fsp++) {
      r.put("c_time" + fsp, "'838:59:58." + "9".repeat(fsp) + "'");
    }
    for (int fsp = 0; fsp <= 6; fsp++) {
      String frac = fsp == 0 ? "" : "." + "9".repeat(fsp);
      r.put("c_datetime" + fsp, "'9999-12-31 23:59:59" + frac + "'");
      r.put("c_timestamp" + fsp, "'2038-01-19 03:14:07" + frac + "'");
    }
    r.put("c_char", "'ÿÿÿÿÿÿÿÿÿ😀'");
    r.put("c_char100", "REPEAT('😀', 100)");
    r.put("c_varchar", "REPEAT('😀', 300)");
    r.put("c_varchar_small", "REPEAT('😀', 20)");
    r.put("c_tinytext", "REPEAT('😀', 63)");
    r.put("c_text", "REPEAT('😀', 16383)");
    r.put("c_latin1", "REPEAT('ÿ', 40)");
    r.put("c_char_latin1", "REPEAT('€', 20)");
    r.put("c_utf16", "REPEAT('😀', 20)");
    r.put("c_cp1251", "REPEAT('я', 20)");
    r.put("c_binary", "x'FFFFFFFF'");
    r.put("c_varbinary", "REPEAT(x'FF', 300)");
    r.put("c_tinyblob", "REPEAT(x'FF', 255)");
    r.put("c_blob", "REPEAT(x'FF', 65535)");
    r.put("c_enum", "'ünïcødé ✓'");
    r.put("c_set", "'a,b,c,d,e-f'");
    r.put("c_bit1", "b'1'");
    r.put("c_bit13", "b'1111111111111'");
    r.put("c_bit64", "x'FFFFFFFFFFFFFFFF'");
    r.put("c_json", "'[18446744073709551615, -9223372036854775808, 1.7976931348623157e308]'");
    r.put("c_geometry", "ST_GeomFromText('LINESTRING(1 2, 3 4)', 4326)");
    r.put("c_point", "ST_GeomFromText('POINT(1.5 -2.25)')");
    return r;
  }

  private static Map<String, String> zerosAndNegativeFractions() {
    Map<String, String> r = row(4);
    r.put("c_tinyint", "0");
    r.put("c_int", "-1");
    r.put("c_bigint", "-1");
    r.put("c_float", "0");
    r.put("c_double", "-0.5");
    r.put("c_dec65_30", "0");
    r.put("c_dec10_0", "-1");
    r.put("c_dec5_5", "-0.00001");
    r.put("c_year", "0");
    r.put("c_date", "'0000-00-00'");
    r.put("c_time0", "'-00:00:01'");
    r.put("c_time1", "'-00:00:01.5'");
    r.put("c_time2", "'-01:02:03.04'");
    r.put("c_time3", "'-12:34:56.789'");
    r.put("c_time4", "'-25:00:00.0001'");
    r.put("c_time5", "'-838:59:58.99999'");
    r.put("c_time6", "'-100:00:00.000001'");
    for (int fsp = 0; fsp <= 6; fsp++) {
      String zeros = fsp == 0 ? "" : "." + "0".repeat(fsp);
      r.put("c_datetime" + fsp, "'0000-00-00 00:00:00" + zeros + "'");
      r.put("c_timestamp" + fsp, "'0000-00-00 00:00:00'");
    }
    r.put("c_char", "'a'");
    r.put("c_binary", "x'61'");
    r.put("c_enum", "'blue'");
    r.put("c_set", "'d'");
    r.put("c_bit64", "x'8000000000000000'");
    r.put("c_json", "'{}'");
    return r;
  }

  private static Map<String, String> varied() {
    Map<String, String> r = row(5);
    r.put("c_tinyint", "-7");
    r.put("c_tinyint_u", "200");
    r.put("c_smallint", "-300");
    r.put("c_smallint_u", "40000");
    r.put("c_mediumint", "-70000");
    r.put("c_mediumint_u", "10000000");
    r.put("c_int", "123456789");
    r.put("c_int_u", "3000000000");
    r.put("c_bigint", "-1234567890123");
    r.put("c_bigint_u", "9223372036854775808");
    r.put("c_float", "1.1");
    r.put("c_double", "0.30000000000000004");
    r.put("c_dec65_30", "-12345678901234567890.123456789012345678901234567890");
    r.put("c_dec10_0", "1234567890");
    r.put("c_dec5_5", "0.12345");
    r.put("c_dec_u", "12.5");
    r.put("c_year", "2024");
    r.put("c_date", "'2024-02-29'");
    r.put("c_time0", "'12:34:56'");
    r.put("c_time1", "'100:00:00.1'");
    r.put("c_time2", "'24:00:00.01'");
    r.put("c_time3", "'-00:00:00.001'");
    r.put("c_time4", "'00:00:00.5'");
    r.put("c_time5", "'-00:00:00.00001'");
    r.put("c_time6", "'01:02:03.000456'");
    for (int fsp = 0; fsp <= 6; fsp++) {
      String frac = fsp == 0 ? "" : ".1234567".substring(0, fsp + 1);
      r.put("c_datetime" + fsp, "'2024-02-29 13:14:15" + frac + "'");
      r.put("c_timestamp" + fsp, "'2024-02-29 13:14:15" + frac + "'");
    }
    r.put("c_char", "'  spaces  '");
    r.put("c_char100", "'ümlaut 😀 and more'");
    r.put("c_varchar", "'Grüße, 世界 😀 \\\\ \\' \"'");
    r.put("c_varchar_small", "'kurz'");
    r.put("c_tinytext", "'tiny ✓'");
    r.put("c_text", "'text\\nwith\\ttabs and a NUL \\0 byte'");
    r.put("c_mediumtext", "'medium 😀'");
    r.put("c_longtext", "'long 😀'");
    r.put("c_latin1", "'café crème à la mode €'");
    r.put("c_char_latin1", "'Zoë'");
    r.put("c_utf16", "'utf16 😀 ✓'");
    r.put("c_cp1251", "'Привет'");
    r.put("c_binary", "x'0102'");
    r.put("c_varbinary", "x'00FF0020'");
    r.put("c_tinyblob", "x'20'");
    r.put("c_blob", "'blob text'");
    r.put("c_mediumblob", "x'DEADBEEF'");
    r.put("c_longblob", "x'00'");
    r.put("c_enum", "'green'");
    r.put("c_set", "'a,c'");
    r.put("c_bit1", "b'1'");
    r.put("c_bit13", "b'1000000000001'");
    r.put("c_bit64", "x'0123456789ABCDEF'");
    r.put(
        "c_json",
        "JSON_OBJECT('s', 'text ✓', 'i16', -5, 'i32', 100000, 'i64', -10000000000,"
            + " 'u64', 18446744073709551615, 'd', 3.25, 't', true, 'f', false, 'n', NULL,"
            + " 'arr', JSON_ARRAY(1, 'two', JSON_ARRAY(), JSON_OBJECT()),"
            + " 'nested', JSON_OBJECT('deeper', JSON_OBJECT('x', JSON_ARRAY(NULL, 1.5e300))),"
            + " 'dec', CAST(-12.340 AS DECIMAL(10,3)), 'date', CAST('2024-02-29' AS DATE),"
            + " 'time', CAST('-12:34:56.5' AS TIME(1)), 'dt', CAST('2024-02-29 13:14:15.123456' AS DATETIME(6)),"
            + " 'bin', CAST(x'00FF' AS BINARY), 'empty', '')");
    r.put("c_geometry", "ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))')");
    r.put("c_point", "ST_GeomFromText('POINT(10 20)', 4326)");
    r.put("c_linestring", "ST_GeomFromText('LINESTRING(0 0, 1 2, 3 5, 8 13)')");
    r.put("c_polygon", "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0))')");
    r.put("c_multipoint", "ST_GeomFromText('MULTIPOINT(1 1, 2 2, 3 3)')");
    r.put("c_multilinestring", "ST_GeomFromText('MULTILINESTRING((0 0, 1 1), (2 2, 3 3))')");
    r.put(
        "c_multipolygon",
        "ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))')");
    r.put(
        "c_geometrycollection",
        "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1), POLYGON((0 0, 1 0, 1 1, 0 0)))')");
    return r;
  }

  private static Map<String, String> large() {
    Map<String, String> r = row(6);
    r.put("c_mediumblob", "REPEAT(x'00FF7F80', 20000)"); // 80000 bytes, over 64 KiB
    r.put("c_longblob", "REPEAT(x'DEADBEEF', 50000)"); // 200000 bytes
    r.put("c_mediumtext", "REPEAT('x😀', 20000)"); // 100000 bytes
    r.put("c_longtext", "REPEAT('Ω', 70000)");
    r.put(
        "c_json",
        "JSON_OBJECT('big', REPEAT('j', 70000), 'arr', JSON_ARRAY(REPEAT('k', 1000), 1, 2))");
    r.put("c_varchar", "REPEAT('a', 300)");
    return r;
  }
}
