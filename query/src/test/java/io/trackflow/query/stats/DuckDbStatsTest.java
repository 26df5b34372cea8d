package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

@DisplayName("On DuckDB, every stats metric and dimension equals the plain-Java oracle")
class DuckDbStatsTest extends StatsAccuracyContract {

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    Path dir = Files.createTempDirectory("trackflow-stats-duckdb");
    dir.toFile().deleteOnExit();
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    await(store.migrate());
    return store;
  }
}
