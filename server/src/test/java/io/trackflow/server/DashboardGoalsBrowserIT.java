package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.custom;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's goals and funnels in a real browser against a real TrackFlow: four visitors'
 * traffic (purchases with revenue among it) is sent through the collector, then headless Chromium
 * signs in, creates three goals (one a revenue goal in euros) and a funnel on the site's goals page
 * and reads the conversions and revenue, one goal's properties and the funnel's steps off the
 * dashboard ({@code dashboard/e2e/goals.e2e.mjs}, which asserts what the page shows). The
 * dashboard talks to the public API only.
 */
class DashboardGoalsBrowserIT {

  @TempDir Path dataDir;

  @Test
  @DisplayName("In headless Chromium a user creates goals and sees their conversions, revenue and properties, and creates a funnel and reads its steps")
  void goalsAndFunnelInTheDashboard() throws Exception {
    Path chromium = DashboardScenario.chromium();

    String site = StandaloneEndToEndIT.newSiteDomain("goals");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = StandaloneEndToEndIT.adminWithSite(server.http(), site);

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

      String output = DashboardScenario.run("goals.e2e.mjs", chromium, Map.of("TRACKFLOW_URL", http.base().toString(),
              "TRACKFLOW_SITE", site, "TRACKFLOW_EMAIL", StandaloneEndToEndIT.ADMIN_EMAIL,
              "TRACKFLOW_PASSWORD", StandaloneEndToEndIT.ADMIN_PASSWORD),
          dataDir.resolve("goals-e2e.log"), Duration.ofMinutes(5));
      assertThat(output).contains("the funnel read as expected");
    }
  }
}
