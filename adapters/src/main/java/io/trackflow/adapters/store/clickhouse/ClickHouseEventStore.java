package io.trackflow.adapters.store.clickhouse;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.adapters.store.Migration;
import io.trackflow.adapters.store.StoreMetrics;
import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event store on ClickHouse, spoken to over its HTTP interface with the Vert.x WebClient (never
 * blocking a thread): versioned migrations at start-up, one gzip-compressed RowBinary insert per
 * batch, read-only JSONCompact queries. Replays are stored again and collapsed at read time by
 * the ReplacingMergeTree ({@code FROM events FINAL}, see {@link EventsSchema#deduplicated}).
 */
public final class ClickHouseEventStore implements EventStore {

  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseEventStore.class);
  private static final Duration MUTATION_POLL = Duration.ofMillis(100);
  private static final Duration MUTATION_DEADLINE = Duration.ofMinutes(10);
  /** How long start-up waits for an unreachable ClickHouse (a cluster may start it later). */
  private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final ClickHouseOptions options;
  private final ClickHouseHttp http;
  private final StoreMetrics metrics;

  public ClickHouseEventStore(Vertx vertx, ClickHouseOptions options, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    this.http = new ClickHouseHttp(vertx, options);
    this.metrics = new StoreMetrics(registry, "clickhouse");
  }

  /**
   * Creates the database and applies pending schema versions. While ClickHouse cannot be
   * reached it retries with backoff for up to a minute; an error ClickHouse reports fails at once.
   */
  @Override
  public Future<Void> migrate() {
    long deadline = System.nanoTime() + STARTUP_PATIENCE.toNanos();
    return migrateOnce().recover(e -> retryMigrate(e, deadline, 250));
  }

  private Future<Void> retryMigrate(Throwable failure, long deadline, long delayMillis) {
    if (failure instanceof ClickHouseException || System.nanoTime() + delayMillis * 1_000_000 > deadline) {
      return Future.failedFuture(failure);
    }
    LOG.warn("ClickHouse at {} unreachable ({}); retrying the schema migration in {} ms",
        options.url(), failure.toString(), delayMillis);
    return vertx.timer(delayMillis)
        .compose(t -> migrateOnce())
        .recover(e -> retryMigrate(e, deadline, Math.min(delayMillis * 2, 5_000)));
  }

  private Future<Void> migrateOnce() {
    return http.execute("CREATE DATABASE IF NOT EXISTS " + options.database(), false)
        .compose(v -> http.execute(ClickHouseMigrations.CREATE_MIGRATIONS_TABLE, true))
        .compose(v -> query("SELECT DISTINCT version FROM " + EventsSchema.MIGRATIONS_TABLE))
        .compose(applied -> applyPending(versions(applied)));
  }

  private Future<Void> applyPending(Set<Long> applied) {
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : ClickHouseMigrations.ALL) {
      if (!applied.contains((long) migration.version())) {
        chain = chain.compose(v -> apply(migration));
      }
    }
    return chain;
  }

  private Future<Void> apply(Migration migration) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : migration.statements()) {
      chain = chain.compose(v -> http.execute(statement, true));
    }
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
    return metrics.record(events.size(), () -> vertx
        .executeBlocking(() -> RowBinaryEncoder.gzip(events), false)
        .compose(body -> http.insert(RowBinaryEncoder.INSERT, body)));
  }

  @Override
  public Future<QueryResult> query(String sql) {
    return http.select(sql).map(JsonCompactResult::parse);
  }

  /**
   * Deletes with a mutation and completes once ClickHouse reports every mutation of the table
   * done (18.16 has no {@code mutations_sync}), so afterwards nothing of the site is queryable.
   */
  @Override
  public Future<Void> deleteSite(String site) {
    String delete = "ALTER TABLE " + EventsSchema.TABLE + " DELETE WHERE site = "
        + SqlLiterals.quote(SqlDialect.CLICKHOUSE, site);
    long deadline = System.nanoTime() + MUTATION_DEADLINE.toNanos();
    return http.execute(delete, true).compose(v -> awaitMutations(deadline));
  }

  private Future<Void> awaitMutations(long deadline) {
    String pending = "SELECT count() FROM system.mutations WHERE database = "
        + SqlLiterals.quote(SqlDialect.CLICKHOUSE, options.database())
        + " AND table = " + SqlLiterals.quote(SqlDialect.CLICKHOUSE, EventsSchema.TABLE)
        + " AND is_done = 0";
    return query(pending).compose(result -> {
      long count = (Long) result.rows().get(0).get(0);
      if (count == 0) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture(new IllegalStateException(
            "ClickHouse " + options.database() + ": " + count + " delete mutation(s) still running after "
                + MUTATION_DEADLINE.toMinutes() + " min"));
      }
      return vertx.timer(MUTATION_POLL.toMillis()).compose(t -> awaitMutations(deadline));
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
