package io.trackflow.adapters.store;

import java.util.List;

/**
 * The rollup tables as event-store schema version 7 created them (docs/storage.md, "Rollups"),
 * written out here so the applied version never changes.
 */
public final class RollupTablesV7 {

  private static final String COUNTS = List.of("events", "pageviews", "visits", "sessions", "bounces", "duration_ms",
      "session_pageviews", "engaged_visits", "scroll_sum", "engaged_ms").stream()
      .map(c -> "  " + c + " %1$s,\n").reduce("", String::concat);

  private RollupTablesV7() {}

  /**
   * ClickHouse: one partition per UTC day, so a rebuild drops the day's rows at once (no
   * mutation); rows two builders wrote collapse by key (read with FINAL), as do build records.
   */
  public static List<String> clickHouse() {
    return List.of("CREATE TABLE IF NOT EXISTS rollups (\n  site String,\n  day Date,\n  grain UInt8,\n"
            + "  bucket_ms Int64,\n  dimension String,\n  value String,\n" + String.format(COUNTS, "Int64")
            + "  visitors String,\n  built_ms UInt64\n) ENGINE = ReplacingMergeTree(built_ms)\n"
            + "PARTITION BY toYYYYMMDD(day)\nORDER BY (site, dimension, grain, bucket_ms, value)",
        "CREATE TABLE IF NOT EXISTS rollup_builds (\n  day Date,\n  rollup_version UInt32,\n  events_seen Int64,\n"
            + "  crossing_in Int64,\n  crossing_out Int64,\n  built UInt8,\n  built_ms UInt64\n) ENGINE = ReplacingMergeTree(built_ms)\nORDER BY day");
  }

  /** DuckDB: a rebuild deletes and inserts a day in one transaction. */
  public static List<String> duckDb() {
    return List.of("CREATE TABLE IF NOT EXISTS rollups (\n  site VARCHAR NOT NULL,\n  day DATE NOT NULL,\n"
            + "  grain UTINYINT NOT NULL,\n  bucket_ms BIGINT NOT NULL,\n  dimension VARCHAR NOT NULL,\n"
            + "  value VARCHAR NOT NULL,\n" + String.format(COUNTS, "BIGINT NOT NULL")
            + "  visitors VARCHAR NOT NULL,\n  built_ms BIGINT NOT NULL\n)",
        "CREATE TABLE IF NOT EXISTS rollup_builds (\n  day DATE PRIMARY KEY,\n  rollup_version INTEGER NOT NULL,\n"
            + "  events_seen BIGINT NOT NULL,\n  crossing_in BIGINT NOT NULL,\n  crossing_out BIGINT NOT NULL,\n  built UTINYINT NOT NULL,\n  built_ms BIGINT NOT NULL\n)");
  }
}
