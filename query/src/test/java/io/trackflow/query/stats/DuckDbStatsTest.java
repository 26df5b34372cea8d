package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("On DuckDB, every stats metric and dimension equals the plain-Java oracle")
class DuckDbStatsTest extends StatsAccuracyContract {

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    return await(MigratedStores.duckDb(vertx));
  }
}
