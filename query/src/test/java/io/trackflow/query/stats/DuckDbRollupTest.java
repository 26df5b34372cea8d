package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("On DuckDB, the rollups answer what the raw tables answer")
class DuckDbRollupTest extends RollupContract {

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    return await(MigratedStores.duckDb(vertx));
  }
}
