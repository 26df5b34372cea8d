package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * The tracker in a real browser against a real TrackFlow: Debian's headless Chromium loads a
 * single-page app with the tracker served by a standalone TrackFlow, walks three routes, fires two
 * custom events and an outbound click and closes the tab ({@code tracker/e2e/spa.e2e.mjs}, which
 * also checks what the browser sent); then the stats API must report exactly those pageviews and
 * events for the site, each once.
 */
class TrackerBrowserIT {

  private static final Path TRACKER = Path.of("..", "tracker").toAbsolutePath().normalize();
  private static final Path SCRIPT = TRACKER.resolve("e2e/spa.e2e.mjs");

  @TempDir Path dataDir;

  @Test
  @DisplayName("Three SPA routes, two custom events with props and an outbound click in headless Chromium are reported by the stats API exactly once each, engagement not counted")
  void browserSessionIsCountedExactlyOnce() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium))
        .as("the tracker's browser test needs Chromium at %s: install the Debian package 'chromium' "
            + "(apt-get install chromium), as .ci/run does", chromium)
        .isTrue();
    assertThat(SCRIPT).as("the tracker's browser scenario").exists();
    assertThat(TRACKER.resolve("node_modules/playwright-core"))
        .as("playwright-core in the tracker's node_modules: the tracker module's Maven build runs "
            + "'npm ci' (build with -am), or run 'npm ci' in %s", TRACKER)
        .isDirectory();

    String site = StandaloneEndToEndIT.newSiteDomain("spa");
    try (RunningServer server = RunningServer.start(StandaloneEndToEndIT.standalone(dataDir))) {
      TrackflowHttp http = StandaloneEndToEndIT.adminWithSite(server.http(), site);

      runBrowserScenario(chromium, http.base().toString(), site);

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

  /** Runs the scenario with the machine's Node; its own checks of what was sent must pass too. */
  private void runBrowserScenario(Path chromium, String trackflowUrl, String site)
      throws IOException, InterruptedException {
    Path log = dataDir.resolve("spa-e2e.log");
    ProcessBuilder builder = new ProcessBuilder("node", SCRIPT.toString())
        .directory(TRACKER.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("TRACKFLOW_URL", trackflowUrl);
    builder.environment().put("TRACKFLOW_SITE", site);
    builder.environment().put("CHROMIUM_PATH", chromium.toString());
    Process node;
    try {
      node = builder.start();
    } catch (IOException e) {
      throw new AssertionError("the browser test runs the tracker's scenario with Node (>= 20): "
          + "install the Debian package 'nodejs'", e);
    }
    if (!node.waitFor(3, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      fail("the browser scenario did not finish:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(node.exitValue()).as("browser scenario exit code; its output:\n%s", output).isZero();
    System.out.print(output);
  }
}
