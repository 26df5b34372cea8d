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

  // One row per session, updated in place by the single writer to the totals of the session's
  // newest event (docs/storage.md).
  private static final String SESSION_COLUMNS = """
        site VARCHAR NOT NULL,
        session_id BIGINT NOT NULL,
        visitor_id BIGINT NOT NULL,
        start_ms BIGINT NOT NULL,
        end_ms BIGINT NOT NULL,
        events INTEGER NOT NULL,
        pageviews INTEGER NOT NULL,
        interactive INTEGER NOT NULL,
        entry_page VARCHAR NOT NULL,
        exit_page VARCHAR NOT NULL,
        referrer VARCHAR NOT NULL,
        referrer_source VARCHAR NOT NULL,
        utm_source VARCHAR NOT NULL,
        utm_medium VARCHAR NOT NULL,
        utm_campaign VARCHAR NOT NULL,
        utm_term VARCHAR NOT NULL,
        utm_content VARCHAR NOT NULL,
        country VARCHAR NOT NULL,
        device VARCHAR NOT NULL,
        browser VARCHAR NOT NULL,
        browser_version VARCHAR NOT NULL,
        os VARCHAR NOT NULL,
        os_version VARCHAR NOT NULL""";

  private static final String CREATE_SESSIONS = "CREATE TABLE IF NOT EXISTS sessions (\n" + SESSION_COLUMNS + "\n)";

  private static final String KEY = "(timestamp_ms, event_id)";

  // The sessions of the events stored before version 2, then every event given its session's
  // source, as the collector now does for new events.
  private static final String BACKFILL_SESSIONS = "INSERT INTO sessions SELECT site, session_id,"
      + " any_value(visitor_id), min(timestamp_ms), max(timestamp_ms), count(*),"
      + " count(*) FILTER (WHERE name = 'pageview'),"
      + " count(*) FILTER (WHERE name != 'pageview' AND interactive = 1),"
      + " coalesce(arg_min(pathname, " + KEY + ") FILTER (WHERE name = 'pageview'), ''),"
      + " coalesce(arg_max(pathname, " + KEY + ") FILTER (WHERE name = 'pageview'), ''),"
      + " arg_min(referrer, " + KEY + "), arg_min(referrer_source, " + KEY + "),"
      + " arg_min(utm_source, " + KEY + "), arg_min(utm_medium, " + KEY + "),"
      + " arg_min(utm_campaign, " + KEY + "), arg_min(utm_term, " + KEY + "),"
      + " arg_min(utm_content, " + KEY + "), arg_min(country, " + KEY + "),"
      + " arg_min(device, " + KEY + "), arg_min(browser, " + KEY + "),"
      + " arg_min(browser_version, " + KEY + "), arg_min(os, " + KEY + "),"
      + " arg_min(os_version, " + KEY + ")"
      + " FROM events WHERE name != 'engagement' GROUP BY site, session_id";

  private static final String STAMP_EVENTS = "UPDATE events SET referrer = s.referrer,"
      + " referrer_source = s.referrer_source, utm_source = s.utm_source, utm_medium = s.utm_medium,"
      + " utm_campaign = s.utm_campaign, utm_term = s.utm_term, utm_content = s.utm_content"
      + " FROM sessions s WHERE events.site = s.site AND events.session_id = s.session_id";

  // Version 3: what the writer that owns a session's visitor needs to continue it after a restart
  // (docs/sessions.md). Sessions stored before had one revision per counted event and no queue
  // position, their entry and exit at their start and end, their last activity at their end. The
  // table is rebuilt rather than altered: DuckDB cannot add NOT NULL columns to a table with rows.
  private static final String CREATE_RESUMABLE_SESSIONS = "CREATE TABLE sessions_v3 (\n" + SESSION_COLUMNS + """
      ,
        entry_ms BIGINT NOT NULL,
        exit_ms BIGINT NOT NULL,
        last_activity_ms BIGINT NOT NULL,
        revision INTEGER NOT NULL,
        queue_partition INTEGER NOT NULL,
        first_position BIGINT NOT NULL,
        last_position BIGINT NOT NULL
      )""";

  private static final List<String> RESUMABLE_SESSIONS = List.of(CREATE_RESUMABLE_SESSIONS,
      "INSERT INTO sessions_v3 SELECT *, start_ms, end_ms, end_ms, events, -1, -1, -1 FROM sessions",
      "DROP TABLE sessions",
      "ALTER TABLE sessions_v3 RENAME TO sessions");

  // Version 4: revenue of custom events as an exact decimal: millionths of the currency's unit, and its
  // ISO 4217 code ('' for none); events stored before carry none.
  private static final List<String> ADD_REVENUE = List.of(
      "ALTER TABLE events ADD COLUMN revenue_micros BIGINT DEFAULT 0",
      "ALTER TABLE events ADD COLUMN revenue_currency VARCHAR DEFAULT ''");

  // Version 5: the visitor's region (ISO 3166-2) and city. DuckDB adds a column with a default but
  // without constraints, so NOT NULL is set afterwards.
  private static final List<String> REGION_AND_CITY = placeColumns();

  private static List<String> placeColumns() {
    List<String> statements = new java.util.ArrayList<>();
    for (String table : List.of("events", "sessions")) {
      for (String column : List.of("region", "city")) {
        statements.add("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " VARCHAR DEFAULT ''");
        statements.add("ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL");
      }
    }
    return statements;
  }

  static final List<Migration> ALL = List.of(
      new Migration(1, "events table", List.of(CREATE_EVENTS)),
      // Applied in one transaction with its record, so never half.
      new Migration(2, "sessions table", List.of(CREATE_SESSIONS, BACKFILL_SESSIONS, STAMP_EVENTS)),
      new Migration(3, "sessions resume where their writer stopped", RESUMABLE_SESSIONS),
      new Migration(4, "revenue of events", ADD_REVENUE),
      new Migration(5, "region and city of events and sessions", REGION_AND_CITY),
      new Migration(6, "imported daily aggregates", io.trackflow.adapters.store.ImportedTablesV6.duckDb()),
      new Migration(7, "rollups by hour and day", io.trackflow.adapters.store.RollupTablesV7.duckDb()),
      new Migration(8, "rollups with exact visitor counts", io.trackflow.adapters.store.RollupTablesV8.duckDb()));

  private DuckDbMigrations() {}
}
