package io.trackflow.query.stats;

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
    return await(MigratedStores.clickHouse(vertx, clickHouse));
  }
}
