package io.trackflow.core.store;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names shared by both event stores and the query builder: the events and sessions tables, their
 * columns (the same in ClickHouse and DuckDB) and the FROM clauses that read every event and
 * session exactly once. docs/storage.md describes the schema.
 */
public final class EventsSchema {

  /** The events table, in the store's own database (ClickHouse) or file (DuckDB). */
  public static final String TABLE = "events";

  /** The sessions table: one row per session, with the totals of its newest event. */
  public static final String SESSIONS_TABLE = "sessions";

  /**
   * Every column of the sessions table, in table order ({@code start} is ClickHouse's second-
   * truncated copy of {@code start_ms}, which DuckDB does not keep).
   */
  public static final List<String> SESSION_COLUMNS = List.of(
      "site", "session_id", "visitor_id", "start", "start_ms", "end_ms", "events", "pageviews",
      "interactive", "entry_page", "exit_page", "referrer", "referrer_source", "utm_source",
      "utm_medium", "utm_campaign", "utm_term", "utm_content", "country", "device", "browser",
      "browser_version", "os", "os_version", "entry_ms", "exit_ms", "last_activity_ms", "revision",
      "queue_partition", "first_position", "last_position", "region", "city");

  /**
   * The columns {@link EventStore#openSessions} reads: a session's identity, visit source and
   * totals with their resume data, in the order the stores' readers expect them.
   */
  public static final List<String> OPEN_SESSION_COLUMNS = List.of(
      "site", "session_id", "visitor_id", "referrer", "referrer_source", "utm_source", "utm_medium",
      "utm_campaign", "utm_term", "utm_content", "start_ms", "end_ms", "events", "pageviews",
      "interactive", "entry_page", "exit_page", "entry_ms", "exit_ms", "last_activity_ms",
      "revision", "queue_partition", "first_position", "last_position");

  /** The table recording applied schema versions. */
  public static final String MIGRATIONS_TABLE = "schema_migrations";

  /** Every column of the events table, in table order. */
  public static final List<String> COLUMNS = List.of(
      "event_id", "site", "timestamp", "timestamp_ms", "name", "hostname", "pathname",
      "referrer", "referrer_source", "utm_source", "utm_medium", "utm_campaign", "utm_term",
      "utm_content", "visitor_id", "session_id", "browser", "browser_version", "os", "os_version",
      "device", "country", "screen_size", "prop_keys", "prop_values", "interactive",
      "scroll_depth", "engagement_millis", "revenue_micros", "revenue_currency", "region", "city");

  /**
   * Earliest event time stored; earlier times are clamped to it. ClickHouse 18.16 prints dates
   * of 1970-01-01 as zeros, and nothing real is older.
   */
  public static final long MIN_TIMESTAMP_MILLIS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  /** Latest event time stored; later times are clamped to it (18.16's date tables end at 2105). */
  public static final long MAX_TIMESTAMP_MILLIS = Instant.parse("2099-12-31T23:59:59.999Z").toEpochMilli();

  private EventsSchema() {}

  /**
   * What follows FROM to read each stored event once, however often a replay stored it:
   * {@code events FINAL} on ClickHouse (a ReplacingMergeTree collapses rows with the same event
   * at read time), plain {@code events} on DuckDB (it never stores a duplicate). An alias goes
   * before FINAL: {@code events AS e FINAL}.
   */
  public static String deduplicated(SqlDialect dialect) {
    return switch (dialect) {
      case CLICKHOUSE -> TABLE + " FINAL";
      case DUCKDB -> TABLE;
    };
  }

  /**
   * What follows FROM to read each session once with its newest totals: {@code sessions FINAL}
   * on ClickHouse, plain {@code sessions} on DuckDB (which updates rows in place).
   */
  public static String sessionsDeduplicated(SqlDialect dialect) {
    return switch (dialect) {
      case CLICKHOUSE -> SESSIONS_TABLE + " FINAL";
      case DUCKDB -> SESSIONS_TABLE;
    };
  }

  /**
   * The sessions a batch brings up to date: per (site, session), its event with the highest
   * session revision (the session as it stands after its last event of the batch), in order of
   * first appearance. Events outside a counted session (engagement pings after a session ended,
   * events written before sessions were tracked) bring none.
   */
  public static List<Event> newestPerSession(List<Event> events) {
    Map<SessionKey, Event> newest = new LinkedHashMap<>();
    for (Event e : events) {
      if (e.session().counted()) {
        newest.merge(new SessionKey(e.site(), e.sessionId()), e,
            (a, b) -> b.session().revision() > a.session().revision() ? b : a);
      }
    }
    return new ArrayList<>(newest.values());
  }

  /**
   * A stored session from one row of {@link #OPEN_SESSION_COLUMNS} values (any integer type),
   * as both stores read them back.
   */
  public static StoredSession storedSession(List<Object> row) {
    VisitSource source = new VisitSource((String) row.get(3), (String) row.get(4), (String) row.get(5),
        (String) row.get(6), (String) row.get(7), (String) row.get(8), (String) row.get(9));
    SessionTotals totals = new SessionTotals(number(row, 10), number(row, 11), (int) number(row, 12),
        (int) number(row, 13), (int) number(row, 14), (String) row.get(15), (String) row.get(16),
        number(row, 17), number(row, 18), number(row, 19), (int) number(row, 20), (int) number(row, 21),
        number(row, 22), number(row, 23));
    return new StoredSession((String) row.get(0), number(row, 1), number(row, 2), source, totals);
  }

  private static long number(List<Object> row, int index) {
    return ((Number) row.get(index)).longValue();
  }

  private record SessionKey(String site, long sessionId) {}

  /** The event time a store keeps for {@code timestampMillis}: clamped to the supported range. */
  public static long storedMillis(long timestampMillis) {
    return Math.max(MIN_TIMESTAMP_MILLIS, Math.min(MAX_TIMESTAMP_MILLIS, timestampMillis));
  }
}
