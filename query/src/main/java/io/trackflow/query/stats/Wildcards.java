package io.trackflow.query.stats;

/**
 * The one way a value enters stats SQL: quoting a string as a literal of the target dialect.
 * Numbers are formatted from Java longs and never need it.
 */
final class SqlLiterals {

  private SqlLiterals() {}

  /**
   * A ClickHouse string literal. ClickHouse reads backslash escapes inside quotes, so both the
   * backslash and the quote are escaped, and control characters are spelled out so that the
   * statement stays one line in logs.
   */
  static String clickHouse(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\'' -> sb.append("\\'");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\0' -> sb.append("\\0");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  /**
   * A DuckDB string literal. DuckDB follows standard SQL: a backslash is an ordinary character and
   * a quote is doubled; nothing else is special inside quotes. NUL cannot be stored and is
   * rejected.
   */
  static String duckDb(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in a SQL literal");
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * Turns a wildcard pattern ({@code *} matches any run of characters) into an anchored RE2
   * pattern; every regex metacharacter of the input is escaped, so it matches literally.
   */
  static String wildcardRegex(String pattern, boolean caseSensitive) {
    // (?s): a value holding a newline still matches a trailing "*".
    StringBuilder sb = new StringBuilder(caseSensitive ? "(?s)^" : "(?is)^");
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        sb.append(".*");
      } else if ("\\.+?()|[]{}^$-#&~".indexOf(c) >= 0) {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.append('$').toString();
  }
}
