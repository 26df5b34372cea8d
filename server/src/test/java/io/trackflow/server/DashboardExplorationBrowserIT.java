package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.custom;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's analysis tools in a real browser against a real TrackFlow: eight visitors from
 * three countries and a private network browse 33 pages (one of them, the "needle", visited once)
 * and send a few custom events; then headless Chromium ({@code dashboard/e2e/exploration.e2e.mjs})
 * checks the card details (search, sort, paging, URL state), the filter editor, the comparison
 * line, the world map and the realtime view against the stats API's own answers, and takes the
 * README's screenshots: into {@code target/screenshots/}, or {@code docs/screenshots/} when asked
 * ({@link Screenshots}).
 */
class DashboardExplorationBrowserIT {

  @TempDir Path dataDir;

  @Test
  @DisplayName("In headless Chromium the details find a page beyond the top 10 and reach the last row, two edited filters reach every card and survive reload and Back, the comparison line and the map carry the API's numbers, and realtime updates on the page clock")
  void analysisToolsInTheDashboard() throws Exception {
    Path chromium = DashboardScenario.chromium();
    Path screenshots = Screenshots.directory();
    Map<Path, Long> docsBefore = Screenshots.checksums(Screenshots.DOCS);

    String site = StandaloneEndToEndIT.newSiteDomain("explore");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = StandaloneEndToEndIT.adminWithSite(server.http(), site);

      Traffic traffic = new Traffic(http, site);
      List<Traffic.Visitor> visitors = List.of(
          traffic.visitor("8.8.8.8", "US", Traffic.CHROME_WINDOWS),
          traffic.visitor("8.8.8.8", "US", Traffic.FIREFOX_LINUX),
          traffic.visitor("8.8.8.8", "US", Traffic.SAFARI_MAC),
          traffic.visitor("194.25.2.129", "DE", Traffic.SAFARI_IPHONE),
          traffic.visitor("194.25.2.129", "DE", Traffic.EDGE_WINDOWS),
          traffic.visitor("133.11.0.1", "JP", Traffic.CHROME_ANDROID),
          traffic.visitor("10.1.0.1", Traffic.SAFARI_IPAD),
          traffic.visitor("10.1.0.2", Traffic.CHROME_WINDOWS));
      // Everyone sees the home page, most the pricing page, each a few of 30 docs pages; the
      // needle is one visitor's, so it ranks far below the top 10.
      for (int v = 0; v < visitors.size(); v++) {
        List<Traffic.Ev> events = new ArrayList<>();
        events.add(v % 3 == 0 ? pageview("/").from("https://www.google.com/", "Google") : pageview("/"));
        if (v < 6) {
          events.add(pageview("/pricing"));
          events.add(custom("Signup", "/pricing").prop("plan", v % 2 == 0 ? "pro" : "free"));
        }
        for (int k = 0; k < 4; k++) {
          events.add(pageview(String.format("/docs/topic-%02d", 1 + (v * 4 + k) % 30)));
        }
        if (v == 4) {
          events.add(pageview("/stories/needle-in-a-haystack"));
        }
        traffic.beacon(BEACON_JSON, visitors.get(v), events.toArray(Traffic.Ev[]::new));
      }
      ShopScenario.awaitTotals(http, site, List.of("visitors", "pageviews", "events"),
          Map.of("visitors", (int) traffic.visitors(), "pageviews", (int) traffic.pageviews(), "events", (int) traffic.events()));

      String output = DashboardScenario.run("exploration.e2e.mjs", chromium, Map.of("TRACKFLOW_URL", http.base().toString(), "TRACKFLOW_SITE", site,
          "TRACKFLOW_EMAIL", StandaloneEndToEndIT.ADMIN_EMAIL, "TRACKFLOW_PASSWORD", StandaloneEndToEndIT.ADMIN_PASSWORD,
          "SCREENSHOTS_DIR", screenshots.toString()), dataDir.resolve("exploration-e2e.log"), Duration.ofMinutes(5));
      assertThat(output).contains("exploration scenario passed");
    }
    for (String shot : List.of("dashboard-1280.png", "dashboard-375.png", "dashboard-dark.png", "realtime-1280.png")) {
      assertThat(screenshots.resolve(shot)).as("screenshot %s", shot).isNotEmptyFile();
    }
    if (!screenshots.equals(Screenshots.DOCS)) {
      assertThat(Screenshots.checksums(Screenshots.DOCS)).as("the checkout's docs/screenshots after a run not asked to update them")
          .isEqualTo(docsBefore);
    }
  }
}
