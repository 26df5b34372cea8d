package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker in a real browser against a real TrackFlow: Debian's headless Chromium loads a
 * single-page app with the tracker served by a standalone TrackFlow, walks three routes, fires two
 * custom events and an outbound click and closes the tab ({@code tracker/e2e/spa.e2e.mjs}, which
 * also checks what the browser sent); then the stats API must report exactly those pageviews and
 * events for the site, each once.
 */
class TrackerBrowserIT {

  @TempDir Path dataDir;

  @Test
  @DisplayName("Three SPA routes, two custom events with props and an outbound click in headless Chromium are reported by the stats API exactly once each, engagement not counted")
  void browserSessionIsCountedExactlyOnce() throws Exception {
    BrowserScenario scenario = new BrowserScenario("tracker", "e2e/spa.e2e.mjs");

    String site = StandaloneEndToEndIT.newSiteDomain("spa");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = server.http()
          .login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
      http.createSite(site, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(http, site);

      // The scenario checks what the browser sent, too.
      scenario.run(Map.of("TRACKFLOW_URL", http.base().toString(), "TRACKFLOW_SITE", site),
          dataDir.resolve("spa-e2e.log"), Duration.ofMinutes(3));

      List<String> totals = List.of("visitors", "visits", "pageviews", "events");
      ShopScenario.awaitTotals(http, site, totals,
          Map.of("visitors", 1, "visits", 1, "pageviews", 3, "events", 6));

      assertThat(TrackflowHttp.breakdown(http.query(
          TrackflowHttp.stats(site, List.of("pageviews"), List.of("event:page")))))
          .as("one pageview per route").isEqualTo(Map.of("/", 1L, "/pricing", 1L, "/about", 1L));
      assertThat(TrackflowHttp.breakdown(http.query(
          TrackflowHttp.stats(site, List.of("events"), List.of("event:name")))))
          .as("events by name, engagement never among them")
          .isEqualTo(Map.of("pageview", 3L, "Signup", 1L, "Purchase", 1L, "Outbound Link: Click", 1L));
      assertThat(props(http, site, "Signup", "plan")).isEqualTo(Map.of("starter", 1L));
      assertThat(props(http, site, "Signup", "step")).isEqualTo(Map.of("1", 1L));
      assertThat(props(http, site, "Purchase", "plan")).isEqualTo(Map.of("pro", 1L));
      assertThat(props(http, site, "Purchase", "seats")).isEqualTo(Map.of("3", 1L));
      Map<String, Long> outbound = props(http, site, "Outbound Link: Click", "url");
      assertThat(outbound).hasSize(1);
      assertThat(outbound.keySet().iterator().next()).matches("http://localhost:\\d+/elsewhere");
      assertThat(outbound.values()).containsExactly(1L);
      // Custom events happen on the page they were fired on.
      JsonObject pages = TrackflowHttp.stats(site, List.of("events"), List.of("event:page"))
          .put("filters", new JsonArray().add(new JsonArray().add("is_not").add("event:name")
              .add(new JsonArray().add("pageview"))));
      assertThat(TrackflowHttp.breakdown(http.query(pages)))
          .isEqualTo(Map.of("/", 1L, "/pricing", 1L, "/about", 1L));
    }
  }

  private static Map<String, Long> props(TrackflowHttp http, String site, String name, String key) {
    JsonObject body = TrackflowHttp.stats(site, List.of("events"), List.of("event:props:" + key))
        .put("filters", new JsonArray().add(new JsonArray().add("is").add("event:name")
            .add(new JsonArray().add(name))));
    return TrackflowHttp.breakdown(http.query(body));
  }
}
