package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("On a real ClickHouse, every stats metric and dimension equals the plain-Java oracle")
class ClickHouseStatsIT extends StatsAccuracyContract {

  private final ClickHouseService clickHouse;

  ClickHouseStatsIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    return await(MigratedStores.clickHouse(vertx, clickHouse));
  }
}
