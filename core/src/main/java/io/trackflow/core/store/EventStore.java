package io.trackflow.core.store;

import io.trackflow.core.event.Event;
import io.trackflow.core.session.StoredSession;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Event store port: where events and the sessions derived from them are kept and queried
 * (ClickHouse in cluster, DuckDB standalone).
 *
 * <p>Inserts are idempotent as seen by queries: storing the same event twice (a replayed queue
 * delivery) must not change any count. Each insert also keeps the sessions table: per session,
 * the totals of its event with the highest session revision (see {@link Event#session()}).
 */
public interface EventStore {

  /** Creates or upgrades the schema; called once at start-up. */
  Future<Void> migrate();

  /** Stores one batch: its events, and its sessions' newest totals. */
  Future<Void> insert(List<Event> events);

  /**
   * The sessions whose last activity (engagement pings included) lies in {@code [fromMillis,
   * toMillis)}, each once with its newest totals: what a writer that takes over visitors needs to
   * continue their open sessions. Reads everything stored before the call.
   */
  Future<List<StoredSession>> openSessions(long fromMillis, long toMillis);

  /**
   * Runs one read-only statement written in {@link #dialect()}, built by {@code statement}
   * against the store's current {@link ReadView}; the store may call it more than once.
   */
  Future<QueryResult> query(Function<ReadView, String> statement);

  /** Runs a read-only statement that reads no table through a {@link ReadView}. */
  default Future<QueryResult> query(String sql) {
    return query(view -> sql);
  }

  /**
   * Merges what background merges left unmerged where writes have settled, so that reads of it
   * need no deduplication; answers how many table partitions it merged. Called periodically by
   * the writer; a no-op where reads never need it.
   */
  default Future<Integer> compact() {
    return Future.succeededFuture(0);
  }

  /**
   * Removes every event, session and imported row of a site (GDPR-grade: nothing of it remains
   * queryable).
   */
  Future<Void> deleteSite(String site);

  /** What {@link #deleteOlderThan} removed: whole daily partitions, and rows where it counted them. */
  record Trimmed(int partitionsDropped, long rowsDeleted) {}

  /**
   * Retention: removes each listed site's events older than its cutoff, and its sessions that
   * started before it. Where a daily partition holds only rows older than the cutoff of every
   * site in it, the store drops the partition whole instead of deleting row by row. Afterwards
   * nothing older is queryable.
   */
  default Future<Trimmed> deleteOlderThan(Map<String, Instant> cutoffs) {
    return Future.failedFuture(new UnsupportedOperationException(this + " keeps no retention"));
  }

  /** Stores rows of one imported table, tagged with the site and the import they came with. */
  default Future<Void> insertImported(ImportedTable table, String site, long importId, List<ImportedRow> rows) {
    return Future.failedFuture(new UnsupportedOperationException(this + " keeps no imported data"));
  }

  /** Removes every imported row of one import of the site. */
  default Future<Void> deleteImport(String site, long importId) {
    return Future.failedFuture(new UnsupportedOperationException(this + " keeps no imported data"));
  }

  /**
   * Removes the site's imported rows dated {@code from} to {@code to} (both included) that came
   * with any import but {@code keptImportId}: a newer import of a range replaces older ones.
   */
  default Future<Void> deleteImportedRange(String site, LocalDate from, LocalDate to, long keptImportId) {
    return Future.failedFuture(new UnsupportedOperationException(this + " keeps no imported data"));
  }

  /**
   * Replaces the rollup rows of one UTC day with {@code rows} and records the build (with this
   * rollup version and the time). Readers never see the day recorded as built with only part of
   * its rows.
   */
  default Future<Void> replaceRollups(io.trackflow.core.rollup.RollupBuild build,
      List<io.trackflow.core.rollup.RollupRow> rows) {
    return Future.failedFuture(new UnsupportedOperationException(this + " keeps no rollups"));
  }

  /** Removes one UTC day's rollup rows and its build record: stats read the day raw again. */
  default Future<Void> dropRollups(LocalDate day) {
    return Future.failedFuture(new UnsupportedOperationException(this + " keeps no rollups"));
  }

  /** The SQL dialect queries for this store are compiled to. */
  SqlDialect dialect();

  /** True while the store answers; feeds the readiness check. */
  default Future<Boolean> ping() {
    return query("SELECT 1").map(r -> true).otherwise(false);
  }

  Future<Void> close();
}
