package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("On a real ClickHouse, the rollups answer what the raw tables answer")
class ClickHouseRollupIT extends RollupContract {

  private final ClickHouseService clickHouse;

  ClickHouseRollupIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  /**
   * Fewer ranges than on DuckDB (each query is asked twice, over HTTP): a month with its running
   * day, a span of built days with DST in it, and date-times cutting days and hours.
   */
  @Override
  protected java.util.List<Object> ranges() {
    return java.util.List.of("30d", java.util.List.of("2025-01-15", "2025-03-31"),
        java.util.List.of("2025-03-29T10:30:00", "2025-03-30T18:00:00"));
  }

  @Override
  protected EventStore createStore(Vertx vertx) throws Exception {
    return await(MigratedStores.clickHouse(vertx, clickHouse));
  }
}
