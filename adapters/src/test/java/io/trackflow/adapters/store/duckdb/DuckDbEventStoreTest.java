package io.trackflow.adapters.store.duckdb;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventStoreContract;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The DuckDB event store fulfils the event store contract")
class DuckDbEventStoreTest extends EventStoreContract {

  @TempDir
  Path dir;

  @Override
  protected EventStore create(Vertx vertx, MeterRegistry registry) {
    return new DuckDbEventStore(vertx, dir.resolve("data/events.duckdb"), registry);
  }

  @Override
  protected String metricsTag() {
    return "duckdb";
  }

  @Override
  protected boolean dropsPartitions() {
    return false;
  }
}
