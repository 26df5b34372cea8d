package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.ForwardingEventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An event store that counts the statements reading the rollups, so a test knows which path answered. */
final class RecordingStore extends ForwardingEventStore {

  private final AtomicInteger rollupReads = new AtomicInteger();

  RecordingStore(EventStore store) {
    super(store);
  }

  /** Statements so far that read rollup rows for an answer (not the build records, nor auto mode's size check). */
  int rollupReads() {
    return rollupReads.get();
  }

  @Override
  public Future<QueryResult> query(Function<ReadView, String> statement) {
    return inner.query(view -> {
      String sql = statement.apply(view);
      if (sql.startsWith("SELECT grain, bucket_ms")) {
        rollupReads.incrementAndGet();
      }
      return sql;
    });
  }
}
