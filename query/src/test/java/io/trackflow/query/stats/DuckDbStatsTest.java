package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("On DuckDB, every stats metric and dimension equals the plain-Java oracle")
class DuckDbStatsTest extends StatsAccuracyContract {

  // Loaded once per JVM and only read: mutation testing (docs/testing.md) runs each test method
  // as its own JUnit launch, @BeforeAll included, and loading 36k events each time made it
  // unaffordable. Like TestEnrichers, a test-only shared resource.
  private static Loaded shared;

  @Override
  protected Loaded loaded() throws Exception {
    synchronized (DuckDbStatsTest.class) {
      if (shared == null) {
        shared = load(this::createStore);
      }
      return shared;
    }
  }

  @Override
  protected boolean sharedData() {
    return true;
  }

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    return await(MigratedStores.duckDb(vertx));
  }
}
