package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.Channel.BEACON_TEXT;
import static io.trackflow.server.Traffic.custom;
import static io.trackflow.server.Traffic.engagement;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.server.Traffic.Visitor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone TrackFlow restarted in the middle of its visitors' visits (an upgrade, a crash
 * recovery): the daily salts and the open sessions survive in the data directory, so a visit
 * that spans the restart is one visitor and one visit, with the numbers a visit without restart
 * would have.
 */
class StandaloneRestartIT {

  @TempDir Path dataDir;

  @Test
  @DisplayName("Three visitors who view a page before a standalone restart and another after it (same data directory, within the half hour) are 3 visitors and 3 visits with 0% bounce, their entry pages before, exit pages after, and their first sources")
  void visitsSpanARestart() {
    Map<Setting, String> settings = StandaloneEndToEndIT.standalone(dataDir);
    String site = StandaloneEndToEndIT.newSiteDomain("restart");
    Traffic traffic;
    Visitor ana;
    Visitor ben;
    Visitor cleo;
    try (RunningServer first = RunningServer.start(settings)) {
      TrackflowHttp http = StandaloneEndToEndIT.adminWithSite(first.http(), site);
      traffic = new Traffic(http, site);
      ana = traffic.visitor("8.8.8.8", "US", Traffic.CHROME_WINDOWS);
      ben = traffic.visitor("10.3.0.2", Traffic.FIREFOX_LINUX);
      cleo = traffic.visitor("10.3.0.3", Traffic.SAFARI_IPHONE);
      traffic.beacon(BEACON_JSON, ana, pageview("/").from("https://www.google.com/search?q=shop", "Google"));
      traffic.pixel(ben, pageview("/blog").tagged("utm_source=newsletter&utm_medium=email", "newsletter"));
      traffic.beacon(BEACON_TEXT, cleo, pageview("/pricing"), engagement("/pricing", 40, 5_000));
      // Stored before the stop: three one-page visits so far.
      ShopScenario.awaitTotals(http, site, List.of("visitors", "visits", "pageviews", "bounce_rate"),
          Map.of("visitors", 3, "visits", 3, "pageviews", 3, "bounce_rate", 100));
    }

    try (RunningServer second = RunningServer.start(settings)) {
      TrackflowHttp http = second.http().login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
      traffic.sendThrough(http);
      traffic.beacon(BEACON_JSON, ana, pageview("/pricing").from("https://" + site + "/", Traffic.DIRECT));
      traffic.pixel(ben, pageview("/"));
      traffic.beacon(BEACON_JSON, cleo, custom("Signup", "/pricing").prop("plan", "pro"));

      ShopScenario.assertStats(http, traffic);
      // The same numbers, spelled out: one visit each, none bounced; ana and ben one second,
      // cleo two (the ping between her events counts nothing): 4 s / 3 visits, rounded.
      List<String> metrics = List.of("visitors", "visits", "pageviews", "bounce_rate", "visit_duration", "views_per_visit");
      Map<String, Number> totals = TrackflowHttp.totals(http.query(TrackflowHttp.stats(site, metrics, List.of())), metrics);
      assertThat(totals.get("visitors").longValue()).as("visitors").isEqualTo(3);
      assertThat(totals.get("visits").longValue()).as("visits").isEqualTo(3);
      assertThat(totals.get("pageviews").longValue()).as("pageviews").isEqualTo(5);
      assertThat(totals.get("bounce_rate").longValue()).as("bounce rate").isZero();
      assertThat(totals.get("visit_duration").longValue()).as("visit duration").isEqualTo(1);
      assertThat(totals.get("views_per_visit").doubleValue()).as("views per visit").isEqualTo(1.67);
      assertThat(TrackflowHttp.breakdown(http.query(TrackflowHttp.stats(site, List.of("visits"), List.of("visit:entry_page")))))
          .isEqualTo(traffic.visitsByEntryPage()).isEqualTo(Map.of("/", 1L, "/blog", 1L, "/pricing", 1L));
      assertThat(TrackflowHttp.breakdown(http.query(TrackflowHttp.stats(site, List.of("visits"), List.of("visit:exit_page")))))
          .isEqualTo(traffic.visitsByExitPage()).isEqualTo(Map.of("/", 1L, "/pricing", 2L));
      assertThat(TrackflowHttp.breakdown(http.query(TrackflowHttp.stats(site, List.of("visitors"), List.of("visit:source")))))
          .isEqualTo(Map.of("Google", 1L, "newsletter", 1L, Traffic.DIRECT, 1L));
    }
  }
}
