package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The stats API over hostile queries on a real ClickHouse")
class ClickHouseStatsFuzzIT extends StatsFuzzContract {

  private final ClickHouseService clickHouse;

  ClickHouseStatsFuzzIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    ClickHouseEventStore store = new ClickHouseEventStore(vertx,
        ClickHouseOptions.of(clickHouse.httpUrl(), clickHouse.newDatabase()), new SimpleMeterRegistry());
    await(store.migrate());
    return store;
  }
}
