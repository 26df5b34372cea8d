package io.trackflow.query.stats;

import org.junit.jupiter.api.DisplayName;

@DisplayName("On DuckDB with rollups always, every stats metric and dimension equals the plain-Java oracle")
class DuckDbStatsRollupsTest extends DuckDbStatsTest {

  @Override
  protected RollupOptions.Mode rollups() {
    return RollupOptions.Mode.ALWAYS;
  }
}
