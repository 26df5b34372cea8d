package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.store.QueryResult;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The ClickHouse schema, version by version (docs/storage.md explains it). Append new versions;
 * never edit an applied one. SQL stays in the subset ClickHouse 18.16 and current releases share.
 * Each version is safe to apply again after a start that died half-way: statements are
 * idempotent, and a version that moves data checks how far an earlier attempt got.
 */
final class ClickHouseMigrations {

  /** What a version needs from the store: run a statement, run a query. */
  interface Database {
    Future<Void> execute(String sql);

    Future<QueryResult> query(String sql);
  }

  /** One schema version. */
  record Version(int version, String description, Function<Database, Future<Void>> apply) {
    static Version of(int version, String description, List<String> statements) {
      return new Version(version, description, db -> inOrder(db, statements));
    }
  }

  static final String CREATE_MIGRATIONS_TABLE = """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version UInt32,
        description String,
        applied_at DateTime('UTC')
      ) ENGINE = MergeTree() ORDER BY version""";

  private static final String EVENT_COLUMNS = """
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
        engagement_millis Int64""";

  // Version 1. ReplacingMergeTree collapses rows with equal sorting keys: a replayed event is the
  // same row (same site, time, visitor and id). The key starts with site and UTC day, the shape
  // of every dashboard query.
  private static final String CREATE_EVENTS_MONTHLY = "CREATE TABLE IF NOT EXISTS events (\n"
      + EVENT_COLUMNS + """

      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMM(timestamp)
      ORDER BY (site, toDate(timestamp), visitor_id, event_id)
      SETTINGS index_granularity = 8192""";

  // Version 2: daily partitions. A day whose partition is one part holds no copies, so reads of
  // it need no FINAL; the writer's compaction merges each day once its writes settle. The kind
  // of event as one byte (1 pageview, 2 engagement, 0 custom), computed on insert, leads the key
  // after the day: every stats statement skips engagement pings (a third of the rows) by the
  // primary key instead of comparing names, which halved the cost of a 30-day page breakdown.
  static final String DAILY_PARTITION_KEY = "toYYYYMMDD(timestamp)";

  static final String KIND = "kind";

  private static final String CREATE_EVENTS_DAILY = "CREATE TABLE IF NOT EXISTS events_v2 (\n"
      + EVENT_COLUMNS + ",\n  " + KIND + " UInt8 MATERIALIZED multiIf(name = 'pageview', 1, name = 'engagement', 2, 0)" + """

      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMMDD(timestamp)
      ORDER BY (site, toDate(timestamp), kind, visitor_id, event_id)
      SETTINGS index_granularity = 8192""";

  // One row per session; the row with the most counted events wins (replays carry the same
  // totals, so they collapse too). Partitioned by the day the session started, like events.
  private static final String SESSION_COLUMNS = """
        site String,
        session_id Int64,
        visitor_id Int64,
        start DateTime('UTC'),
        start_ms Int64,
        end_ms Int64,
        events UInt32,
        pageviews UInt32,
        interactive UInt32,
        entry_page String,
        exit_page String,
        referrer String,
        referrer_source String,
        utm_source String,
        utm_medium String,
        utm_campaign String,
        utm_term String,
        utm_content String,
        country String,
        device String,
        browser String,
        browser_version String,
        os String,
        os_version String""";

  private static final String CREATE_SESSIONS = "CREATE TABLE IF NOT EXISTS sessions (\n" + SESSION_COLUMNS + """

      ) ENGINE = ReplacingMergeTree(events)
      PARTITION BY toYYYYMMDD(start)
      ORDER BY (site, toDate(start), session_id)
      SETTINGS index_granularity = 8192""";

  private static final String VISIT_KEY = "tuple(timestamp_ms, event_id)";

  // Version 3: what the writer that owns a session's visitor needs to continue it after a restart
  // (docs/sessions.md), and the revision as the version: it grows with every change, engagement
  // pings that keep a session alive included, where the event count does not.
  private static final String CREATE_SESSIONS_RESUMABLE = "CREATE TABLE IF NOT EXISTS sessions_v3 (\n"
      + SESSION_COLUMNS + """
      ,
        entry_ms Int64,
        exit_ms Int64,
        last_activity_ms Int64,
        revision UInt32,
        queue_partition Int32,
        first_position Int64,
        last_position Int64
      ) ENGINE = ReplacingMergeTree(revision)
      PARTITION BY toYYYYMMDD(start)
      ORDER BY (site, toDate(start), session_id)
      SETTINGS index_granularity = 8192""";

  // Sessions stored before version 3 had one revision per counted event and no queue position,
  // their entry and exit at their start and end, their last activity at their end. Every row is
  // copied, not only the newest per session: the new table collapses them the same way.
  private static final String COPY_SESSIONS = "INSERT INTO sessions_v3 SELECT site, session_id,"
      + " visitor_id, start, start_ms, end_ms, events, pageviews, interactive, entry_page, exit_page,"
      + " referrer, referrer_source, utm_source, utm_medium, utm_campaign, utm_term, utm_content,"
      + " country, device, browser, browser_version, os, os_version, start_ms, end_ms, end_ms,"
      + " events, toInt32(-1), toInt64(-1), toInt64(-1) FROM sessions";

  /** The events table's columns as version 2 copies them (later versions add columns after). */
  static final List<String> V2_COLUMNS = io.trackflow.core.store.EventsSchema.COLUMNS.subList(0,
      io.trackflow.core.store.EventsSchema.COLUMNS.indexOf("engagement_millis") + 1);

  // Version 4: revenue of custom events as an exact decimal, millionths of the currency's unit,
  // and its ISO 4217 code ('' for none). Added after kind, which SELECT * leaves out; inserts
  // name their columns.
  private static final List<List<String>> REVENUE_COLUMNS = List.of(
      List.of("revenue_micros", "Int64 DEFAULT 0"), List.of("revenue_currency", "String DEFAULT ''"));

  // Version 5: the visitor's region (ISO 3166-2) and city, where a city database is configured.
  /** ClickHouse's ILLEGAL_COLUMN: "Cannot add column …: column with this name already exists". */
  private static final int COLUMN_ALREADY_EXISTS = 44;
  private static final List<String> PLACE_COLUMNS = List.of("region", "city");

  static final List<Version> ALL = List.of(
      Version.of(1, "events table", List.of(CREATE_EVENTS_MONTHLY)),
      new Version(2, "daily partitions, event kind, sessions table", ClickHouseMigrations::dailyAndSessions),
      new Version(3, "sessions resume where their writer stopped", ClickHouseMigrations::resumableSessions),
      new Version(4, "revenue of events", ClickHouseMigrations::addRevenue),
      new Version(5, "region and city of events and sessions", ClickHouseMigrations::regionAndCity),
      Version.of(6, "imported daily aggregates", io.trackflow.adapters.store.ImportedTablesV6.clickHouse()),
      Version.of(7, "rollups by hour and day", io.trackflow.adapters.store.RollupTablesV7.clickHouse()),
      Version.of(8, "rollups with exact visitor counts", io.trackflow.adapters.store.RollupTablesV8.clickHouse()));

  private ClickHouseMigrations() {}

  /**
   * Moves events into daily partitions and derives the sessions of the events stored so far,
   * giving every event its session's source (as the collector now does). Until the final rename
   * the old table is untouched, so an attempt that dies is simply repeated.
   */
  private static Future<Void> dailyAndSessions(Database db) {
    return db.query("SELECT partition_key FROM system.tables WHERE database = currentDatabase()"
            + " AND name = 'events'")
        .compose(r -> {
          if (DAILY_PARTITION_KEY.equals(r.rows().get(0).get(0))) {
            // An earlier attempt got as far as the rename.
            return inOrder(db, List.of(CREATE_SESSIONS, "DROP TABLE IF EXISTS events_v1"));
          }
          return inOrder(db, List.of(CREATE_SESSIONS, "TRUNCATE TABLE sessions", CREATE_EVENTS_DAILY,
                  "TRUNCATE TABLE events_v2"))
              .compose(v -> db.query("SELECT DISTINCT toString(toDate(timestamp)) AS day FROM events ORDER BY day"))
              .compose(days -> {
                Future<Void> chain = Future.succeededFuture();
                for (List<Object> row : days.rows()) {
                  LocalDate day = LocalDate.parse((String) row.get(0));
                  chain = chain.compose(v -> db.execute(backfillSessions(day)))
                      .compose(v -> db.execute(copyEvents(day)));
                }
                return chain;
              })
              .compose(v -> inOrder(db, List.of("RENAME TABLE events TO events_v1, events_v2 TO events",
                  "DROP TABLE IF EXISTS events_v1")));
        });
  }

  /**
   * Copies the sessions into a table with the resume columns and the revision as version, then
   * swaps the tables; until the rename the old table is untouched, so an attempt that dies is
   * simply repeated.
   */
  private static Future<Void> resumableSessions(Database db) {
    return db.query("SELECT count() FROM system.columns WHERE database = currentDatabase()"
            + " AND table = 'sessions' AND name = 'revision'")
        .compose(r -> {
          if ((Long) r.rows().get(0).get(0) > 0) {
            // An earlier attempt got as far as the rename.
            return inOrder(db, List.of("DROP TABLE IF EXISTS sessions_v2"));
          }
          return inOrder(db, List.of(CREATE_SESSIONS_RESUMABLE, "TRUNCATE TABLE sessions_v3", COPY_SESSIONS,
              "RENAME TABLE sessions TO sessions_v2, sessions_v3 TO sessions", "DROP TABLE IF EXISTS sessions_v2"));
        });
  }

  /** Adds the revenue columns an earlier attempt did not (18.16 has no ADD COLUMN IF NOT EXISTS). */
  private static Future<Void> addRevenue(Database db) {
    return db.query("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'events'")
        .compose(r -> {
          List<String> statements = new ArrayList<>();
          for (List<String> column : REVENUE_COLUMNS) {
            if (r.rows().stream().noneMatch(row -> column.get(0).equals(row.get(0)))) {
              statements.add("ALTER TABLE events ADD COLUMN " + column.get(0) + " " + column.get(1));
            }
          }
          return addColumns(db, statements);
        });
  }

  /**
   * Adds the region and city columns to events and sessions; 18.16 has no {@code ADD COLUMN IF NOT
   * EXISTS}, so each column is added only when system.columns lacks it.
   */
  private static Future<Void> regionAndCity(Database db) {
    return db.query("SELECT table, name FROM system.columns WHERE database = currentDatabase()"
            + " AND table IN ('events', 'sessions') AND name IN ('region', 'city')")
        .compose(present -> {
          List<String> statements = new ArrayList<>();
          for (String table : List.of("events", "sessions")) {
            for (String column : PLACE_COLUMNS) {
              if (!present.rows().contains(List.of(table, column))) {
                statements.add("ALTER TABLE " + table + " ADD COLUMN " + column + " String");
              }
            }
          }
          return addColumns(db, statements);
        });
  }

  /** The sessions that started on {@code day}, from their events (at most a day long). */
  static String backfillSessions(LocalDate day) {
    long from = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    long next = from + 86_400;
    return "INSERT INTO sessions SELECT site, session_id, any(visitor_id),"
        + " toDateTime(intDiv(min(timestamp_ms), 1000), 'UTC'), min(timestamp_ms), max(timestamp_ms),"
        + " toUInt32(count()), toUInt32(countIf(name = 'pageview')),"
        + " toUInt32(countIf(name != 'pageview' AND interactive = 1)),"
        + " argMinIf(pathname, " + VISIT_KEY + ", name = 'pageview'),"
        + " argMaxIf(pathname, " + VISIT_KEY + ", name = 'pageview'),"
        + firstOf("referrer", "referrer_source", "utm_source", "utm_medium", "utm_campaign",
            "utm_term", "utm_content", "country", "device", "browser", "browser_version", "os",
            "os_version")
        + " FROM events FINAL WHERE timestamp >= toDateTime(" + from + ") AND timestamp < toDateTime("
        + (next + 86_400) + ") AND name != 'engagement' GROUP BY site, session_id"
        + " HAVING min(timestamp_ms) >= " + from * 1000 + " AND min(timestamp_ms) < " + next * 1000;
  }

  /** The events of {@code day}, each with its session's source where the session is known. */
  static String copyEvents(LocalDate day) {
    long from = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    long next = from + 86_400;
    List<String> visit = List.of("referrer", "referrer_source", "utm_source", "utm_medium",
        "utm_campaign", "utm_term", "utm_content");
    List<String> columns = new ArrayList<>();
    for (String c : V2_COLUMNS) {
      columns.add(visit.contains(c) ? "if(s_known = 1, s_" + c + ", " + c + ")" : c);
    }
    List<String> right = new ArrayList<>(List.of("session_id", "toUInt8(1) AS s_known"));
    visit.forEach(c -> right.add(c + " AS s_" + c));
    return "INSERT INTO events_v2 (" + String.join(", ", V2_COLUMNS)
        + ") SELECT " + String.join(", ", columns)
        + " FROM (SELECT * FROM events FINAL WHERE timestamp >= toDateTime(" + from
        + ") AND timestamp < toDateTime(" + next + ")) ANY LEFT JOIN (SELECT " + String.join(", ", right)
        + " FROM sessions WHERE start >= toDateTime(" + (from - 86_400) + ") AND start < toDateTime("
        + next + ")) USING session_id";
  }

  private static String firstOf(String... columns) {
    List<String> parts = new ArrayList<>();
    for (String c : columns) {
      parts.add("argMin(" + c + ", " + VISIT_KEY + ")");
    }
    return " " + String.join(", ", parts);
  }

  /**
   * Runs ADD COLUMN statements in order. Processes starting together migrate a fresh database at
   * the same time: a column another process added between our check and our ALTER is there, which
   * is all this step wants.
   */
  private static Future<Void> addColumns(Database db, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements) {
      chain = chain.compose(v -> db.execute(statement).recover(e ->
          e instanceof ClickHouseException c && c.code() == COLUMN_ALREADY_EXISTS
              ? Future.succeededFuture() : Future.failedFuture(e)));
    }
    return chain;
  }

  private static Future<Void> inOrder(Database db, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements) {
      chain = chain.compose(v -> db.execute(statement));
    }
    return chain;
  }
}
