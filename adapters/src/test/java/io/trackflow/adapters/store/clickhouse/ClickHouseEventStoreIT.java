package io.trackflow.adapters.store.clickhouse;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventStoreContract;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The ClickHouse event store fulfils the event store contract against a real ClickHouse")
class ClickHouseEventStoreIT extends EventStoreContract {

  private final ClickHouseService clickHouse;

  ClickHouseEventStoreIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @Override
  protected EventStore create(Vertx vertx, MeterRegistry registry) {
    // A database of its own per test: the store creates it in migrate().
    return new ClickHouseEventStore(vertx, ClickHouseOptions.of(clickHouse.httpUrl(), TestNames.unique("events")), registry);
  }

  @Override
  protected Future<Integer> compactNow() {
    return ((ClickHouseEventStore) store).compact(Duration.ZERO);
  }

  @Override
  protected String metricsTag() {
    return "clickhouse";
  }

  @Override
  protected boolean dropsPartitions() {
    return true;
  }
}
