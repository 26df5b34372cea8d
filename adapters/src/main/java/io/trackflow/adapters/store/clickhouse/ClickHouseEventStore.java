package io.trackflow.adapters.store.clickhouse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.adapters.store.StoreMetrics;
import io.trackflow.core.event.Event;
import io.trackflow.core.rollup.RollupBuild;
import io.trackflow.core.rollup.RollupRow;
import io.trackflow.core.rollup.Rollups;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.trackflow.core.store.ImportedRow;
import io.trackflow.core.store.ImportedTable;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event store on ClickHouse, spoken to over its HTTP interface with the Vert.x WebClient (never
 * blocking a thread): versioned migrations at start-up, gzip-compressed RowBinary inserts of each
 * batch's events and sessions, read-only JSONCompact queries. Replays are stored again; the
 * ReplacingMergeTrees collapse them when they merge, and reads deduplicate only the days not yet
 * merged into one part ({@link ClickHouseReadView}); {@link #compact()} merges settled days.
 */
public final class ClickHouseEventStore implements EventStore {

  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseEventStore.class);
  private static final Duration MUTATION_POLL = Duration.ofMillis(100);
  private static final Duration MUTATION_DEADLINE = Duration.ofMinutes(10);
  /** How long start-up waits for an unreachable ClickHouse (a cluster may start it later). */
  private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(60);
  /** How often a process waiting for another's schema migration looks again. */
  private static final Duration LOCK_POLL = Duration.ofMillis(500);

  /** Statements built again because a day they read plainly changed while they ran. */
  public static final String REREAD_METRIC = "trackflow.store.clickhouse.rereads";
  /** Reads of a statement against newer part states before it falls back to FINAL everywhere. */
  private static final int READ_ATTEMPTS = 3;
  /** A finished day's partition is merged once nothing was written to it for this long. */
  static final Duration SETTLED = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final ClickHouseOptions options;
  private final ClickHouseHttp http;
  private final StoreMetrics metrics;
  private final PartitionParts parts;
  private final Counter rereads;
  private final MigrationLock migrationLock;

  public ClickHouseEventStore(Vertx vertx, ClickHouseOptions options, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    this.http = new ClickHouseHttp(vertx, options);
    this.metrics = new StoreMetrics(registry, "clickhouse");
    this.parts = new PartitionParts(this::select, options.database());
    this.migrationLock = new MigrationLock(vertx, http, sql -> select(sql).map(QueryResult::rows));
    this.rereads = Counter.builder(REREAD_METRIC)
        .description("Stats statements run again because a merged day they read changed under them")
        .register(registry);
  }

  /**
   * Creates the database and applies pending schema versions. While ClickHouse cannot be
   * reached it retries with backoff for up to a minute; an error ClickHouse reports is retried
   * twice.
   */
  private static final int MIGRATION_RETRIES_ON_ERROR = 2;

  @Override
  public Future<Void> migrate() {
    long deadline = System.nanoTime() + STARTUP_PATIENCE.toNanos();
    return migrateOnce(false).recover(e -> retryMigrate(e, deadline, 250, 0));
  }

  /**
   * Unreachable: retried until the deadline. An error ClickHouse reports is retried twice,
   * from the start: should two processes migrate at once after all (one took over a lock it
   * judged stale), a statement the other just ran (a rename) fails here; the next attempt finds
   * that version applied, or the state the other process left, and goes on from there.
   */
  private Future<Void> retryMigrate(Throwable failure, long deadline, long delayMillis, int refusals) {
    boolean refused = failure instanceof ClickHouseException;
    if (refused && refusals >= MIGRATION_RETRIES_ON_ERROR
        || System.nanoTime() + delayMillis * 1_000_000 > deadline) {
      return Future.failedFuture(failure);
    }
    LOG.warn("Schema migration on ClickHouse at {} failed ({}); retrying in {} ms", options.url(),
        failure.getMessage(), delayMillis);
    int counted = refused ? refusals + 1 : refusals;
    return vertx.timer(delayMillis)
        .compose(t -> migrateOnce(false))
        .recover(e -> retryMigrate(e, deadline, Math.min(delayMillis * 2, 5_000), counted));
  }

  /**
   * Applies the pending versions holding the database's {@link MigrationLock}; while another
   * process holds it, waits for that process and looks again.
   */
  private Future<Void> migrateOnce(boolean waitedBefore) {
    return http.execute("CREATE DATABASE IF NOT EXISTS " + options.database(), false)
        .compose(v -> http.execute(ClickHouseMigrations.CREATE_MIGRATIONS_TABLE, true))
        .compose(v -> pendingVersions())
        .compose(pending -> pending.isEmpty() ? Future.<Void>succeededFuture() : migrationLock.tryAcquire()
            .compose(held -> {
              if (held) {
                // Read again under the lock: the previous holder may have applied them.
                return migrationLock.holding(() -> pendingVersions().compose(this::applyInOrder));
              }
              if (!waitedBefore) {
                LOG.info("ClickHouse {}: another process is migrating the schema; waiting for it", options.database());
              }
              return vertx.timer(LOCK_POLL.toMillis()).compose(t -> migrateOnce(true));
            }));
  }

  private Future<List<ClickHouseMigrations.Version>> pendingVersions() {
    return select("SELECT DISTINCT version FROM " + EventsSchema.MIGRATIONS_TABLE).map(result -> {
      Set<Long> applied = versions(result);
      return ClickHouseMigrations.ALL.stream().filter(m -> !applied.contains((long) m.version())).toList();
    });
  }

  private Future<Void> applyInOrder(List<ClickHouseMigrations.Version> pending) {
    Future<Void> chain = Future.succeededFuture();
    for (ClickHouseMigrations.Version migration : pending) {
      chain = chain.compose(v -> apply(migration));
    }
    return chain;
  }

  private Future<Void> apply(ClickHouseMigrations.Version migration) {
    Future<Void> chain = migration.apply().apply(new ClickHouseMigrations.Database() {
      @Override public Future<Void> execute(String sql) { return http.execute(sql, true); }
      @Override public Future<QueryResult> query(String sql) { return select(sql); }
    });
    // Concurrent starts may both apply a version (every statement is idempotent) and record it
    // twice; readers use DISTINCT.
    String record = "INSERT INTO " + EventsSchema.MIGRATIONS_TABLE + " (version, description, applied_at) VALUES ("
        + migration.version() + ", " + SqlLiterals.quote(SqlDialect.CLICKHOUSE, migration.description()) + ", now())";
    return chain.compose(v -> http.execute(record, true))
        .onSuccess(v -> LOG.info("ClickHouse {}: applied schema version {} ({})",
            options.database(), migration.version(), migration.description()));
  }

  private static Set<Long> versions(QueryResult result) {
    Set<Long> versions = new HashSet<>();
    result.rows().forEach(row -> versions.add((Long) row.get(0)));
    return versions;
  }

  @Override
  public Future<Void> insert(List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    // Encoding and gzip are CPU work of a few milliseconds per batch: kept off the event loop.
    // Copies within the batch go first, so that a day inserted once holds no copy at all.
    return metrics.record(events.size(), () -> vertx
        .executeBlocking(() -> {
          List<Event> distinct = distinct(events);
          return new Buffer[] {RowBinaryEncoder.gzip(distinct),
              RowBinaryEncoder.gzipSessions(EventsSchema.newestPerSession(distinct))};
        }, false)
        .compose(bodies -> http.insert(RowBinaryEncoder.INSERT, bodies[0])
            .compose(v -> http.insert(RowBinaryEncoder.INSERT_SESSIONS, bodies[1]))));
  }

  /**
   * Sessions by last activity, read with FINAL from the partitions of the two days before {@code
   * fromMillis} on (a session is never longer than the day its visitor id's salt lives). The
   * activity condition is applied around the merged rows, so it sees each session's newest row.
   * The answer is parsed on a worker thread.
   */
  @Override
  public Future<List<StoredSession>> openSessions(long fromMillis, long toMillis) {
    String columns = String.join(", ", EventsSchema.OPEN_SESSION_COLUMNS);
    String sql = "SELECT " + columns + " FROM (SELECT " + columns + " FROM " + EventsSchema.SESSIONS_TABLE
        + " FINAL WHERE start >= toDateTime(" + (Math.floorDiv(fromMillis, 1000) - 2 * 86_400) + "))"
        + " WHERE last_activity_ms >= " + fromMillis + " AND last_activity_ms < " + toMillis;
    // A hundred thousand sessions take seconds to parse: never on the event loop.
    return http.select(sql).compose(body -> vertx.executeBlocking(() -> {
      QueryResult result = JsonCompactResult.parse(body);
      List<StoredSession> sessions = new ArrayList<>(result.rows().size());
      result.rows().forEach(row -> sessions.add(EventsSchema.storedSession(row)));
      return sessions;
    }, false));
  }

  private static List<Event> distinct(List<Event> events) {
    Set<Long> ids = new HashSet<>(events.size() * 2);
    List<Event> distinct = new ArrayList<>(events.size());
    for (Event e : events) {
      if (ids.add(e.eventId())) {
        distinct.add(e);
      }
    }
    return distinct;
  }

  /**
   * Builds the statement against the latest part states, runs it, and where it read a day
   * without FINAL checks afterwards (with a state read after it ended) that the day still has
   * the same single part; if not, builds and runs it again.
   */
  @Override
  public Future<QueryResult> query(Function<ReadView, String> statement) {
    return parts.recent().compose(state -> query(statement, state));
  }

  /**
   * {@link #query(Function)} from a given parts state, so a test can start a statement from a
   * state that a change has already overtaken, which is what a change during the statement is.
   */
  Future<QueryResult> query(Function<ReadView, String> statement, PartsState state) {
    return attempt(statement, state, 1);
  }

  private Future<QueryResult> attempt(Function<ReadView, String> statement, PartsState state, int attempt) {
    ClickHouseReadView view = new ClickHouseReadView(attempt > READ_ATTEMPTS ? PartsState.UNKNOWN : state);
    return select(statement.apply(view)).compose(result -> {
      if (!view.reliesOnMergedDays()) {
        return Future.succeededFuture(result);
      }
      return parts.readAfter(System.nanoTime()).compose(after -> {
        if (view.stillValid(after)) {
          return Future.succeededFuture(result);
        }
        rereads.increment();
        return attempt(statement, after, attempt + 1);
      });
    });
  }

  private Future<QueryResult> select(String sql) {
    return http.select(sql).map(JsonCompactResult::parse);
  }

  /**
   * Merges, one at a time, the partitions of finished days that hold more than one part and saw
   * no write for {@link #SETTLED}: afterwards reads of those days need no FINAL. Today's
   * partition is left to background merges (reads deduplicate it).
   */
  @Override
  public Future<Integer> compact() {
    return compact(SETTLED);
  }

  /** {@link #compact()} for days that saw no write for {@code quiet}. */
  public Future<Integer> compact(Duration quiet) {
    String settled = "SELECT table, partition FROM system.parts WHERE database = "
        + SqlLiterals.quote(SqlDialect.CLICKHOUSE, options.database()) + " AND active"
        + " AND table IN ('" + EventsSchema.TABLE + "', '" + EventsSchema.SESSIONS_TABLE + "')"
        + " GROUP BY table, partition, partition_id"
        + " HAVING count() > 1 AND max(modification_time) <= now() - " + quiet.toSeconds()
        + " AND partition_id < toString(toYYYYMMDD(now())) ORDER BY partition_id, table";
    return select(settled).compose(result -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (List<Object> row : result.rows()) {
        // The partition value comes from system.parts: a yyyyMMdd number, safe to inline.
        String optimize = "OPTIMIZE TABLE " + row.get(0) + " PARTITION " + Long.parseLong((String) row.get(1)) + " FINAL";
        chain = chain.compose(n -> http.execute(optimize, true).map(v -> n + 1));
      }
      return chain;
    });
  }

  /**
   * Deletes with a mutation per table (events, sessions, imported tables) and completes once
   * ClickHouse reports every mutation of those tables done (18.16 has no {@code mutations_sync}),
   * so afterwards nothing of the site is queryable.
   */
  @Override
  public Future<Void> deleteSite(String site) {
    String where = "site = " + quote(site);
    List<String> tables = new ArrayList<>(List.of(EventsSchema.TABLE, EventsSchema.SESSIONS_TABLE));
    for (ImportedTable t : ImportedTable.values()) {
      tables.add(t.tableName());
    }
    tables.add(Rollups.TABLE);
    return mutateAndAwait(tables, where);
  }

  /**
   * Deletes with one mutation per table, then completes once ClickHouse reports every mutation of
   * those tables done.
   */
  private Future<Void> mutateAndAwait(List<String> tables, String where) {
    long deadline = System.nanoTime() + MUTATION_DEADLINE.toNanos();
    Future<Void> chain = Future.succeededFuture();
    for (String table : tables) {
      chain = chain.compose(v -> http.execute("ALTER TABLE " + table + " DELETE WHERE " + where, true));
    }
    return chain.compose(v -> awaitMutations(tables, deadline));
  }

  private static String quote(String value) {
    return SqlLiterals.quote(SqlDialect.CLICKHOUSE, value);
  }

  /**
   * Drops the daily partitions that hold only rows older than the cutoffs of all their sites,
   * then deletes what is left of each site before its cutoff with one mutation per table.
   * Partitions are UTC days; a site's cutoff is its own midnight, so its last partial day is
   * deleted row by row.
   */
  @Override
  public Future<Trimmed> deleteOlderThan(Map<String, Instant> cutoffs) {
    if (cutoffs.isEmpty()) {
      return Future.succeededFuture(new Trimmed(0, 0));
    }
    long latest = cutoffs.values().stream().mapToLong(Instant::getEpochSecond).max().orElseThrow();
    String perDay = "SELECT '%1$s' AS t, toYYYYMMDD(%2$s) AS day, site, count() AS n FROM %1$s"
        + " WHERE %2$s < toDateTime(" + latest + ") GROUP BY day, site";
    String days = String.format(perDay, EventsSchema.TABLE, "timestamp") + " UNION ALL "
        + String.format(perDay, EventsSchema.SESSIONS_TABLE, "start");
    return select(days).compose(result -> {
      Map<String, Set<Long>> blocked = new HashMap<>();
      Map<String, Map<Long, Long>> rowsPerDay = new HashMap<>();
      for (List<Object> row : result.rows()) {
        String table = (String) row.get(0);
        long day = (Long) row.get(1);
        String site = (String) row.get(2);
        rowsPerDay.computeIfAbsent(table, t -> new TreeMap<>()).merge(day, (Long) row.get(3), Long::sum);
        Instant cutoff = cutoffs.get(site);
        if (cutoff == null || dayEnd(day).isAfter(cutoff)) {
          blocked.computeIfAbsent(table, t -> new HashSet<>()).add(day);
        }
      }
      List<String[]> drops = new ArrayList<>();
      long dropped = 0;
      for (Map.Entry<String, Map<Long, Long>> table : rowsPerDay.entrySet()) {
        for (Map.Entry<Long, Long> day : table.getValue().entrySet()) {
          if (!blocked.getOrDefault(table.getKey(), Set.of()).contains(day.getKey())) {
            drops.add(new String[] {table.getKey(), Long.toString(day.getKey())});
            dropped += day.getValue();
          }
        }
      }
      long droppedRows = dropped;
      // Rows written to a dropped day in between would go too; days before a retention
      // cutoff (at least a day ago) receive no new events.
      Future<Void> chain = Future.succeededFuture();
      for (String[] drop : drops) {
        chain = chain.compose(v -> http.execute("ALTER TABLE " + drop[0] + " DROP PARTITION " + drop[1], true));
      }
      return chain.compose(v -> deleteRemaining(cutoffs))
          .compose(deleted -> rollupsOlderThan(cutoffs).map(deleted))
          .map(deleted -> new Trimmed(drops.size(), droppedRows + deleted));
    });
  }

  /** Deletes, with one mutation per table, the rows older than their site's cutoff; answers how many. */
  private Future<Long> deleteRemaining(Map<String, Instant> cutoffs) {
    List<String> events = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    cutoffs.forEach((site, cutoff) -> {
      events.add("(site = " + quote(site) + " AND timestamp < toDateTime(" + cutoff.getEpochSecond() + "))");
      sessions.add("(site = " + quote(site) + " AND start < toDateTime(" + cutoff.getEpochSecond() + "))");
    });
    String eventsOld = String.join(" OR ", events);
    String sessionsOld = String.join(" OR ", sessions);
    // A mutation rewrites parts even when nothing matches, so count first.
    return select("SELECT (SELECT count() FROM " + EventsSchema.TABLE + " WHERE " + eventsOld + ") AS e,"
            + " (SELECT count() FROM " + EventsSchema.SESSIONS_TABLE + " WHERE " + sessionsOld + ") AS s")
        .compose(counts -> {
          long e = (Long) counts.rows().get(0).get(0);
          long s = (Long) counts.rows().get(0).get(1);
          long deadline = System.nanoTime() + MUTATION_DEADLINE.toNanos();
          Future<Void> chain = Future.succeededFuture();
          if (e > 0) {
            chain = chain.compose(v -> http.execute("ALTER TABLE " + EventsSchema.TABLE + " DELETE WHERE " + eventsOld, true));
          }
          if (s > 0) {
            chain = chain.compose(v -> http.execute("ALTER TABLE " + EventsSchema.SESSIONS_TABLE + " DELETE WHERE " + sessionsOld, true));
          }
          return chain.compose(v -> awaitMutations(List.of(EventsSchema.TABLE, EventsSchema.SESSIONS_TABLE), deadline))
              .map(v -> e + s);
        });
  }

  /**
   * Retention for the rollups: the site's rows of whole days before its cutoff go (a mutation,
   * awaited); a day the cutoff cuts is marked unbuilt, so stats read it raw until it is rebuilt.
   */
  private Future<Void> rollupsOlderThan(Map<String, Instant> cutoffs) {
    List<String> old = new ArrayList<>();
    Set<LocalDate> cut = new HashSet<>();
    cutoffs.forEach((site, cutoff) -> {
      LocalDate day = LocalDate.ofInstant(cutoff, ZoneOffset.UTC);
      old.add("(site = " + quote(site) + " AND day < " + Rollups.dayLiteral(SqlDialect.CLICKHOUSE, day) + ")");
      if (!day.atStartOfDay(ZoneOffset.UTC).toInstant().equals(cutoff)) {
        cut.add(day);
      }
    });
    String where = String.join(" OR ", old);
    Future<Void> chain = Future.succeededFuture();
    for (LocalDate day : cut) {
      chain = chain.compose(v -> markUnbuilt(day));
    }
    return chain.compose(v -> deleteRollupRows(where));
  }

  /**
   * Inserts the day's rows with the build's time, records the build with the same time, then
   * deletes the day's rows of earlier builds: readers take only the recorded build's rows, so
   * they see the previous build's until the new one is recorded, never a part of either. Two
   * writers building one day at once each delete only rows older than their own; the later
   * record wins and its rows stay.
   */
  @Override
  public Future<Void> replaceRollups(RollupBuild build, List<RollupRow> rows) {
    LocalDate day = build.day();
    String insert = "INSERT INTO " + Rollups.TABLE + " FORMAT JSONEachRow";
    // Build records are ordered by this writer's clock: a later build (or unbuilt mark) outranks this one.
    long buildNumber = Rollups.newBuild(System.currentTimeMillis());
    return (rows.isEmpty() ? Future.<Void>succeededFuture() : vertx.executeBlocking(() -> {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows.size() * 200);
          try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (RollupRow r : rows) {
              JsonObject json = new JsonObject().put("site", r.site()).put("day", r.day().toString())
                  .put("grain", r.hourly() ? 0 : 1).put("bucket_ms", r.bucketMs()).put("dimension", r.dimension())
                  .put("value", r.value()).put("events", r.events()).put("pageviews", r.pageviews())
                  .put("visits", r.visits()).put("sessions", r.sessions()).put("bounces", r.bounces())
                  .put("duration_ms", r.durationMs()).put("session_pageviews", r.sessionPageviews())
                  .put("engaged_visits", r.engagedVisits()).put("scroll_sum", r.scrollSum())
                  .put("engaged_ms", r.engagedMs()).put("visitor_count", r.visitorCount())
                  .put("visitors_before", r.visitorsBefore()).put("visitors_from", r.visitorsFrom())
                  .put("build", buildNumber);
              gzip.write(json.toBuffer().appendByte((byte) '\n').getBytes());
            }
          }
          return Buffer.buffer(bytes.toByteArray());
        }, false).compose(body -> http.insert(insert, body)))
        .compose(v -> buildRecord(build, true, buildNumber))
        .compose(v -> deleteRollupRows("day = " + Rollups.dayLiteral(SqlDialect.CLICKHOUSE, day) + " AND build < " + buildNumber));
  }

  @Override
  public Future<Void> dropRollups(LocalDate day) {
    return markUnbuilt(day).compose(v -> deleteRollupRows("day = " + Rollups.dayLiteral(SqlDialect.CLICKHOUSE, day)));
  }

  /** Deletes rollup rows (a mutation, awaited) when there are any to delete. */
  private Future<Void> deleteRollupRows(String where) {
    return select("SELECT count() FROM " + Rollups.TABLE + " WHERE " + where)
        .compose(count -> (Long) count.rows().get(0).get(0) == 0 ? Future.succeededFuture()
            : mutateAndAwait(List.of(Rollups.TABLE), where));
  }

  private Future<Void> markUnbuilt(LocalDate day) {
    return buildRecord(new RollupBuild(day, 0, 0, 0), false, Rollups.newBuild(System.currentTimeMillis()));
  }

  private Future<Void> buildRecord(RollupBuild build, boolean built, long buildNumber) {
    return http.execute("INSERT INTO " + Rollups.BUILDS_TABLE
        + " (day, rollup_version, events_seen, crossing_in, crossing_out, built, build) VALUES ("
        + Rollups.dayLiteral(SqlDialect.CLICKHOUSE, build.day()) + ", " + Rollups.VERSION + ", " + build.eventsSeen()
        + ", " + build.crossingIn() + ", " + build.crossingOut() + ", " + (built ? 1 : 0) + ", " + buildNumber + ")", true);
  }

  private static Instant dayEnd(long yyyymmdd) {
    LocalDate day = LocalDate.of((int) (yyyymmdd / 10_000), (int) (yyyymmdd / 100 % 100), (int) (yyyymmdd % 100));
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** JSONEachRow, gzip-compressed on a worker thread: strings need no escaping beyond JSON's. */
  @Override
  public Future<Void> insertImported(ImportedTable table, String site, long importId, List<ImportedRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    String insert = "INSERT INTO " + table.tableName() + " (" + String.join(", ", table.columns())
        + ") FORMAT JSONEachRow";
    return vertx.executeBlocking(() -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows.size() * 80);
      try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
        for (ImportedRow row : rows) {
          JsonObject json = new JsonObject().put("site", site).put("import_id", importId)
              .put("date", row.date().toString());
          for (int i = 0; i < table.dimensions().size(); i++) {
            json.put(table.dimensions().get(i), row.dimensions().get(i));
          }
          for (int i = 0; i < table.metrics().size(); i++) {
            json.put(table.metrics().get(i), row.metric(i));
          }
          gzip.write(json.toBuffer().appendByte((byte) '\n').getBytes());
        }
      }
      return Buffer.buffer(bytes.toByteArray());
    }, false).compose(body -> http.insert(insert, body));
  }

  @Override
  public Future<Void> deleteImport(String site, long importId) {
    return mutateAndAwait(importedTables(), "site = " + quote(site) + " AND import_id = " + importId);
  }

  @Override
  public Future<Void> deleteImportedRange(String site, LocalDate from, LocalDate to, long keptImportId) {
    return mutateAndAwait(importedTables(), "site = " + quote(site) + " AND date >= toDate('" + from
        + "') AND date <= toDate('" + to + "') AND import_id != " + keptImportId);
  }

  private static List<String> importedTables() {
    return Arrays.stream(ImportedTable.values()).map(ImportedTable::tableName).toList();
  }

  private Future<Void> awaitMutations(List<String> tables, long deadline) {
    String pending = "SELECT count() FROM system.mutations WHERE database = "
        + SqlLiterals.quote(SqlDialect.CLICKHOUSE, options.database())
        + " AND table IN (" + String.join(", ", tables.stream().map(ClickHouseEventStore::quote).toList()) + ")"
        + " AND is_done = 0";
    return select(pending).compose(result -> {
      long count = (Long) result.rows().get(0).get(0);
      if (count == 0) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture(new IllegalStateException(
            "ClickHouse " + options.database() + ": " + count + " delete mutation(s) still running after "
                + MUTATION_DEADLINE.toMinutes() + " min"));
      }
      return vertx.timer(MUTATION_POLL.toMillis()).compose(t -> awaitMutations(tables, deadline));
    });
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.CLICKHOUSE;
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }

  @Override
  public String toString() {
    return "ClickHouseEventStore[" + options + "]";
  }
}
