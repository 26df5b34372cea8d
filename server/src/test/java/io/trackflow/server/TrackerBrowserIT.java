package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
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
 * events for the site, each once. Then the dashboard shows them in the same browser, under the
 * security headers TrackFlow sends ({@code dashboard/e2e/csp.e2e.mjs}): the site's dashboard and
 * its share link render with no CSP violation or console error, the share link also inside an
 * iframe of another site, where the dashboard itself is refused.
 */
class TrackerBrowserIT {

  private static final Path TRACKER = Path.of("..", "tracker").toAbsolutePath().normalize();
  private static final Path SCRIPT = TRACKER.resolve("e2e/spa.e2e.mjs");
  private static final Path DASHBOARD = Path.of("..", "dashboard").toAbsolutePath().normalize();
  private static final Path CSP_SCRIPT = DASHBOARD.resolve("e2e/csp.e2e.mjs");

  @TempDir Path dataDir;

  @Test
  @DisplayName("Three SPA routes, two custom events with props and an outbound click in headless Chromium are reported by the stats API exactly once each, engagement not counted, and the dashboard and its share link show them under TrackFlow's CSP without a violation")
  void browserSessionIsCountedExactlyOnce() throws Exception {
    Path chromium = BrowserScenario.chromium();
    assertThat(SCRIPT).as("the tracker's browser scenario").exists();
    for (Path module : List.of(TRACKER, DASHBOARD)) {
      assertThat(module.resolve("node_modules/playwright-core"))
          .as("playwright-core in %s/node_modules: the module's Maven build runs 'npm ci' (build "
              + "with -am), or run 'npm ci' there", module)
          .isDirectory();
    }

    String site = StandaloneEndToEndIT.newSiteDomain("spa");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = StandaloneEndToEndIT.adminWithSite(server.http(), site);

      runNode("spa-e2e", TRACKER, SCRIPT, Map.of("TRACKFLOW_URL", http.base().toString(),
          "TRACKFLOW_SITE", site, "CHROMIUM_PATH", chromium.toString()));

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

      HttpResponse<String> share = http.post("/api/sites/" + site + "/shares", "application/json",
          new JsonObject().put("label", "browser test").encode(), http.authorization());
      assertThat(share.statusCode()).as("share link: %s", share.body()).isEqualTo(201);
      runNode("csp-e2e", DASHBOARD, CSP_SCRIPT, Map.of("TRACKFLOW_URL", http.base().toString(),
          "TRACKFLOW_SITE", site, "TRACKFLOW_EMAIL", StandaloneEndToEndIT.ADMIN_EMAIL,
          "TRACKFLOW_PASSWORD", StandaloneEndToEndIT.ADMIN_PASSWORD,
          "TRACKFLOW_SHARE_PATH", new JsonObject(share.body()).getString("path"),
          "CHROMIUM_PATH", chromium.toString()));
    }
  }

  private static Map<String, Long> props(TrackflowHttp http, String site, String name, String key) {
    JsonObject body = TrackflowHttp.stats(site, List.of("events"), List.of("event:props:" + key))
        .put("filters", new JsonArray().add(new JsonArray().add("is").add("event:name")
            .add(new JsonArray().add(name))));
    return TrackflowHttp.breakdown(http.query(body));
  }

  private void runNode(String name, Path module, Path script, Map<String, String> env)
      throws IOException, InterruptedException {
    BrowserScenario.run(module, script, env, dataDir.resolve(name + ".log"), Duration.ofMinutes(3));
  }
}
