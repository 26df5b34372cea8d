package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.trackflow.core.store.SqlDialect;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An event store that counts the statements reading the rollups, so a test knows which path answered. */
final class RecordingStore implements EventStore {

  private final EventStore store;
  private final AtomicInteger rollupReads = new AtomicInteger();

  RecordingStore(EventStore store) {
    this.store = store;
  }

  /** Statements so far that read rollup rows (not only the build records). */
  int rollupReads() {
    return rollupReads.get();
  }

  @Override
  public Future<QueryResult> query(Function<ReadView, String> statement) {
    return store.query(view -> {
      String sql = statement.apply(view);
      if (sql.contains("FROM rollups")) {
        rollupReads.incrementAndGet();
      }
      return sql;
    });
  }

  @Override
  public Future<Void> migrate() {
    return store.migrate();
  }

  @Override
  public Future<Void> insert(List<Event> events) {
    return store.insert(events);
  }

  @Override
  public Future<List<StoredSession>> openSessions(long fromMillis, long toMillis) {
    return store.openSessions(fromMillis, toMillis);
  }

  @Override
  public Future<Void> deleteSite(String site) {
    return store.deleteSite(site);
  }

  @Override
  public SqlDialect dialect() {
    return store.dialect();
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }
}
