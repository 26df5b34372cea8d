package io.trackflow.adapters.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The rollup tables as event-store schema version 8 made them (docs/storage.md, "Rollups"):
 * version 7's, with exact visitor counts (per row, and per whole-hour prefix and suffix of a
 * day) in place of the visitor sketches. The tables are made anew: rollups are derived data, and
 * the writers build every settled day again. Written out here so the applied version never
 * changes.
 */
public final class RollupTablesV8 {

  private static final String COUNTS = List.of("events", "pageviews", "visits", "sessions", "bounces", "duration_ms",
      "session_pageviews", "engaged_visits", "scroll_sum", "engaged_ms", "visitor_count").stream()
      .map(c -> "  " + c + " %1$s,\n").reduce("", String::concat);

  private RollupTablesV8() {}

  /**
   * ClickHouse: one partition per month, so a month's answer reads a few merged parts (daily
   * partitions made every answer open thirty). Readers take the rows whose build is the day's
   * recorded build ({@code Rollups.newBuild}; no FINAL): a rebuild inserts the new rows, records them, then deletes
   * the older ones.
   */
  public static List<String> clickHouse() {
    List<String> statements = new ArrayList<>(List.of("DROP TABLE IF EXISTS rollups", "DROP TABLE IF EXISTS rollup_builds"));
    statements.add("CREATE TABLE IF NOT EXISTS rollups (\n  site String,\n  day Date,\n  grain UInt8,\n"
        + "  bucket_ms Int64,\n  dimension String,\n  value String,\n" + String.format(COUNTS, "Int64")
        + "  visitors_before String,\n  visitors_from String,\n  build UInt64\n) ENGINE = MergeTree\n"
        + "PARTITION BY toYYYYMM(day)\nORDER BY (site, dimension, grain, bucket_ms, value)");
    statements.add("CREATE TABLE IF NOT EXISTS rollup_builds (\n  day Date,\n  rollup_version UInt32,\n"
        + "  events_seen Int64,\n  crossing_in Int64,\n  crossing_out Int64,\n  built UInt8,\n  build UInt64\n)"
        + " ENGINE = ReplacingMergeTree(build)\nORDER BY day");
    return statements;
  }

  /** DuckDB: a rebuild deletes and inserts a day in one transaction. */
  public static List<String> duckDb() {
    List<String> statements = new ArrayList<>(List.of("DROP TABLE IF EXISTS rollups", "DROP TABLE IF EXISTS rollup_builds"));
    statements.add("CREATE TABLE IF NOT EXISTS rollups (\n  site VARCHAR NOT NULL,\n  day DATE NOT NULL,\n"
        + "  grain UTINYINT NOT NULL,\n  bucket_ms BIGINT NOT NULL,\n  dimension VARCHAR NOT NULL,\n"
        + "  value VARCHAR NOT NULL,\n" + String.format(COUNTS, "BIGINT NOT NULL")
        + "  visitors_before VARCHAR NOT NULL,\n  visitors_from VARCHAR NOT NULL,\n  build BIGINT NOT NULL\n)");
    statements.add("CREATE TABLE IF NOT EXISTS rollup_builds (\n  day DATE PRIMARY KEY,\n  rollup_version INTEGER NOT NULL,\n"
        + "  events_seen BIGINT NOT NULL,\n  crossing_in BIGINT NOT NULL,\n  crossing_out BIGINT NOT NULL,\n"
        + "  built UTINYINT NOT NULL,\n  build BIGINT NOT NULL\n)");
    return statements;
  }
}
