package io.trackflow.server;

import static io.trackflow.server.Traffic.Channel.BEACON_JSON;
import static io.trackflow.server.Traffic.Channel.BEACON_TEXT;
import static io.trackflow.server.Traffic.custom;
import static io.trackflow.server.Traffic.engagement;
import static io.trackflow.server.Traffic.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.server.Traffic.Ev;
import io.trackflow.server.Traffic.Visitor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The end-to-end scenario both deployments run: a small shop site visited by eight people (three
 * from addresses the country database places in the US, Germany and Japan) through
 * the pixel and both beacon encodings (short and Plausible field names), from search engines,
 * newsletters and links, with custom events and props, engagement pings, retries and double loads
 * that must not count twice, and bots that must not count at all; then every number the dashboard
 * shows for it, each compared with what {@link Traffic} computes from the hits alone.
 */
final class ShopScenario {

  private static final AtomicInteger POLLS = new AtomicInteger();

  private ShopScenario() {}

  /** Sends the scenario's hits to {@code site} (which must exist) and returns the record. */
  static Traffic send(TrackflowHttp http, String site) {
    Traffic t = new Traffic(http, site);
    String self = "https://" + site;

    Visitor ana = t.visitor("8.8.8.8", "US", Traffic.CHROME_WINDOWS);
    t.beacon(BEACON_JSON, ana,
        pageview("/").from("https://www.google.com/search?q=trackflow", "Google").id("ana-1"),
        pageview("/pricing").from(self + "/", Traffic.DIRECT).id("ana-2"),
        custom("Signup", "/pricing").prop("plan", "pro").id("ana-3"),
        engagement("/pricing", 80, 12_000).id("ana-4"));

    Visitor ben = t.visitor("10.0.0.11", Traffic.FIREFOX_LINUX);
    t.pixel(ben, pageview("/blog/hello").from("https://news.ycombinator.com/item?id=42", "Hacker News"));
    Ev benHome = pageview("/").from(self + "/blog/hello", Traffic.DIRECT);
    t.pixel(ben, benHome);
    t.pixel(ben, benHome); // the same image loaded twice within one second: one pageview

    Visitor cleo = t.visitor("194.25.2.129", "DE", Traffic.SAFARI_IPHONE);
    Ev cleoSignup = custom("Signup", "/pricing").prop("plan", "starter").prop("seats", "1").id("cleo-3");
    t.beacon(BEACON_TEXT, cleo,
        pageview("/").tagged("utm_source=newsletter&utm_medium=email&utm_campaign=launch", "newsletter")
            .id("cleo-1"),
        pageview("/pricing").id("cleo-2"),
        cleoSignup);
    t.beacon(BEACON_TEXT, cleo, cleoSignup); // a repeated id: counted once

    Visitor dan = t.visitor("10.0.0.13", Traffic.SAFARI_MAC);
    t.beacon(BEACON_JSON, dan,
        pageview("/docs").from("https://github.com/trackflow/trackflow", "GitHub").plausibleNames(),
        custom("Download", "/docs").prop("file", "report.pdf").plausibleNames(),
        engagement("/docs", 55, 30_000));

    Visitor eve = t.visitor("10.0.0.14", Traffic.EDGE_WINDOWS);
    t.pixel(eve, pageview("/"));
    t.pixel(eve, custom("Signup", "/").prop("plan", "pro"));

    Visitor finn = t.visitor("133.11.0.1", "JP", Traffic.CHROME_ANDROID);
    Ev[] finnBatch = {
        pageview("/blog/hello").from("https://blog.example.org/post/1", "blog.example.org").id("finn-1"),
        custom("Video Play", "/blog/hello").nonInteractive().id("finn-2")};
    t.beacon(BEACON_TEXT, finn, finnBatch);
    t.beacon(BEACON_TEXT, finn, finnBatch); // the tracker's retry after a lost answer

    Visitor gus = t.visitor("10.0.0.16", Traffic.SAFARI_IPAD);
    t.beacon(BEACON_JSON, gus,
        pageview("/pricing").tagged("utm_source=google&utm_medium=cpc", "Google").id("gus-1"),
        custom("Outbound Link: Click", "/pricing").prop("url", "https://github.com/trackflow").id("gus-2"));

    // Same browser as ana from another address: another visitor.
    Visitor hal = t.visitor("10.0.0.17", Traffic.CHROME_WINDOWS);
    t.beacon(BEACON_JSON, hal, pageview("/"));

    Visitor googlebot = t.visitor("10.0.0.18", Traffic.GOOGLEBOT);
    t.pixel(googlebot, pageview("/"));
    t.beacon(BEACON_JSON, googlebot, pageview("/pricing"), pageview("/docs"));
    Visitor bingbot = t.visitor("10.0.0.19", Traffic.BINGBOT);
    t.beacon(BEACON_TEXT, bingbot, pageview("/"));
    return t;
  }

  /** Waits until the stats API has every counted event of {@code t}, then checks every number. */
  static void assertStats(TrackflowHttp http, Traffic t) {
    // A writer stores a batch's events before the sessions they changed, so bounce rate and
    // duration are awaited too: counts alone can be read between the two inserts.
    List<String> totals = List.of("visitors", "visits", "pageviews", "events", "bounce_rate", "visit_duration");
    Map<String, Number> expectedTotals = Map.of("visitors", t.visitors(), "visits", t.visits(),
        "pageviews", t.pageviews(), "events", t.events(), "bounce_rate", t.bounceRate(),
        "visit_duration", t.visitDuration());
    awaitTotals(http, t.site(), totals, expectedTotals);

    JsonObject aggregate = http.query(TrackflowHttp.stats(t.site(),
        List.of("visitors", "visits", "pageviews", "events", "bounce_rate", "visit_duration"), List.of()));
    Map<String, Number> values = TrackflowHttp.totals(aggregate,
        List.of("visitors", "visits", "pageviews", "events", "bounce_rate", "visit_duration"));
    assertThat(longs(values)).as("aggregate of %s", aggregate.encode()).isEqualTo(Map.of(
        "visitors", t.visitors(), "visits", t.visits(), "pageviews", t.pageviews(),
        "events", t.events(), "bounce_rate", t.bounceRate(), "visit_duration", t.visitDuration()));

    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("pageviews"), List.of("event:page"))))))
        .as("top pages by pageviews").isEqualTo(t.pageviewsByPage());
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("event:page"))))))
        .as("top pages by visitors").isEqualTo(t.visitorsByPage());
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("visit:source"))))))
        .as("sources").isEqualTo(t.visitorsBySource());
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visits"), List.of("visit:entry_page"))))))
        .as("entry pages").isEqualTo(t.visitsByEntryPage());

    Map<String, Long> names = sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("events"), List.of("event:name")))));
    assertThat(names).as("events by name (engagement pings never count)")
        .isEqualTo(t.eventsByName()).doesNotContainKey("engagement");
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("event:name"))))))
        .as("visitors by event name").isEqualTo(t.visitorsByName());

    JsonObject plans = TrackflowHttp.stats(t.site(), List.of("events"), List.of("event:props:plan"))
        .put("filters", new JsonArray().add(new JsonArray().add("is").add("event:name")
            .add(new JsonArray().add("Signup"))));
    assertThat(sorted(TrackflowHttp.breakdown(http.query(plans))))
        .as("Signup events by plan").isEqualTo(t.eventsByProp("Signup", "plan"));
    JsonObject files = TrackflowHttp.stats(t.site(), List.of("events"), List.of("event:props:file"))
        .put("filters", new JsonArray().add(new JsonArray().add("is").add("event:name")
            .add(new JsonArray().add("Download"))));
    assertThat(sorted(TrackflowHttp.breakdown(http.query(files))))
        .as("Download events by file").isEqualTo(t.eventsByProp("Download", "file"));

    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("visit:browser"))))))
        .as("browsers").isEqualTo(t.visitorsByBrowser());
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("visit:device"))))))
        .as("devices").isEqualTo(t.visitorsByDevice());
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("visit:os"))))))
        .as("operating systems").isEqualTo(t.visitorsByOs());
    assertThat(sorted(TrackflowHttp.breakdown(http.query(
        TrackflowHttp.stats(t.site(), List.of("visitors"), List.of("visit:country"))))))
        .as("countries").isEqualTo(t.visitorsByCountry());

    // Realtime: everything above happened within the last few minutes.
    JsonObject realtime = Await.until("realtime to show the visit", () -> http.realtime(t.site()),
        r -> r.getLong("visitors") == t.visitors() && realtimePageviews(r) == t.pageviews());
    assertThat(realtime.getJsonArray("pageviews_per_minute")).hasSize(30);
  }

  /** Polls the {@link #uncachedTotals} until they equal {@code expected}. */
  static Map<String, Long> awaitTotals(TrackflowHttp http, String site, List<String> metrics,
      Map<String, Number> expected) {
    Map<String, Long> want = longs(expected);
    return Await.until("the stats API to report " + want + " for " + site,
        () -> uncachedTotals(http, site, metrics), want::equals);
  }

  /**
   * The totals as the store has them now: a filter that matches every event but makes the request
   * (and so its cache key) new, so a poll never sees the answer cached for "ranges that include now".
   */
  static Map<String, Long> uncachedTotals(TrackflowHttp http, String site, List<String> metrics) {
    JsonObject body = TrackflowHttp.stats(site, metrics, List.of())
        .put("filters", new JsonArray().add(new JsonArray().add("is_not").add("event:page")
            .add(new JsonArray().add("/__poll/" + POLLS.incrementAndGet()))));
    return longs(TrackflowHttp.totals(http.query(body), metrics));
  }

  static long realtimePageviews(JsonObject realtime) {
    return realtime.getJsonArray("pageviews_per_minute").stream()
        .mapToLong(m -> ((JsonObject) m).getLong("pageviews")).sum();
  }

  private static Map<String, Long> longs(Map<String, Number> values) {
    Map<String, Long> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, v.longValue()));
    return out;
  }

  private static Map<String, Long> sorted(Map<String, Long> values) {
    return new TreeMap<>(values);
  }
}
