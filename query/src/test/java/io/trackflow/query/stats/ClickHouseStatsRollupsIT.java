package io.trackflow.query.stats;

import io.trackflow.testsupport.ClickHouseService;
import org.junit.jupiter.api.DisplayName;

@DisplayName("On a real ClickHouse with rollups always, every stats metric and dimension equals the plain-Java oracle")
class ClickHouseStatsRollupsIT extends ClickHouseStatsIT {

  ClickHouseStatsRollupsIT(ClickHouseService clickHouse) {
    super(clickHouse);
  }

  @Override
  protected RollupOptions.Mode rollups() {
    return RollupOptions.Mode.ALWAYS;
  }
}
