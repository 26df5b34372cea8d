package io.trackflow.adapters.store.clickhouse;

import io.trackflow.adapters.store.Migration;
import java.util.List;

/**
 * The ClickHouse schema, version by version (docs/storage.md explains it). Append new versions;
 * never edit an applied one. SQL stays in the subset ClickHouse 18.16 and current releases share.
 */
final class ClickHouseMigrations {

  static final String CREATE_MIGRATIONS_TABLE = """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version UInt32,
        description String,
        applied_at DateTime('UTC')
      ) ENGINE = MergeTree() ORDER BY version""";

  // ReplacingMergeTree collapses rows with equal sorting keys: a replayed event is the same row
  // (same site, time, visitor and id), so `FROM events FINAL` reads it once, on 18.16 as on
  // current releases. The key starts with site and UTC day, the shape of every dashboard query.
  private static final String CREATE_EVENTS = """
      CREATE TABLE IF NOT EXISTS events (
        event_id Int64,
        site String,
        timestamp DateTime('UTC'),
        timestamp_ms Int64,
        name String,
        hostname String,
        pathname String,
        referrer String,
        referrer_source String,
        utm_source String,
        utm_medium String,
        utm_campaign String,
        utm_term String,
        utm_content String,
        visitor_id Int64,
        session_id Int64,
        browser String,
        browser_version String,
        os String,
        os_version String,
        device String,
        country String,
        screen_size String,
        prop_keys Array(String),
        prop_values Array(String),
        interactive UInt8,
        scroll_depth Int32,
        engagement_millis Int64
      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMM(timestamp)
      ORDER BY (site, toDate(timestamp), visitor_id, event_id)
      SETTINGS index_granularity = 8192""";

  static final List<Migration> ALL = List.of(
      new Migration(1, "events table", List.of(CREATE_EVENTS)));

  private ClickHouseMigrations() {}
}
