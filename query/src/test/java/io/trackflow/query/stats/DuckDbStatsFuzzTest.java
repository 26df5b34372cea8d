package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The stats API over hostile queries on DuckDB")
class DuckDbStatsFuzzTest extends StatsFuzzContract {

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    return await(MigratedStores.duckDb(vertx));
  }
}
