package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The event stores the stats contracts run on: empty and migrated, a fresh file or database each. */
final class MigratedStores {

  private MigratedStores() {}

  static Future<EventStore> duckDb(Vertx vertx) throws IOException {
    Path dir = Files.createTempDirectory("trackflow-stats-duckdb");
    dir.toFile().deleteOnExit();
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    return store.migrate().map(v -> store);
  }

  static Future<EventStore> clickHouse(Vertx vertx, ClickHouseService clickHouse) {
    ClickHouseEventStore store = new ClickHouseEventStore(vertx,
        ClickHouseOptions.of(clickHouse.httpUrl(), clickHouse.newDatabase()), new SimpleMeterRegistry());
    return store.migrate().map(v -> store);
  }
}
