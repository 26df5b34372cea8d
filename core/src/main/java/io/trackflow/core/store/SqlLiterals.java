package io.trackflow.core.store;

/**
 * The one way a value becomes a SQL string literal, for both dialects: ClickHouse has no
 * server-side query parameters on 18.16, so every value put into SQL goes through {@link #quote}.
 */
public final class SqlLiterals {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private SqlLiterals() {}

  /**
   * Returns {@code value} as a string literal of {@code dialect}, quotes included; the literal
   * reads back as exactly {@code value} (an unpaired surrogate, which has no UTF-8 form, reads
   * back as U+FFFD).
   */
  public static String quote(SqlDialect dialect, String value) {
    if (value == null) {
      throw new IllegalArgumentException("a SQL string literal needs a value, not null");
    }
    return switch (dialect) {
      case CLICKHOUSE -> clickHouse(value);
      case DUCKDB -> duckDb(value);
    };
  }

  // ClickHouse parses C-style escapes in single-quoted literals: a backslash and a quote must
  // be escaped, and control characters are written as escapes so the SQL text stays printable.
  private static String clickHouse(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '\0' -> out.append("\\0");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            i = appendChar(out, value, i);
          }
        }
      }
    }
    return out.append('\'').toString();
  }

  // DuckDB follows standard SQL: only the quote is doubled and a backslash is an ordinary
  // character. NUL cannot appear in the SQL text (the C API reads it as the end), so a value
  // holding NUL becomes a parenthesised concatenation with chr(0).
  private static String duckDb(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    boolean hasNul = value.indexOf('\0') >= 0;
    if (hasNul) {
      out.append('(');
    }
    out.append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\'') {
        out.append("''");
      } else if (c == '\0') {
        out.append("' || chr(0) || '");
      } else {
        i = appendChar(out, value, i);
      }
    }
    out.append('\'');
    if (hasNul) {
      out.append(')');
    }
    return out.toString();
  }

  /** Appends the char at {@code i} (and its low surrogate), returning the last index used. */
  private static int appendChar(StringBuilder out, String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < value.length()
        && Character.isLowSurrogate(value.charAt(i + 1))) {
      out.append(c).append(value.charAt(i + 1));
      return i + 1;
    }
    out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
    return i;
  }
}
