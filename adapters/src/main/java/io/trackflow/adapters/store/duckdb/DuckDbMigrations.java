package io.trackflow.adapters.store.duckdb;

import io.trackflow.adapters.store.Migration;
import java.util.List;

/**
 * The DuckDB schema, version by version, with the same table and column names as ClickHouse so
 * the query builder differs only in functions. Append new versions; never edit an applied one.
 */
final class DuckDbMigrations {

  static final String CREATE_MIGRATIONS_TABLE = """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        description VARCHAR NOT NULL,
        applied_at TIMESTAMP NOT NULL
      )""";

  // No primary key on event_id: its ART index made batch inserts 8x slower and the file 10x
  // larger (docs/storage.md); duplicates are kept out by an anti-join at insert instead.
  private static final String CREATE_EVENTS = """
      CREATE TABLE IF NOT EXISTS events (
        event_id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        timestamp TIMESTAMP NOT NULL,
        timestamp_ms BIGINT NOT NULL,
        name VARCHAR NOT NULL,
        hostname VARCHAR NOT NULL,
        pathname VARCHAR NOT NULL,
        referrer VARCHAR NOT NULL,
        referrer_source VARCHAR NOT NULL,
        utm_source VARCHAR NOT NULL,
        utm_medium VARCHAR NOT NULL,
        utm_campaign VARCHAR NOT NULL,
        utm_term VARCHAR NOT NULL,
        utm_content VARCHAR NOT NULL,
        visitor_id BIGINT NOT NULL,
        session_id BIGINT NOT NULL,
        browser VARCHAR NOT NULL,
        browser_version VARCHAR NOT NULL,
        os VARCHAR NOT NULL,
        os_version VARCHAR NOT NULL,
        device VARCHAR NOT NULL,
        country VARCHAR NOT NULL,
        screen_size VARCHAR NOT NULL,
        prop_keys VARCHAR[] NOT NULL,
        prop_values VARCHAR[] NOT NULL,
        interactive UTINYINT NOT NULL,
        scroll_depth INTEGER NOT NULL,
        engagement_millis BIGINT NOT NULL
      )""";

  static final List<Migration> ALL = List.of(
      new Migration(1, "events table", List.of(CREATE_EVENTS)));

  private DuckDbMigrations() {}
}
