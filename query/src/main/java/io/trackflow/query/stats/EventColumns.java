package io.trackflow.query.stats;

/**
 * Where the stats SQL meets the stores' schema: the relations that yield each event once, and
 * the time columns. Column names otherwise follow the event's fields in snake_case.
 */
final class EventColumns {

  private EventColumns() {}

  static final String CLICKHOUSE_EVENTS = "events FINAL";
  static final String CLICKHOUSE_MILLIS = "timestamp_ms";
  static final String DUCKDB_EVENTS = "events";
  static final String DUCKDB_MILLIS = "timestamp_ms";
  /** DuckDB keeps UTC wall time in a plain TIMESTAMP; this makes it an instant for timezone(). */
  static final String DUCKDB_TIME = "timezone('UTC', timestamp)";
}
