package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A lease on one database's schema migrations, so that the processes of a cluster, started
 * together, migrate it one at a time: versions that swap tables by RENAME cannot run twice at
 * once. ClickHouse has no locks, but a CREATE TABLE of one name succeeds for one caller only
 * (the others get TABLE_ALREADY_EXISTS), so the table is the lock. Its holder adds a row every
 * few seconds while it migrates; a lock whose newest row is older than {@link #STALE} was left
 * by a process that died, and the next process drops it.
 */
final class MigrationLock {

  static final String TABLE = "schema_migration_lock";
  private static final int TABLE_ALREADY_EXISTS = 57;
  private static final int UNKNOWN_TABLE = 60;
  static final Duration HEARTBEAT = Duration.ofSeconds(3);
  static final Duration STALE = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final ClickHouseHttp http;
  private final Function<String, Future<List<List<Object>>>> select;
  private final String holder;

  MigrationLock(Vertx vertx, ClickHouseHttp http, Function<String, Future<List<List<Object>>>> select) {
    this.vertx = vertx;
    this.http = http;
    this.select = select;
    this.holder = SqlLiterals.quote(SqlDialect.CLICKHOUSE, ManagementFactory.getRuntimeMXBean().getName());
  }

  /** True when this process now holds the lock; false when another live process does. */
  Future<Boolean> tryAcquire() {
    // Log, not TinyLog: waiters read it while the holder appends its heartbeat.
    return http.execute("CREATE TABLE " + TABLE + " ENGINE = Log AS SELECT " + holder
            + " AS holder, now() AS renewed", true)
        .map(true)
        .recover(e -> e instanceof ClickHouseException c && c.code() == TABLE_ALREADY_EXISTS
            ? dropIfStale().map(false)
            : Future.failedFuture(e));
  }

  /** Runs {@code work} holding the lock, renewing it meanwhile, and releases it however it ends. */
  <T> Future<T> holding(Supplier<Future<T>> work) {
    long heartbeat = vertx.setPeriodic(HEARTBEAT.toMillis(), id ->
        http.execute("INSERT INTO " + TABLE + " VALUES (" + holder + ", now())", true));
    return work.get().eventually(() -> {
      vertx.cancelTimer(heartbeat);
      return http.execute("DROP TABLE IF EXISTS " + TABLE, true);
    });
  }

  /**
   * Drops a lock nobody renewed for {@link #STALE}. An empty lock is one being created (CREATE …
   * AS SELECT makes the table before its row), not a stale one.
   */
  private Future<Void> dropIfStale() {
    return select.apply("SELECT count(), toUInt8(max(renewed) < now() - " + STALE.toSeconds() + ") FROM " + TABLE)
        .compose(rows -> {
          List<Object> row = rows.get(0);
          boolean stale = ((Number) row.get(0)).longValue() > 0 && ((Number) row.get(1)).intValue() == 1;
          return stale ? http.execute("DROP TABLE IF EXISTS " + TABLE, true) : Future.<Void>succeededFuture();
        })
        .recover(e -> e instanceof ClickHouseException c && c.code() == UNKNOWN_TABLE
            ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
