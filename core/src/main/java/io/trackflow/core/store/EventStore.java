package io.trackflow.core.store;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import java.util.List;

/**
 * Event store port: where events are kept and queried (ClickHouse in cluster, DuckDB standalone).
 *
 * <p>Inserts are idempotent per event id as seen by queries: storing the same event twice (a
 * replayed queue delivery) must not change any count.
 */
public interface EventStore {

  /** Creates or upgrades the schema; called once at start-up. */
  Future<Void> migrate();

  /** Stores one batch with a single insert. */
  Future<Void> insert(List<Event> events);

  /** Runs a read-only query written in {@link #dialect()} and returns its rows. */
  Future<QueryResult> query(String sql);

  /** Removes every event of a site (GDPR-grade: nothing of it remains queryable). */
  Future<Void> deleteSite(String site);

  /** The SQL dialect queries for this store are compiled to. */
  SqlDialect dialect();

  /** True while the store answers; feeds the readiness check. */
  default Future<Boolean> ping() {
    return query("SELECT 1").map(r -> true).otherwise(false);
  }

  Future<Void> close();
}
