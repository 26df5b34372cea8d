package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;

/**
 * What differs between the stores' SQL: function names and literal escaping ({@link
 * io.trackflow.core.store.ReadView} covers how each store's tables are read). {@link SqlBuilder}
 * writes every statement once in terms of these.
 */
abstract class Dialect {

  static Dialect of(SqlDialect dialect) {
    return switch (dialect) {
      case CLICKHOUSE -> new ClickHouse();
      case DUCKDB -> new DuckDb();
    };
  }

  abstract SqlDialect id();

  /** True for pageviews, on an event row. */
  abstract String isPageview();

  /** The event row's column {@link #isPageview()} reads. */
  abstract String kindColumn();

  /** True for every event but engagement pings, on an event row. */
  abstract String notEngagement();

  /** True for engagement pings, on an event row. */
  abstract String isEngagement();

  /** True when a paged statement's answer says how many rows it had before its LIMIT. */
  abstract boolean reportsRowsBeforeLimit();

  /** The one escaping function for string values (the stores' shared {@link SqlLiterals}). */
  abstract String literal(String value);

  /** Integer division of a non-negative expression by a positive constant. */
  abstract String intDiv(String expr, long divisor);

  abstract String uniqExact(String expr);

  abstract String countIf(String condition);

  /**
   * The exact sum of an integer column's values where the condition holds, as decimal text: a
   * 64-bit sum would wrap silently on ClickHouse, and text keeps every digit through JSON.
   */
  abstract String exactSumIf(String expr, String condition);

  /** True when the haystack contains the needle (a literal). */
  abstract String contains(String haystack, String needleLiteral);

  /** True when the whole value matches the RE2 pattern (a literal). */
  abstract String matches(String value, String regexLiteral);

  /** A custom property's value, or '(none)' when the event lacks it. */
  abstract String prop(String keyLiteral);

  /** Unicode lower case, for case-insensitive filters. */
  abstract String lower(String expr);

  /** Joins a derived table of sessions on session_id; sessions are unique on the right side. */
  abstract String joinSessions(String left, String right);

  /**
   * One row per non-empty value of the string expressions (in a select list): the goals an
   * event converts, as the event:goal dimension groups them.
   */
  abstract String expandNonEmpty(java.util.List<String> values);

  /** One row per element of an array column (in a select list); rows with none disappear. */
  abstract String expand(String array);

  /** Some value of the expression among a group's rows (all are equal where it is used). */
  abstract String anyValue(String expr);

  /** Distinct values of the expression among the rows where the condition holds. */
  abstract String uniqExactIf(String expr, String condition);

  /** A group's values of {@code value}, ordered by {@code timestamp_ms} then {@code event_id}. */
  abstract String inEventOrder(String value);

  /**
   * The 1-based position of the first element of {@code masks} with the bit set that comes after
   * position {@code after} (an expression; 0 for the start), or 0 when there is none.
   */
  abstract String firstWithBit(String masks, long bit, String after);
  /** A calendar date as a literal of the store's date type. */
  abstract String dateLiteral(java.time.LocalDate date);

  /** A date column as its ISO text (YYYY-MM-DD). */
  abstract String dateText(String column);

  /** Epoch minute of an epoch-milliseconds expression, for realtime. */
  String epochMinute(String millis) {
    return intDiv(millis, 60_000);
  }

  /** ClickHouse 18.16 and later, over the HTTP interface. */
  static final class ClickHouse extends Dialect {
    @Override SqlDialect id() { return SqlDialect.CLICKHOUSE; }
    @Override boolean reportsRowsBeforeLimit() { return true; }
    // The events table's one-byte kind column (1 pageview, 2 engagement), cheaper than the name.
    @Override String kindColumn() { return "kind"; }
    @Override String isPageview() { return "kind = 1"; }
    @Override String notEngagement() { return "kind != 2"; }
    @Override String isEngagement() { return "kind = 2"; }
    @Override String literal(String value) { return SqlLiterals.quote(SqlDialect.CLICKHOUSE, value); }
    @Override String intDiv(String expr, long divisor) { return "intDiv(" + expr + ", " + divisor + ")"; }
    @Override String uniqExact(String expr) { return "uniqExact(" + expr + ")"; }
    @Override String countIf(String condition) { return "countIf(" + condition + ")"; }
    @Override String exactSumIf(String expr, String condition) {
      return "toString(sumIf(toDecimal128(" + expr + ", 0), " + condition + "))";
    }
    @Override String contains(String haystack, String needle) {
      return "position(" + haystack + ", " + needle + ") > 0";
    }
    @Override String matches(String value, String regex) { return "match(" + value + ", " + regex + ")"; }
    @Override String prop(String key) {
      return "if(has(prop_keys, " + key + "), prop_values[indexOf(prop_keys, " + key + ")], '(none)')";
    }
    @Override String lower(String expr) { return "lowerUTF8(" + expr + ")"; }
    @Override String joinSessions(String left, String right) {
      return "(" + left + ") ANY INNER JOIN (" + right + ") USING session_id";
    }
    @Override String expandNonEmpty(java.util.List<String> values) {
      return "arrayJoin(arrayFilter(x -> x != '', [" + String.join(", ", values) + "]))";
    }
    @Override String expand(String array) { return "arrayJoin(" + array + ")"; }
    @Override String anyValue(String expr) { return "any(" + expr + ")"; }
    @Override String uniqExactIf(String expr, String condition) {
      return "uniqExactIf(" + expr + ", " + condition + ")";
    }
    @Override String inEventOrder(String value) {
      return "arrayMap(x -> x.3, arraySort(x -> (x.1, x.2), groupArray((timestamp_ms, event_id, " + value + "))))";
    }
    @Override String firstWithBit(String masks, long bit, String after) {
      return "arrayFirstIndex((m, i) -> bitAnd(m, " + bit + ") != 0 AND i > " + after + ", " + masks
          + ", arrayEnumerate(" + masks + "))";
    }
    @Override String dateLiteral(java.time.LocalDate date) { return "toDate('" + date + "')"; }
    @Override String dateText(String column) { return "toString(" + column + ")"; }
  }

  /** DuckDB 1.x, embedded. */
  static final class DuckDb extends Dialect {
    @Override SqlDialect id() { return SqlDialect.DUCKDB; }
    @Override boolean reportsRowsBeforeLimit() { return false; }
    @Override String kindColumn() { return "name"; }
    @Override String isPageview() { return "name = '" + Event.PAGEVIEW + "'"; }
    @Override String notEngagement() { return "name != '" + Event.ENGAGEMENT + "'"; }
    @Override String isEngagement() { return "name = '" + Event.ENGAGEMENT + "'"; }
    @Override String literal(String value) { return SqlLiterals.quote(SqlDialect.DUCKDB, value); }
    @Override String intDiv(String expr, long divisor) { return "(" + expr + " // " + divisor + ")"; }
    @Override String uniqExact(String expr) { return "count(DISTINCT " + expr + ")"; }
    @Override String countIf(String condition) { return "count(*) FILTER (WHERE " + condition + ")"; }
    @Override String exactSumIf(String expr, String condition) {
      return "CAST(coalesce(sum(CAST(" + expr + " AS HUGEINT)) FILTER (WHERE " + condition + "), 0) AS VARCHAR)";
    }
    @Override String contains(String haystack, String needle) {
      return "strpos(" + haystack + ", " + needle + ") > 0";
    }
    @Override String matches(String value, String regex) {
      return "regexp_full_match(" + value + ", " + regex + ")";
    }
    @Override String prop(String key) {
      return "coalesce(prop_values[list_position(prop_keys, " + key + ")], '(none)')";
    }
    @Override String lower(String expr) { return "lower(" + expr + ")"; }
    @Override String joinSessions(String left, String right) {
      return "(" + left + ") AS e INNER JOIN (" + right + ") AS s USING (session_id)";
    }
    @Override String expandNonEmpty(java.util.List<String> values) {
      return "unnest(list_filter([" + String.join(", ", values) + "], x -> x != ''))";
    }
    @Override String expand(String array) { return "unnest(" + array + ")"; }
    @Override String anyValue(String expr) { return "any_value(" + expr + ")"; }
    @Override String uniqExactIf(String expr, String condition) {
      return "count(DISTINCT " + expr + ") FILTER (WHERE " + condition + ")";
    }
    @Override String inEventOrder(String value) {
      // Structs sort by their fields in order: time, then event id.
      return "list_transform(list_sort(list({'t': timestamp_ms, 'id': event_id, 'v': " + value + "})), x -> x.v)";
    }
    @Override String firstWithBit(String masks, long bit, String after) {
      return "coalesce(list_position(list_transform(" + masks + ", (m, i) -> (m & " + bit + ") != 0 AND i > " + after
          + "), true), 0)";
    }
    @Override String dateLiteral(java.time.LocalDate date) { return "DATE '" + date + "'"; }
    @Override String dateText(String column) { return "CAST(" + column + " AS VARCHAR)"; }
  }
}
