package io.trackflow.query.stats;

import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import java.time.Instant;

/**
 * What differs between the stores' SQL: function names, literal escaping and how deduplicated
 * events are read. {@link SqlBuilder} writes every statement once in terms
 * of these.
 */
abstract class Dialect {

  static Dialect of(SqlDialect dialect) {
    return switch (dialect) {
      case CLICKHOUSE -> new ClickHouse();
      case DUCKDB -> new DuckDb();
    };
  }

  abstract SqlDialect id();

  /** The one escaping function for string values (the stores' shared {@link SqlLiterals}). */
  abstract String literal(String value);

  /** The relation to read events from, each event id once (replays may have stored it twice). */
  abstract String events();

  /** Events of the half-open instant range, on the column the table is sorted by. */
  abstract String inRange(Instant from, Instant to);

  /** The event's time as epoch milliseconds. */
  abstract String millis();

  /** Integer division of a non-negative expression by a positive constant. */
  abstract String intDiv(String expr, long divisor);

  abstract String uniqExact(String expr);

  abstract String countIf(String condition);

  abstract String anyValue(String expr);

  /** The value at the smallest key among rows meeting the condition, or '' when none does. */
  abstract String argMinIf(String value, String key, String condition);

  /** The value at the largest key among rows meeting the condition, or '' when none does. */
  abstract String argMaxIf(String value, String key, String condition);

  abstract String argMin(String value, String key);

  abstract String tuple(String a, String b);

  /** True when the haystack contains the needle (a literal). */
  abstract String contains(String haystack, String needleLiteral);

  /** True when the whole value matches the RE2 pattern (a literal). */
  abstract String matches(String value, String regexLiteral);

  /** A custom property's value, or '(none)' when the event lacks it. */
  abstract String prop(String keyLiteral);

  abstract String isTrue(String column);

  /** Unicode lower case, for case-insensitive filters. */
  abstract String lower(String expr);

  /** Joins a derived table of sessions on session_id; sessions are unique on the right side. */
  abstract String joinSessions(String left, String right);

  /** Epoch minute of a time expression, for realtime. */
  abstract String epochMinute();

  /** ClickHouse 18.16 and later, over the HTTP interface. */
  static final class ClickHouse extends Dialect {
    @Override SqlDialect id() { return SqlDialect.CLICKHOUSE; }
    @Override String literal(String value) { return SqlLiterals.quote(SqlDialect.CLICKHOUSE, value); }
    @Override String events() { return EventsSchema.deduplicated(SqlDialect.CLICKHOUSE); }
    @Override String inRange(Instant from, Instant to) {
      return "timestamp >= toDateTime(" + from.getEpochSecond() + ") AND timestamp < toDateTime("
          + ceilSeconds(to) + ") AND " + millis() + " >= " + from.toEpochMilli() + " AND "
          + millis() + " < " + to.toEpochMilli();
    }
    @Override String millis() { return EventColumns.CLICKHOUSE_MILLIS; }
    @Override String intDiv(String expr, long divisor) { return "intDiv(" + expr + ", " + divisor + ")"; }
    @Override String uniqExact(String expr) { return "uniqExact(" + expr + ")"; }
    @Override String countIf(String condition) { return "countIf(" + condition + ")"; }
    @Override String anyValue(String expr) { return "any(" + expr + ")"; }
    @Override String argMinIf(String value, String key, String condition) {
      return "argMinIf(" + value + ", " + key + ", " + condition + ")";
    }
    @Override String argMaxIf(String value, String key, String condition) {
      return "argMaxIf(" + value + ", " + key + ", " + condition + ")";
    }
    @Override String argMin(String value, String key) { return "argMin(" + value + ", " + key + ")"; }
    @Override String tuple(String a, String b) { return "tuple(" + a + ", " + b + ")"; }
    @Override String contains(String haystack, String needle) {
      return "position(" + haystack + ", " + needle + ") > 0";
    }
    @Override String matches(String value, String regex) { return "match(" + value + ", " + regex + ")"; }
    @Override String prop(String key) {
      return "if(has(prop_keys, " + key + "), prop_values[indexOf(prop_keys, " + key + ")], '(none)')";
    }
    @Override String isTrue(String column) { return column + " = 1"; }
    @Override String lower(String expr) { return "lowerUTF8(" + expr + ")"; }
    @Override String joinSessions(String left, String right) {
      return "(" + left + ") ANY INNER JOIN (" + right + ") USING session_id";
    }
    @Override String epochMinute() { return "intDiv(toUInt32(timestamp), 60)"; }

    private static long ceilSeconds(Instant to) {
      return to.getNano() == 0 ? to.getEpochSecond() : to.getEpochSecond() + 1;
    }
  }

  /** DuckDB 1.x, embedded. */
  static final class DuckDb extends Dialect {
    @Override SqlDialect id() { return SqlDialect.DUCKDB; }
    @Override String literal(String value) { return SqlLiterals.quote(SqlDialect.DUCKDB, value); }
    @Override String events() { return EventsSchema.deduplicated(SqlDialect.DUCKDB); }
    @Override String inRange(Instant from, Instant to) {
      return millis() + " >= " + from.toEpochMilli() + " AND " + millis() + " < " + to.toEpochMilli();
    }
    @Override String millis() { return EventColumns.DUCKDB_MILLIS; }
    @Override String intDiv(String expr, long divisor) { return "(" + expr + " // " + divisor + ")"; }
    @Override String uniqExact(String expr) { return "count(DISTINCT " + expr + ")"; }
    @Override String countIf(String condition) { return "count(*) FILTER (WHERE " + condition + ")"; }
    @Override String anyValue(String expr) { return "any_value(" + expr + ")"; }
    @Override String argMinIf(String value, String key, String condition) {
      return "coalesce(arg_min(" + value + ", " + key + ") FILTER (WHERE " + condition + "), '')";
    }
    @Override String argMaxIf(String value, String key, String condition) {
      return "coalesce(arg_max(" + value + ", " + key + ") FILTER (WHERE " + condition + "), '')";
    }
    @Override String argMin(String value, String key) { return "arg_min(" + value + ", " + key + ")"; }
    @Override String tuple(String a, String b) { return "(" + a + ", " + b + ")"; }
    @Override String contains(String haystack, String needle) {
      return "strpos(" + haystack + ", " + needle + ") > 0";
    }
    @Override String matches(String value, String regex) {
      return "regexp_full_match(" + value + ", " + regex + ")";
    }
    @Override String prop(String key) {
      return "coalesce(prop_values[list_position(prop_keys, " + key + ")], '(none)')";
    }
    @Override String isTrue(String column) { return column + " = 1"; }
    @Override String lower(String expr) { return "lower(" + expr + ")"; }
    @Override String joinSessions(String left, String right) {
      return "(" + left + ") AS e INNER JOIN (" + right + ") AS s USING (session_id)";
    }
    @Override String epochMinute() { return "(" + millis() + " // 60000)"; }
  }
}
