package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.server.Traffic.Visitor;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone TrackFlow as a user runs it (every role in one process, DuckDB files in the data
 * dir), driven only through its public HTTP API: hits in through the pixel and the beacon,
 * numbers out through the stats API, and a restart that must not lose anything it accepted.
 */
class StandaloneEndToEndIT {

  static final String ADMIN_EMAIL = "owner@shop.example";
  static final String ADMIN_PASSWORD = "a long and secret password";

  @TempDir Path dataDir;

  /** Standalone settings with the first admin and the test's loopback proxy trusted. */
  static Map<Setting, String> standalone(Path dataDir) {
    Map<Setting, String> settings = RunningServer.base(dataDir);
    settings.put(Setting.ADMIN_EMAIL, ADMIN_EMAIL);
    settings.put(Setting.ADMIN_PASSWORD, ADMIN_PASSWORD);
    // The tests play the reverse proxy: X-Forwarded-For gives each visitor its own address.
    settings.put(Setting.TRUSTED_PROXIES, "127.0.0.1");
    return settings;
  }

  static String newSiteDomain(String prefix) {
    return TestNames.unique(prefix).replace('_', '-') + ".example";
  }

  /**
   * Signs in as the standalone admin, adds {@code site} (in UTC) and waits until the collector
   * accepts its hits; the client that is returned stays signed in.
   */
  static TrackflowHttp adminWithSite(TrackflowHttp client, String site) {
    TrackflowHttp http = client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    http.createSite(site, "UTC");
    awaitSiteAccepted(http, site);
    return http;
  }

  /**
   * Waits until the collector accepts hits for {@code site}. The probe is an engagement ping: it
   * is stored but never counted as a pageview, event or visitor, so it leaves every number alone.
   */
  static void awaitSiteAccepted(TrackflowHttp http, String site) {
    JsonObject probe = new JsonObject().put("n", "engagement").put("u", "https://" + site + "/")
        .put("d", site).put("sd", 0).put("e", 0);
    Await.until("the collector to accept hits for " + site,
        () -> http.beacon(probe.encode(), "application/json",
            Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent(), "X-Forwarded-For", "10.2.0.250")),
        answer -> answer.statusCode() == 202);
  }

  @Test
  @DisplayName("Pixel and beacon hits sent to a standalone TrackFlow show up in the stats API as exactly the pageviews, visitors, events, pages, sources and props sent, and a restart loses none of them")
  void hitsInNumbersOutAndNothingLostOnRestart() {
    Map<Setting, String> settings = standalone(dataDir);
    String site = newSiteDomain("shop");
    String stopSite = newSiteDomain("stop");
    Traffic traffic;
    StopRace race;

    try (RunningServer server = RunningServer.start(settings)) {
      TrackflowHttp http = server.http().login(ADMIN_EMAIL, ADMIN_PASSWORD);
      http.createSite(site, "Europe/Berlin");
      http.createSite(stopSite, "UTC");
      awaitSiteAccepted(http, site);
      awaitSiteAccepted(http, stopSite);

      traffic = ShopScenario.send(http, site);
      assertBadInputIsRejected(http, site);
      ShopScenario.assertStats(http, traffic);

      assertSiteOwnerAndViewerAssets(http);

      // Right before a clean stop: every one of these was answered, so every one must survive.
      for (int i = 0; i < 30; i++) {
        Visitor late = traffic.visitor("10.2.0." + i, Traffic.SAFARI_MAC);
        traffic.beacon(BEACON_JSON, late, pageview("/late/" + i % 3));
      }
      for (int i = 30; i < 45; i++) {
        Visitor late = traffic.visitor("10.2.0." + i, Traffic.FIREFOX_LINUX);
        traffic.pixel(late, pageview("/late/pixel"));
      }
      // And during the stop, to another site: a visitor keeps sending.
      race = StopRace.start(http, stopSite);
      server.stop();
      race.finish();
    }

    try (RunningServer restarted = RunningServer.start(settings)) {
      TrackflowHttp http = restarted.http().login(ADMIN_EMAIL, ADMIN_PASSWORD);
      ShopScenario.assertStats(http, traffic);
      assertThat(TrackflowHttp.breakdown(http.query(TrackflowHttp.stats(site, List.of("pageviews"),
          List.of("event:page")))))
          .as("the hits sent right before the stop")
          .containsEntry("/late/0", 10L).containsEntry("/late/1", 10L).containsEntry("/late/2", 10L)
          .containsEntry("/late/pixel", 15L);

      race.assertNothingLost(http);
    }
  }

  /** What a site owner embeds and a dashboard viewer opens, from the same process. */
  private static void assertSiteOwnerAndViewerAssets(TrackflowHttp http) {
    HttpResponse<String> tracker = http.get("/tracker.js", Map.of());
    assertThat(tracker.statusCode()).isEqualTo(200);
    assertThat(tracker.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).contains("javascript"));
    assertThat(tracker.headers().firstValue("Cache-Control")).hasValueSatisfying(
        cache -> assertThat(cache).contains("max-age="));
    assertThat(tracker.body()).contains("/api/event");

    HttpResponse<String> dashboard = http.get("/", Map.of());
    assertThat(dashboard.statusCode()).isEqualTo(200);
    assertThat(dashboard.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/html"));
    assertThat(dashboard.body()).contains("<div id=\"root\">");
  }

  /** Bad input gets a 4xx saying what is wrong (the pixel still its GIF) and is never counted. */
  private static void assertBadInputIsRejected(TrackflowHttp http, String site) {
    Map<String, String> browser = Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent());
    String valid = new JsonObject().put("n", "pageview").put("u", "https://" + site + "/").put("d", site).encode();

    HttpResponse<String> unknownSite = http.beacon(
        new JsonObject().put("n", "pageview").put("u", "https://nowhere.example/").put("d", "nowhere.example").encode(),
        "application/json", browser);
    assertThat(unknownSite.statusCode()).as(unknownSite.body()).isEqualTo(404);
    assertThat(new JsonObject(unknownSite.body()).getString("code")).isEqualTo("unknown_site");

    HttpResponse<String> malformed = http.beacon("{\"n\": \"pageview\", ", "application/json", browser);
    assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
    assertThat(new JsonObject(malformed.body()).getString("message")).isNotBlank();

    HttpResponse<String> noUrl = http.beacon(new JsonObject().put("d", site).encode(), "text/plain", browser);
    assertThat(noUrl.statusCode()).as(noUrl.body()).isEqualTo(400);
    assertThat(new JsonObject(noUrl.body()).getString("code")).isEqualTo("missing_url");

    HttpResponse<String> wrongType = http.beacon(valid, "application/x-www-form-urlencoded", browser);
    assertThat(wrongType.statusCode()).as(wrongType.body()).isEqualTo(415);

    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(new JsonObject(valid));
    }
    HttpResponse<String> batch = http.beacon(tooMany.encode(), "application/json", browser);
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(400);

    // Just past the default body limit (256 KiB).
    String oversized = new JsonObject().put("n", "pageview").put("d", site)
        .put("u", "https://" + site + "/").put("p", new JsonObject().put("x", "x".repeat(270_000))).encode();
    HttpResponse<String> huge = http.beacon(oversized, "application/json", browser);
    assertThat(huge.statusCode()).as("oversized body").isEqualTo(413);

    // The pixel answers its GIF even for garbage; nothing is recorded.
    http.pixel(Map.of("d", site, "u", "not a url"), browser);
    http.pixel(Map.of("u", "https://" + site + "/"), browser);
  }
}
