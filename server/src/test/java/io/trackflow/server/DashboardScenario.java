package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium))
        .as("the dashboard's browser test needs Chromium at %s: install the Debian package 'chromium' "
            + "(apt-get install chromium), as .ci/run does", chromium)
        .isTrue();
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
    ProcessBuilder builder = new ProcessBuilder("node", scenario.toString())
        .directory(DASHBOARD.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("CHROMIUM_PATH", chromium.toString());
    Process node;
    try {
      node = builder.start();
    } catch (IOException e) {
      throw new AssertionError("the browser test runs the dashboard's scenario with Node (>= 20): "
          + "install the Debian package 'nodejs'", e);
    }
    if (!node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      node.destroyForcibly();
      fail("the browser scenario did not finish:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(node.exitValue()).as("browser scenario exit code; its output:\n%s", output).isZero();
    System.out.print(output);
    return output;
  }
}
