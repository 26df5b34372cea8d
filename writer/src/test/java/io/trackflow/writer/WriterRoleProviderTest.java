package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The writer role")
class WriterRoleProviderTest {

  @Test
  @DisplayName("Builds rollups only where stats may read them: with stats.rollups at its default 'auto', or 'always', not with 'never'")
  void buildsRollupsOnlyWhereStatsReadThem() {
    assertThat(WriterRoleProvider.buildsRollups(TrackflowConfig.defaults())).isTrue();
    assertThat(WriterRoleProvider.buildsRollups(TrackflowConfig.defaults().with(Map.of(Setting.STATS_ROLLUPS, "NEVER "))))
        .isFalse();
    assertThat(WriterRoleProvider.buildsRollups(TrackflowConfig.defaults().with(Map.of(Setting.STATS_ROLLUPS, "auto"))))
        .isTrue();
    assertThat(WriterRoleProvider.buildsRollups(TrackflowConfig.defaults().with(Map.of(Setting.STATS_ROLLUPS, "always"))))
        .isTrue();
  }
}
