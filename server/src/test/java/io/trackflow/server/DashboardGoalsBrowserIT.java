package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.custom;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's goals and funnels in a real browser against a real TrackFlow: four visitors'
 * traffic (purchases with revenue among it) is sent through the collector, then headless Chromium
 * signs in, creates three goals (one a revenue goal in euros) and a funnel on the site's goals page
 * and reads the conversions and revenue, one goal's properties and the funnel's steps off the
 * dashboard ({@code dashboard/e2e/goals.e2e.mjs}, which asserts what the
 * page shows). The dashboard talks to the public API only.
 */
class DashboardGoalsBrowserIT {

  private static final Path DASHBOARD = Path.of("..", "dashboard").toAbsolutePath().normalize();
  private static final Path SCRIPT = DASHBOARD.resolve("e2e/goals.e2e.mjs");

  @TempDir Path dataDir;

  @Test
  @DisplayName("In headless Chromium a user creates goals and sees their conversions, revenue and properties, and creates a funnel and reads its steps")
  void goalsAndFunnelInTheDashboard() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium))
        .as("the dashboard's browser test needs Chromium at %s: install the Debian package 'chromium'", chromium)
        .isTrue();
    assertThat(DASHBOARD.resolve("node_modules/playwright-core"))
        .as("playwright-core in the dashboard's node_modules: the dashboard module's Maven build runs "
            + "'npm ci' (build with -am), or run 'npm ci' in %s", DASHBOARD)
        .isDirectory();

    String site = StandaloneEndToEndIT.newSiteDomain("goals");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = server.http()
          .login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
      http.createSite(site, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(http, site);

      Traffic traffic = new Traffic(http, site);
      Traffic.Visitor a = traffic.visitor("203.0.113.10", Traffic.CHROME_WINDOWS);
      Traffic.Visitor b = traffic.visitor("203.0.113.11", Traffic.FIREFOX_LINUX);
      Traffic.Visitor c = traffic.visitor("203.0.113.12", Traffic.SAFARI_MAC);
      traffic.beacon(BEACON_JSON, a, pageview("/"), pageview("/pricing"), custom("Signup", "/pricing").prop("plan", "pro"),
          custom("Purchase", "/pricing").revenue("19.99", "EUR"));
      traffic.beacon(BEACON_JSON, b, pageview("/pricing"), custom("Purchase", "/pricing").revenue("10", "USD"));
      traffic.beacon(BEACON_JSON, c, pageview("/"), custom("Signup", "/").prop("plan", "free"));
      // Revenue through the pixel too: its `$` parameter is the object's JSON text.
      traffic.pixel(c, custom("Purchase", "/").revenue("5.01", "eur"));
      traffic.beacon(BEACON_JSON, traffic.visitor("203.0.113.13", Traffic.EDGE_WINDOWS),
          custom("Signup", "/").prop("plan", "pro"), pageview("/pricing"));
      ShopScenario.awaitTotals(http, site, List.of("visitors", "visits", "pageviews", "events"),
          Map.of("visitors", 4, "visits", 4, "pageviews", 5, "events", 11));

      runBrowserScenario(chromium, http.base().toString(), site);
    }
  }

  /** Runs the scenario with the machine's Node; its own assertions of what the page shows must pass. */
  private void runBrowserScenario(Path chromium, String trackflowUrl, String site)
      throws IOException, InterruptedException {
    Path log = dataDir.resolve("goals-e2e.log");
    ProcessBuilder builder = new ProcessBuilder("node", SCRIPT.toString())
        .directory(DASHBOARD.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("TRACKFLOW_URL", trackflowUrl);
    builder.environment().put("TRACKFLOW_SITE", site);
    builder.environment().put("TRACKFLOW_EMAIL", StandaloneEndToEndIT.ADMIN_EMAIL);
    builder.environment().put("TRACKFLOW_PASSWORD", StandaloneEndToEndIT.ADMIN_PASSWORD);
    builder.environment().put("CHROMIUM_PATH", chromium.toString());
    Process node;
    try {
      node = builder.start();
    } catch (IOException e) {
      throw new AssertionError("the browser test runs the dashboard's scenario with Node (>= 20): "
          + "install the Debian package 'nodejs'", e);
    }
    if (!node.waitFor(5, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      fail("the browser scenario did not finish:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(node.exitValue()).as("browser scenario exit code; its output:\n%s", output).isZero();
    System.out.print(output);
  }
}
