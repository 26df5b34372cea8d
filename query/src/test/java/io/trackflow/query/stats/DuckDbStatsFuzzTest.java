package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The stats API over hostile queries on DuckDB")
class DuckDbStatsFuzzTest extends StatsFuzzContract {

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    DuckDbEventStore store = new DuckDbEventStore(vertx,
        Files.createTempDirectory("trackflow-stats-fuzz").resolve("events.duckdb"), new SimpleMeterRegistry());
    await(store.migrate());
    return store;
  }
}
