package io.trackflow.adapters.store.clickhouse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.LiteralRoundTrip;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class ClickHouseSqlLiteralsIT {

  @Test
  @DisplayName("Thousands of random strings with quotes, backslashes, NUL, control characters and unicode survive quoting and a real ClickHouse SELECT")
  void fuzzedLiteralsRoundTrip(ClickHouseService clickHouse) throws Exception {
    Vertx vertx = Vertx.vertx();
    ClickHouseEventStore store = new ClickHouseEventStore(vertx,
        ClickHouseOptions.of(clickHouse.httpUrl(), TestNames.unique("literals")), new SimpleMeterRegistry());
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
