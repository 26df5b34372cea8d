package io.trackflow.query.data;

import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.query.QueryStack;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Export, import and retention on the embedded DuckDB store")
class DuckDbDataMoveTest extends DataMoveContract {

  @Override
  protected QueryStack.EventStoreFactory store() {
    return (vertx, registry) -> new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), registry);
  }
}
