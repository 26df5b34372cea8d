package io.trackflow.query.stats;

import io.trackflow.core.store.SqlDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the string literals of a SQL statement as each store's lexer does: DuckDB doubles a quote
 * and takes a backslash as itself; ClickHouse also reads C-style backslash escapes. Used to check
 * where user strings end up in generated SQL, independently of the function that escaped them.
 */
final class SqlText {

  /** A statement split into the text outside literals and the decoded literals. */
  record Lexed(String outside, List<String> literals) {}

  private SqlText() {}

  /**
   * The statement with every literal replaced by {@code '?'}, and the literals' values; fails on a
   * literal that never ends.
   */
  static Lexed lex(SqlDialect dialect, String sql) {
    StringBuilder outside = new StringBuilder();
    List<String> literals = new ArrayList<>();
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c != '\'') {
        outside.append(c);
        i++;
        continue;
      }
      StringBuilder value = new StringBuilder();
      i++;
      while (true) {
        if (i >= sql.length()) {
          throw new IllegalArgumentException("a string literal never ends in: " + sql);
        }
        char d = sql.charAt(i);
        if (d == '\'' && i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
          value.append('\'');
          i += 2;
        } else if (d == '\'') {
          i++;
          break;
        } else if (d == '\\' && dialect == SqlDialect.CLICKHOUSE) {
          i = escape(sql, i + 1, value);
        } else {
          value.append(d);
          i++;
        }
      }
      literals.add(value.toString());
      outside.append("'?'");
    }
    return new Lexed(outside.toString(), literals);
  }

  /** Decodes the ClickHouse escape whose letter is at {@code i}; returns the index after it. */
  private static int escape(String sql, int i, StringBuilder value) {
    if (i >= sql.length()) {
      throw new IllegalArgumentException("a backslash ends the statement: " + sql);
    }
    char e = sql.charAt(i);
    switch (e) {
      case 'n' -> value.append('\n');
      case 't' -> value.append('\t');
      case 'r' -> value.append('\r');
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case '0' -> value.append('\0');
      case 'x' -> {
        value.append((char) Integer.parseInt(sql.substring(i + 1, i + 3), 16));
        return i + 3;
      }
      default -> value.append(e); // \\ \' and any other escaped character stand for themselves
    }
    return i + 1;
  }
}
