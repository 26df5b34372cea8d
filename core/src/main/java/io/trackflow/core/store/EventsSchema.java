package io.trackflow.core.store;

import java.time.Instant;
import java.util.List;

/**
 * Names shared by both event stores and the query builder: the events table, its columns (the
 * same in ClickHouse and DuckDB) and the FROM clause that reads every event exactly once.
 * docs/storage.md describes the schema.
 */
public final class EventsSchema {

  /** The events table, in the store's own database (ClickHouse) or file (DuckDB). */
  public static final String TABLE = "events";

  /** The table recording applied schema versions. */
  public static final String MIGRATIONS_TABLE = "schema_migrations";

  /** Every column of the events table, in table order. */
  public static final List<String> COLUMNS = List.of(
      "event_id", "site", "timestamp", "timestamp_ms", "name", "hostname", "pathname",
      "referrer", "referrer_source", "utm_source", "utm_medium", "utm_campaign", "utm_term",
      "utm_content", "visitor_id", "session_id", "browser", "browser_version", "os", "os_version",
      "device", "country", "screen_size", "prop_keys", "prop_values", "interactive",
      "scroll_depth", "engagement_millis");

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

  /** The event time a store keeps for {@code timestampMillis}: clamped to the supported range. */
  public static long storedMillis(long timestampMillis) {
    return Math.max(MIN_TIMESTAMP_MILLIS, Math.min(MAX_TIMESTAMP_MILLIS, timestampMillis));
  }
}
