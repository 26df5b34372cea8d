package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A browser scenario of the dashboard ({@code dashboard/e2e/*.e2e.mjs}, Playwright driving
 * Debian's headless Chromium) run with the machine's Node against a running TrackFlow; the
 * scenario asserts what the pages show, and a failure here carries its output.
 */
final class DashboardScenario {

  private static final Path DASHBOARD = Path.of("..", "dashboard").toAbsolutePath().normalize();

  private DashboardScenario() {}

  /** Chromium and playwright-core, or an assertion naming what to install. */
  static Path chromium() {
    Path chromium = BrowserScenario.chromium();
    assertThat(DASHBOARD.resolve("node_modules/playwright-core"))
        .as("playwright-core in the dashboard's node_modules: the dashboard module's Maven build runs "
            + "'npm ci' (build with -am), or run 'npm ci' in %s", DASHBOARD)
        .isDirectory();
    return chromium;
  }

  /**
   * Runs {@code dashboard/e2e/<script>} with the environment given (plus CHROMIUM_PATH), logging
   * to {@code log}; returns its output once it exited 0 within {@code timeout}.
   */
  static String run(String script, Path chromium, Map<String, String> environment, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Path scenario = DASHBOARD.resolve("e2e").resolve(script);
    assertThat(scenario).as("the dashboard's browser scenario").exists();
    Map<String, String> env = new HashMap<>(environment);
    env.put("CHROMIUM_PATH", chromium.toString());
    return BrowserScenario.run(DASHBOARD, scenario, env, log, timeout);
  }
}
