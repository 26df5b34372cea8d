package io.trackflow.adapters.store.duckdb;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.adapters.store.Migration;
import io.trackflow.adapters.store.StoreMetrics;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import io.trackflow.core.store.ImportedRow;
import io.trackflow.core.store.ImportedTable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import io.trackflow.core.rollup.RollupBuild;
import io.trackflow.core.rollup.RollupRow;
import io.trackflow.core.rollup.Rollups;
import java.util.ArrayList;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event store in an embedded DuckDB file, for standalone deployments. JDBC blocks, so every call
 * runs on a named Vert.x worker pool, never on an event loop: one writer thread owns the write
 * connection (migrations, inserts, deletes, one at a time), and a small reader pool runs queries,
 * each on its own connection duplicated from the same database. Both pools are bounded: work
 * beyond their queue fails fast with {@link RejectedExecutionException}.
 *
 * <p>Inserts append the batch into a temporary staging table and copy only the rows whose event
 * is not stored yet (an anti-join restricted to the batch's time range, which DuckDB's zone maps
 * prune), so a replay never stores an event twice and queries read {@code events} directly. In
 * the same transaction each session of the batch is updated in place to its newest totals, or
 * added.
 */
public final class DuckDbEventStore implements EventStore {

  private static final Logger LOG = LoggerFactory.getLogger(DuckDbEventStore.class);

  /** Queries waiting per reader thread before new ones are refused. */
  private static final int QUEUE_PER_READER = 32;
  /** Writes (insert batches, deletes) waiting before new ones are refused. */
  private static final int WRITE_QUEUE = 64;
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
  private static final long MAX_EXECUTE_MINUTES = 10;
  private static final String STAGING = "events_staging";
  private static final String SESSIONS_STAGING = "sessions_staging";
  /** WAL size that triggers a checkpoint; the WAL is replayed on open after a crash. */
  private static final String CHECKPOINT_THRESHOLD = "256MB";
  private static final long DAY_MILLIS = 86_400_000L;

  private final Path file;
  private final int readers;
  private final StoreMetrics metrics;
  private final java.util.concurrent.atomic.AtomicReference<Future<Void>> closing =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final WorkerExecutor writer;
  private final WorkerExecutor reader;
  private final AtomicInteger pendingWrites = new AtomicInteger();
  private final AtomicInteger pendingQueries = new AtomicInteger();
  private final BlockingQueue<Connection> readConnections;
  // Written and read on the writer thread only (volatile for the reader pool's "opened?" check).
  private volatile DuckDBConnection writeConnection;
  private volatile boolean closed;

  /** A store in {@code file} (created with its directory on {@link #migrate()}), with two readers. */
  public DuckDbEventStore(Vertx vertx, Path file, MeterRegistry registry) {
    this(vertx, file, registry, 2);
  }

  public DuckDbEventStore(Vertx vertx, Path file, MeterRegistry registry, int readers) {
    if (readers < 1) {
      throw new IllegalArgumentException("DuckDB store needs at least one reader: " + readers);
    }
    this.file = file.toAbsolutePath();
    this.readers = readers;
    this.metrics = new StoreMetrics(registry, "duckdb");
    this.readConnections = new ArrayBlockingQueue<>(readers);
    this.writer = vertx.createSharedWorkerExecutor("trackflow-duckdb-writer", 1, MAX_EXECUTE_MINUTES, TimeUnit.MINUTES);
    this.reader = vertx.createSharedWorkerExecutor("trackflow-duckdb-reader", readers, MAX_EXECUTE_MINUTES, TimeUnit.MINUTES);
  }

  /** Opens the file (creating it) and applies pending schema versions; call before anything else. */
  @Override
  public Future<Void> migrate() {
    return onWriter(() -> {
      open();
      applyMigrations();
      return null;
    });
  }

  private void open() throws Exception {
    if (writeConnection != null) {
      return;
    }
    if (closed) {
      throw new IllegalStateException("DuckDB event store " + file + " is closed");
    }
    Files.createDirectories(file.getParent());
    Properties properties = new Properties();
    // Queries must not reach files or the network: the store answers about its own table only.
    properties.setProperty("enable_external_access", "false");
    DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
    try {
      utc(connection);
      for (int i = 0; i < readers; i++) {
        Connection read = connection.duplicate();
        utc(read);
        // Every query runs in a transaction that is rolled back: whatever it tried to change is
        // undone, which makes the read connections effectively read-only.
        read.setAutoCommit(false);
        readConnections.add(read);
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw e;
    }
    try (Statement st = connection.createStatement()) {
      // A checkpoint rewrites every row group an update touched. At DuckDB's default (16 MB of
      // WAL) the writer checkpointed every few batches, rewriting the sessions it had just
      // updated each time, and commits took longer than the inserts; fewer, larger checkpoints
      // let successive updates of one session land in one rewrite.
      st.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
    }
    writeConnection = connection;
    LOG.info("DuckDB event store opened at {}", file);
  }

  // Dates and hours the query builder derives from TIMESTAMPTZ values must not depend on the host.
  private static void utc(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
  }

  private void applyMigrations() throws SQLException {
    Set<Integer> applied = new HashSet<>();
    try (Statement st = writeConnection.createStatement()) {
      st.execute(DuckDbMigrations.CREATE_MIGRATIONS_TABLE);
      try (ResultSet rs = st.executeQuery("SELECT version FROM " + EventsSchema.MIGRATIONS_TABLE)) {
        while (rs.next()) {
          applied.add(rs.getInt(1));
        }
      }
    }
    for (Migration migration : DuckDbMigrations.ALL) {
      if (!applied.contains(migration.version())) {
        apply(migration);
      }
    }
  }

  // DuckDB's DDL is transactional: a version and its record commit together or not at all.
  private void apply(Migration migration) throws SQLException {
    writeConnection.setAutoCommit(false);
    try (Statement st = writeConnection.createStatement();
        PreparedStatement record = writeConnection.prepareStatement(
            "INSERT INTO " + EventsSchema.MIGRATIONS_TABLE + " VALUES (?, ?, now()::TIMESTAMP)")) {
      for (String statement : migration.statements()) {
        st.execute(statement);
      }
      record.setInt(1, migration.version());
      record.setString(2, migration.description());
      record.executeUpdate();
      writeConnection.commit();
      LOG.info("DuckDB {}: applied schema version {} ({})", file, migration.version(), migration.description());
    } catch (SQLException e) {
      writeConnection.rollback();
      throw e;
    } finally {
      writeConnection.setAutoCommit(true);
    }
  }

  @Override
  public Future<Void> insert(List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return metrics.record(events.size(), () -> onWriter(() -> {
      write(events);
      return null;
    }));
  }

  private void write(List<Event> events) throws SQLException {
    DuckDBConnection connection = opened();
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement()) {
      writeEvents(connection, st, events);
      writeSessions(connection, st, EventsSchema.newestPerSession(events));
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private void writeEvents(DuckDBConnection connection, Statement st, List<Event> events) throws SQLException {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    // A fresh temporary table per batch: emptying one with DELETE kept its memory.
    st.execute("CREATE OR REPLACE TEMP TABLE " + STAGING + " AS SELECT * FROM " + EventsSchema.TABLE + " LIMIT 0");
    try {
      Set<EventKey> seen = new HashSet<>(events.size() * 2);
      try (DuckDBAppender appender = connection.createAppender("temp", "main", STAGING)) {
        for (Event e : events) {
          long millis = EventsSchema.storedMillis(e.timestampMillis());
          if (seen.add(new EventKey(e.eventId(), millis))) {
            append(appender, e, millis);
            lo = Math.min(lo, millis);
            hi = Math.max(hi, millis);
          }
        }
      }
      // Replays carry the same id and time; the constant range lets DuckDB skip row groups.
      st.executeUpdate("INSERT INTO " + EventsSchema.TABLE + " SELECT s.* FROM " + STAGING + " s"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + EventsSchema.TABLE + " e"
          + " WHERE e.timestamp_ms BETWEEN " + lo + " AND " + hi
          + " AND e.timestamp_ms = s.timestamp_ms AND e.event_id = s.event_id)");
    } finally {
      st.execute("DROP TABLE IF EXISTS " + STAGING);
    }
  }

  /**
   * Brings each session to its newest totals: updated where stored with a lower revision (a
   * replay changes nothing), added where new. A stored session started between its newest start
   * and end, which bounds the rows read.
   */
  private void writeSessions(DuckDBConnection connection, Statement st, List<Event> newest) throws SQLException {
    if (newest.isEmpty()) {
      return;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    st.execute("CREATE OR REPLACE TEMP TABLE " + SESSIONS_STAGING + " AS SELECT * FROM "
        + EventsSchema.SESSIONS_TABLE + " LIMIT 0");
    try {
      try (DuckDBAppender appender = connection.createAppender("temp", "main", SESSIONS_STAGING)) {
        for (Event e : newest) {
          SessionTotals t = e.session();
          long start = EventsSchema.storedMillis(t.startMillis());
          long end = EventsSchema.storedMillis(t.endMillis());
          appendSession(appender, e, start, end);
          lo = Math.min(lo, start);
          hi = Math.max(hi, end);
        }
      }
      String stored = "s.start_ms BETWEEN " + lo + " AND " + hi
          + " AND s.site = n.site AND s.session_id = n.session_id";
      st.executeUpdate("UPDATE " + EventsSchema.SESSIONS_TABLE + " AS s SET start_ms = n.start_ms,"
          + " end_ms = n.end_ms, events = n.events, pageviews = n.pageviews,"
          + " interactive = n.interactive, entry_page = n.entry_page, exit_page = n.exit_page,"
          + " entry_ms = n.entry_ms, exit_ms = n.exit_ms, last_activity_ms = n.last_activity_ms,"
          + " revision = n.revision, queue_partition = n.queue_partition,"
          + " first_position = n.first_position, last_position = n.last_position"
          + " FROM " + SESSIONS_STAGING + " n WHERE " + stored + " AND s.revision < n.revision");
      st.executeUpdate("INSERT INTO " + EventsSchema.SESSIONS_TABLE + " SELECT n.* FROM "
          + SESSIONS_STAGING + " n WHERE NOT EXISTS (SELECT 1 FROM " + EventsSchema.SESSIONS_TABLE
          + " s WHERE " + stored + ")");
    } finally {
      st.execute("DROP TABLE IF EXISTS " + SESSIONS_STAGING);
    }
  }

  private static void appendSource(DuckDBAppender a, Event e) throws SQLException {
    a.append(e.referrer());
    a.append(e.referrerSource());
    a.append(e.utmSource());
    a.append(e.utmMedium());
    a.append(e.utmCampaign());
    a.append(e.utmTerm());
    a.append(e.utmContent());
  }

  private static void appendSession(DuckDBAppender a, Event e, long start, long end) throws SQLException {
    SessionTotals t = e.session();
    a.beginRow();
    a.append(e.site());
    a.append(e.sessionId());
    a.append(e.visitorId());
    a.append(start);
    a.append(end);
    a.append(t.events());
    a.append(t.pageviews());
    a.append(t.interactive());
    a.append(t.entryPage());
    a.append(t.exitPage());
    appendSource(a, e);
    a.append(e.country());
    a.append(e.device());
    a.append(e.browser());
    a.append(e.browserVersion());
    a.append(e.os());
    a.append(e.osVersion());
    a.append(EventsSchema.storedMillis(t.entryMillis()));
    a.append(EventsSchema.storedMillis(t.exitMillis()));
    a.append(EventsSchema.storedMillis(t.lastActivityMillis()));
    a.append(t.revision());
    a.append(t.queuePartition());
    a.append(t.firstPosition());
    a.append(t.lastPosition());
    a.append(e.region());
    a.append(e.city());
    a.endRow();
  }

  private record EventKey(long eventId, long millis) {}

  static void append(DuckDBAppender a, Event e, long millis) throws SQLException {
    a.beginRow();
    appendBeforeRevenue(a, e, millis);
    a.append(e.revenueMicros());
    a.append(e.revenueCurrency());
    a.append(e.region());
    a.append(e.city());
    a.endRow();
  }

  /** The columns of schema versions 1 and 2, to which version 3 appended the revenue. */
  static void appendBeforeRevenue(DuckDBAppender a, Event e, long millis) throws SQLException {
    a.append(e.eventId());
    a.append(e.site());
    a.appendEpochMicros(Math.floorDiv(millis, 1000) * 1_000_000L);
    a.append(millis);
    a.append(e.name());
    a.append(e.hostname());
    a.append(e.pathname());
    appendSource(a, e);
    a.append(e.visitorId());
    a.append(e.sessionId());
    a.append(e.browser());
    a.append(e.browserVersion());
    a.append(e.os());
    a.append(e.osVersion());
    a.append(e.device());
    a.append(e.country());
    a.append(e.screenSize());
    a.append(e.propKeys());
    a.append(e.propValues());
    a.append((byte) (e.interactive() ? 1 : 0));
    a.append(e.scrollDepth());
    a.append(e.engagementMillis());
  }

  @Override
  public Future<QueryResult> query(Function<ReadView, String> statement) {
    return query(statement.apply(READ_VIEW));
  }

  /** DuckDB never keeps a copy of an event and updates sessions in place: tables read as they are. */
  private static final ReadView READ_VIEW = (table, site, from, to, columns, condition) ->
      "(SELECT " + String.join(", ", columns) + " FROM " + table.tableName() + " WHERE site = "
          + SqlLiterals.quote(SqlDialect.DUCKDB, site) + " AND " + table.millisColumn() + " >= "
          + from.toEpochMilli() + " AND " + table.millisColumn() + " < " + to.toEpochMilli()
          + (condition == null ? "" : " AND (" + condition + ")") + ")";

  @Override
  public Future<QueryResult> query(String sql) {
    return read(sql, DuckDbResults::read);
  }

  /**
   * Sessions by last activity. A session is never longer than the day its visitor id's salt
   * lives, so only sessions started up to two days before {@code fromMillis} are read: zone maps
   * skip the older row groups.
   */
  @Override
  public Future<List<StoredSession>> openSessions(long fromMillis, long toMillis) {
    String sql = "SELECT " + String.join(", ", EventsSchema.OPEN_SESSION_COLUMNS) + " FROM "
        + EventsSchema.SESSIONS_TABLE + " WHERE start_ms >= " + (fromMillis - 2 * DAY_MILLIS)
        + " AND last_activity_ms >= " + fromMillis + " AND last_activity_ms < " + toMillis;
    return read(sql, rs -> {
      int columns = EventsSchema.OPEN_SESSION_COLUMNS.size();
      List<StoredSession> sessions = new ArrayList<>();
      List<Object> row = new ArrayList<>(columns);
      while (rs.next()) {
        row.clear();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        sessions.add(EventsSchema.storedSession(row));
      }
      return sessions;
    });
  }

  private interface ResultReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> Future<T> read(String sql, ResultReader<T> reader) {
    if (closing.get() != null) {
      return Future.failedFuture(closedError());
    }
    if (pendingQueries.incrementAndGet() > readers * QUEUE_PER_READER) {
      pendingQueries.decrementAndGet();
      return Future.failedFuture(new RejectedExecutionException(
          "DuckDB event store is busy: " + readers * QUEUE_PER_READER + " queries already waiting"));
    }
    return this.reader.<T>executeBlocking(() -> readNow(sql, reader), false)
        .andThen(r -> pendingQueries.decrementAndGet());
  }

  private <T> T readNow(String sql, ResultReader<T> resultReader) throws Exception {
    opened();
    Connection connection = readConnections.poll(QUERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (connection == null) {
      throw new RejectedExecutionException("no DuckDB read connection free within " + QUERY_TIMEOUT);
    }
    try (Statement st = connection.createStatement()) {
      st.setQueryTimeout((int) QUERY_TIMEOUT.toSeconds());
      try (ResultSet rs = st.executeQuery(sql)) {
        return resultReader.read(rs);
      }
    } finally {
      try {
        connection.rollback();
      } finally {
        readConnections.add(connection);
      }
    }
  }

  @Override
  public Future<Void> deleteSite(String site) {
    return inTransaction(connection -> {
      int rows = delete(connection, "DELETE FROM " + EventsSchema.TABLE + " WHERE site = ?", site);
      int visits = delete(connection, "DELETE FROM " + EventsSchema.SESSIONS_TABLE + " WHERE site = ?", site);
      for (ImportedTable t : ImportedTable.values()) {
        delete(connection, "DELETE FROM " + t.tableName() + " WHERE site = ?", site);
      }
      delete(connection, "DELETE FROM " + Rollups.TABLE + " WHERE site = ?", site);
      LOG.info("DuckDB {}: deleted {} events and {} sessions of site {}", file, rows, visits, site);
      return null;
    });
  }

  /** Row by row in one transaction: DuckDB has no partitions to drop. */
  @Override
  public Future<Trimmed> deleteOlderThan(Map<String, Instant> cutoffs) {
    return inTransaction(connection -> {
      long deleted = 0;
      for (Map.Entry<String, Instant> cutoff : cutoffs.entrySet()) {
        long millis = cutoff.getValue().toEpochMilli();
        deleted += delete(connection, "DELETE FROM " + EventsSchema.TABLE + " WHERE site = ? AND timestamp_ms < ?",
            cutoff.getKey(), millis);
        deleted += delete(connection, "DELETE FROM " + EventsSchema.SESSIONS_TABLE + " WHERE site = ? AND start_ms < ?",
            cutoff.getKey(), millis);
        // Whole days before the cutoff lose the site's rollups; a day the cutoff cuts is read raw until rebuilt.
        LocalDate cut = LocalDate.ofEpochDay(Math.floorDiv(millis, 86_400_000L));
        delete(connection, "DELETE FROM " + Rollups.TABLE + " WHERE site = ? AND day < ?", cutoff.getKey(), cut);
        if (millis % 86_400_000L != 0) {
          delete(connection, "DELETE FROM " + Rollups.BUILDS_TABLE + " WHERE day = ?", cut);
        }
      }
      return new Trimmed(0, deleted);
    });
  }

  @Override
  public Future<Void> replaceRollups(RollupBuild build, List<RollupRow> rows) {
    LocalDate day = build.day();
    long buildNumber = Rollups.newBuild(System.currentTimeMillis());
    return inTransaction(connection -> {
      delete(connection, "DELETE FROM " + Rollups.TABLE + " WHERE day = ?", day);
      try (DuckDBAppender a = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, Rollups.TABLE)) {
        for (RollupRow r : rows) {
          a.beginRow();
          a.append(r.site());
          a.append(r.day());
          a.append((byte) (r.hourly() ? 0 : 1));
          a.append(r.bucketMs());
          a.append(r.dimension());
          a.append(r.value());
          for (long count : new long[] {r.events(), r.pageviews(), r.visits(), r.sessions(), r.bounces(),
              r.durationMs(), r.sessionPageviews(), r.engagedVisits(), r.scrollSum(), r.engagedMs(), r.visitorCount()}) {
            a.append(count);
          }
          a.append(r.visitorsBefore());
          a.append(r.visitorsFrom());
          a.append(buildNumber);
          a.endRow();
        }
      }
      delete(connection, "DELETE FROM " + Rollups.BUILDS_TABLE + " WHERE day = ?", day);
      delete(connection, "INSERT INTO " + Rollups.BUILDS_TABLE + " VALUES (?, ?, ?, ?, ?, 1, ?)", day, Rollups.VERSION,
          build.eventsSeen(), build.crossingIn(), build.crossingOut(), buildNumber);
      return null;
    });
  }

  @Override
  public Future<Void> dropRollups(LocalDate day) {
    return inTransaction(connection -> {
      delete(connection, "DELETE FROM " + Rollups.BUILDS_TABLE + " WHERE day = ?", day);
      delete(connection, "DELETE FROM " + Rollups.TABLE + " WHERE day = ?", day);
      return null;
    });
  }

  @Override
  public Future<Void> insertImported(ImportedTable table, String site, long importId, List<ImportedRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    return inTransaction(connection -> {
      try (DuckDBAppender a = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table.tableName())) {
        for (ImportedRow row : rows) {
          a.beginRow();
          a.append(site);
          a.append(importId);
          a.append(row.date());
          for (String value : row.dimensions()) {
            a.append(value);
          }
          for (int i = 0; i < table.metrics().size(); i++) {
            a.append(row.metric(i));
          }
          a.endRow();
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> deleteImport(String site, long importId) {
    return inTransaction(connection -> {
      for (ImportedTable t : ImportedTable.values()) {
        delete(connection, "DELETE FROM " + t.tableName() + " WHERE site = ? AND import_id = ?", site, importId);
      }
      return null;
    });
  }

  @Override
  public Future<Void> deleteImportedRange(String site, LocalDate from, LocalDate to, long keptImportId) {
    return inTransaction(connection -> {
      for (ImportedTable t : ImportedTable.values()) {
        delete(connection, "DELETE FROM " + t.tableName()
            + " WHERE site = ? AND date >= ? AND date <= ? AND import_id != ?", site, from, to, keptImportId);
      }
      return null;
    });
  }

  private interface WriteWork<T> {
    T run(DuckDBConnection connection) throws SQLException;
  }

  /** Runs on the writer thread in one transaction, rolled back if anything fails. */
  private <T> Future<T> inTransaction(WriteWork<T> work) {
    return onWriter(() -> {
      DuckDBConnection connection = opened();
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    });
  }

  private static int delete(Connection connection, String sql, Object... args) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      return st.executeUpdate();
    }
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.DUCKDB;
  }

  /** Waits for running queries to hand their connections back, then closes the database. */
  @Override
  public Future<Void> close() {
    // Closing twice (a role's stop, then the process's) answers the first close: the worker
    // pools are gone after it, so running it again would be refused.
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    if (!closing.compareAndSet(null, promise.future())) {
      return closing.get();
    }
    writer.<Void>executeBlocking(() -> {
      closed = true;
      if (writeConnection != null) {
        for (int i = 0; i < readers; i++) {
          Connection read = readConnections.poll(QUERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          if (read != null) {
            closeQuietly(read);
          }
        }
        closeQuietly(writeConnection);
        writeConnection = null;
        LOG.info("DuckDB event store closed at {}", file);
      }
      return null;
    }).eventually(() -> Future.join(writer.close(), reader.close())).onComplete(promise);
    return promise.future();
  }

  private DuckDBConnection opened() {
    DuckDBConnection connection = writeConnection;
    if (connection == null) {
      throw new IllegalStateException(closed
          ? "DuckDB event store " + file + " is closed"
          : "DuckDB event store " + file + " is not open: call migrate() first");
    }
    return connection;
  }

  private <T> Future<T> onWriter(Callable<T> work) {
    if (closing.get() != null) {
      return Future.failedFuture(closedError());
    }
    if (pendingWrites.incrementAndGet() > WRITE_QUEUE) {
      pendingWrites.decrementAndGet();
      return Future.failedFuture(new RejectedExecutionException(
          "DuckDB event store is busy: " + WRITE_QUEUE + " writes already waiting"));
    }
    return writer.<T>executeBlocking(work, true).andThen(r -> pendingWrites.decrementAndGet());
  }

  /** What work asked of a closed store fails with (its worker pools are gone). */
  private IllegalStateException closedError() {
    return new IllegalStateException("DuckDB event store " + file + " is closed");
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing a DuckDB connection failed", e);
    }
  }

  @Override
  public String toString() {
    return "DuckDbEventStore[" + file + "]";
  }
}
