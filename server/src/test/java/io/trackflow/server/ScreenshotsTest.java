package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScreenshotsTest {

  private static final Path MODULE = Path.of("/repo/server");

  @Test
  @DisplayName("Without being asked, the browser tests write their screenshots under the module's target directory, not into the checkout's docs")
  void byDefaultUnderTarget() {
    assertThat(Screenshots.directory(MODULE, null, Map.of())).isEqualTo(Path.of("/repo/server/target/screenshots"));
    assertThat(Screenshots.directory(MODULE, "false", Map.of(Screenshots.UPDATE_VARIABLE, "no")))
        .isEqualTo(Path.of("/repo/server/target/screenshots"));
  }

  @Test
  @DisplayName("-Dscreenshots.update=true or TRACKFLOW_UPDATE_SCREENSHOTS=true sends the screenshots to docs/screenshots, where the README shows them")
  void updateWhenAsked() {
    Path docs = Path.of("/repo/docs/screenshots");
    assertThat(Screenshots.directory(MODULE, "true", Map.of())).isEqualTo(docs);
    assertThat(Screenshots.directory(MODULE, null, Map.of(Screenshots.UPDATE_VARIABLE, "true"))).isEqualTo(docs);
  }
}
