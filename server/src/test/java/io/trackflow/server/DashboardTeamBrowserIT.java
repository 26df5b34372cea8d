package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.query.auth.SetupRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's team and settings pages in a real browser against a standalone TrackFlow with no
 * account yet: Debian's headless Chromium runs {@code dashboard/e2e/team.e2e.mjs} — first-run setup
 * with the setup token, an invitation accepted in a second browser context (the new viewer sees
 * only that site), a share link with a password, an API key used from plain HTTP and revoked, and
 * a password change.
 */
class DashboardTeamBrowserIT {

  /** Fixed, so the test knows the setup token the server prints (an HMAC of this key). */
  private static final String SIGNING_KEY = "dashboard-team-browser-test-signing-key-0123456789";

  @TempDir Path dataDir;

  @Test
  @DisplayName("Setup, invitation in a second browser, password-protected share link, API key and password change work in headless Chromium")
  void teamAndSettingsInTheBrowser() throws Exception {
    Path chromium = DashboardScenario.chromium();
    Map<Setting, String> settings = RunningServer.base(dataDir);
    settings.put(Setting.JWT_SECRET, SIGNING_KEY);
    try (RunningServer server = RunningServer.start(settings)) {
      String output = DashboardScenario.run("team.e2e.mjs", chromium,
          Map.of("TRACKFLOW_URL", server.http().base().toString().replaceAll("/$", ""),
              "TRACKFLOW_SETUP_TOKEN", SetupRoutes.token(SIGNING_KEY)),
          dataDir.resolve("team-e2e.log"), Duration.ofMinutes(4));
      assertThat(output).contains("team and settings scenario passed");
    }
  }
}
