package io.trackflow.query.stats;

/**
 * Where the stats SQL meets the stores' time columns ({@link io.trackflow.core.store.EventsSchema}
 * names the table, the columns and the deduplicated relation).
 */
final class EventColumns {

  private EventColumns() {}

  static final String CLICKHOUSE_MILLIS = "timestamp_ms";
  static final String DUCKDB_MILLIS = "timestamp_ms";
}
