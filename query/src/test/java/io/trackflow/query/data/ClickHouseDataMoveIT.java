package io.trackflow.query.data;

import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.query.QueryStack;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("Export, import and retention on a real ClickHouse")
class ClickHouseDataMoveIT extends DataMoveContract {

  private final ClickHouseService clickHouse;

  ClickHouseDataMoveIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @Override
  protected QueryStack.EventStoreFactory store() {
    return (vertx, registry) -> new ClickHouseEventStore(vertx,
        ClickHouseOptions.of(clickHouse.httpUrl(), clickHouse.newDatabase()), registry);
  }
}
