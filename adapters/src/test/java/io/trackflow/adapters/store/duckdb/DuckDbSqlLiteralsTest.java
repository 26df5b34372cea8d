package io.trackflow.adapters.store.duckdb;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.LiteralRoundTrip;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbSqlLiteralsTest {

  @Test
  @DisplayName("Thousands of random strings with quotes, backslashes, NUL, control characters and unicode survive quoting and a DuckDB SELECT")
  void fuzzedLiteralsRoundTrip(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    try {
      store.migrate().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      LiteralRoundTrip.check(store, 20_250_314L, 3_000);
    } finally {
      try {
        store.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
