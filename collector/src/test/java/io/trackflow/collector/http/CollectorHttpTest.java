package io.trackflow.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.Await;
import io.trackflow.collector.TestEnrichers;
import io.trackflow.collector.http.CollectorServer.RecordingPublisher;
import io.trackflow.core.config.Setting;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.session.local.InMemorySaltStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The collector's endpoints over real HTTP, with in-memory adapters and a recording queue. */
class CollectorHttpTest {

  static final String FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
  static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
  static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

  private static RecordingPublisher queue;
  private static CollectorServer server;
  private static WebClient client;
  private static TestDedup dedup;

  /** The in-memory deduplicator with a switch to report itself unhealthy. */
  static final class TestDedup implements Deduplicator {
    final InMemoryDeduplicator delegate = new InMemoryDeduplicator(Clock.systemUTC(), 3_600_000, 100_000);
    volatile boolean healthy = true;

    @Override
    public io.vertx.core.Future<List<Boolean>> firstSeen(List<String> keys) {
      return delegate.firstSeen(keys);
    }

    @Override
    public io.vertx.core.Future<Void> forget(List<String> keys) {
      return delegate.forget(keys);
    }

    @Override
    public boolean healthy() {
      return healthy;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    queue = new RecordingPublisher();
    dedup = new TestDedup();
    server = new CollectorServer(TestEnrichers.get(), queue, dedup,
        new InMemorySaltStore(),
        Map.of(Setting.TRUSTED_PROXIES, "127.0.0.1", Setting.COLLECTOR_MAX_BODY_BYTES, "65536"));
    client = WebClient.create(server.vertx, new WebClientOptions().setDefaultPort(server.port)
        .setDefaultHost("127.0.0.1").setDecompressionSupported(false));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @BeforeEach
  void reset() {
    queue.down = false;
    queue.events.clear();
    dedup.healthy = true;
  }

  private static HttpResponse<Buffer> post(Object body, String contentType, String ua, String ip) throws Exception {
    var req = client.post("/api/event").putHeader("User-Agent", ua).putHeader("X-Forwarded-For", ip);
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    return CollectorServer.await(req.sendBuffer(Buffer.buffer(body.toString())));
  }

  private static HttpResponse<Buffer> post(Object body) throws Exception {
    return post(body, "application/json", FIREFOX, "198.51.100.10");
  }

  private static HttpResponse<Buffer> pixel(String query, String ua, String referer) throws Exception {
    var req = client.get("/i?" + query).putHeader("User-Agent", ua).putHeader("X-Forwarded-For", "8.8.8.8");
    if (referer != null) {
      req.putHeader("Referer", referer);
    }
    return CollectorServer.await(req.send());
  }

  private static JsonObject event(String id) {
    JsonObject o = new JsonObject().put("n", "pageview").put("u", "https://example.com/docs").put("d", "example.com");
    return id == null ? o : o.put("id", id);
  }

  private static void assertGif(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("image/gif");
    assertThat(r.getHeader("Cache-Control")).contains("no-store");
    assertThat(r.body().length()).isEqualTo(43);
    assertThat(r.body().getString(0, 6)).isEqualTo("GIF89a");
  }

  @Test
  @DisplayName("The pixel answers the 43-byte GIF and publishes the hit, taking the page URL from the Referer header")
  void pixelPublishes() throws Exception {
    HttpResponse<Buffer> r = pixel("d=example.com&w=390&r=https%3A%2F%2Fduckduckgo.com%2F", SAFARI,
        "https://example.com/no-js/page?utm_campaign=launch");
    assertGif(r);
    assertThat(Await.until(() -> queue.events.size() == 1, Duration.ofSeconds(10))).isTrue();
    Event e = queue.events.get(0);
    assertThat(e.pathname()).isEqualTo("/no-js/page");
    assertThat(e.utmCampaign()).isEqualTo("launch");
    assertThat(e.referrerSource()).isEqualTo("DuckDuckGo");
    assertThat(e.browser()).isEqualTo("Safari");
    assertThat(e.country()).isEqualTo("US");
    assertThat(e.screenSize()).isEqualTo("Mobile");
  }

  @Test
  @DisplayName("The pixel still answers the GIF for rejected hits (unknown site, no domain, bot, broken query), counting each")
  void pixelAlwaysAnswers() throws Exception {
    double unknown = server.counter("trackflow.collector.hits.rejected", "reason", "unknown_site");
    double missing = server.counter("trackflow.collector.hits.rejected", "reason", "missing_domain");
    double malformed = server.counter("trackflow.collector.hits.rejected", "reason", "malformed_query");
    double bots = server.counter("trackflow.collector.hits.bot");
    assertGif(pixel("d=nope.example&u=https://nope.example/", FIREFOX, null));
    assertGif(pixel("u=https://example.com/", FIREFOX, null));
    assertGif(pixel("d=example.com&u=https://example.com/", GOOGLEBOT, null));
    assertGif(pixel("d=example.com&u=%zz", FIREFOX, null));
    // The GIF goes out before the hit is looked at: wait for each verdict to be counted.
    awaitCounter(unknown + 1, "trackflow.collector.hits.rejected", "reason", "unknown_site");
    awaitCounter(missing + 1, "trackflow.collector.hits.rejected", "reason", "missing_domain");
    awaitCounter(malformed + 1, "trackflow.collector.hits.rejected", "reason", "malformed_query");
    awaitCounter(bots + 1, "trackflow.collector.hits.bot");
    // A valid hit sent after those verdicts reaches the queue alone: a rejected hit passed on
    // anyway would have been submitted before it, so it would be there first or with it.
    assertGif(pixel("d=example.com&u=https://example.com/after-rejections", FIREFOX, null));
    assertThat(Await.until(() -> !queue.events.isEmpty(), Duration.ofSeconds(10))).isTrue();
    assertThat(queue.events).extracting(Event::pathname).containsExactly("/after-rejections");
  }

  private static void awaitCounter(double expected, String name, String... tags) {
    assertThat(Await.until(() -> server.counter(name, tags) == expected, Duration.ofSeconds(10)))
        .as("%s %s reaches %s (is %s)", name, String.join("=", tags), expected, server.counter(name, tags))
        .isTrue();
  }

  @Test
  @DisplayName("When the queue refuses a pixel's hit afterwards the GIF was already sent and the hit is counted as lost")
  void pixelLostCounted() throws Exception {
    queue.down = true;
    double lost = server.counter("trackflow.collector.hits.lost");
    assertGif(pixel("d=example.com&u=https://example.com/lost", FIREFOX, null));
    assertThat(Await.until(() -> server.counter("trackflow.collector.hits.lost") == lost + 1, Duration.ofSeconds(10))).isTrue();
  }

  @Test
  @DisplayName("A beacon with one event answers 202 with a summary once the queue holds it")
  void beaconSingle() throws Exception {
    HttpResponse<Buffer> r = post(event(null));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0).put("rejected", new JsonArray()));
    assertThat(queue.events).hasSize(1);
  }

  @Test
  @DisplayName("A text/plain array (what sendBeacon sends) is accepted in part: valid events published, invalid ones listed by index and reason")
  void beaconBatchPartial() throws Exception {
    JsonArray batch = new JsonArray().add(event("p1")).add(new JsonObject().put("d", "example.com")).add(event("p3")).add("nonsense");
    HttpResponse<Buffer> r = post(batch, "text/plain;charset=UTF-8", FIREFOX, "198.51.100.11");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getInteger("accepted")).isEqualTo(2);
    assertThat(body.getJsonArray("rejected").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(body.getJsonArray("rejected").getJsonObject(0).getString("reason")).isEqualTo("missing_url");
    assertThat(body.getJsonArray("rejected").getJsonObject(1).getString("reason")).isEqualTo("not_an_object");
    assertThat(queue.events).hasSize(2);
  }

  @Test
  @DisplayName("A repeated event id is a duplicate: answered 202 but published once")
  void duplicates() throws Exception {
    assertThat(post(event("dup-1")).bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    JsonObject second = post(new JsonArray().add(event("dup-1")).add(event("dup-2")).add(event("dup-2"))).bodyAsJsonObject();
    assertThat(second.getInteger("accepted")).isEqualTo(1);
    assertThat(second.getInteger("duplicates")).isEqualTo(2);
    assertThat(queue.events).hasSize(2);
  }

  @Test
  @DisplayName("Events of one visitor share a visitor id, another visitor gets another; sessions are left to the writer")
  void visitorsWithoutSessions() throws Exception {
    post(event("s1"), "application/json", FIREFOX, "198.51.100.20");
    post(event("s2"), "application/json", FIREFOX, "198.51.100.20");
    post(event("s3"), "application/json", FIREFOX, "198.51.100.21");
    assertThat(queue.events).hasSize(3);
    assertThat(queue.events.get(0).visitorId()).isEqualTo(queue.events.get(1).visitorId());
    assertThat(queue.events.get(2).visitorId()).isNotEqualTo(queue.events.get(0).visitorId());
    assertThat(queue.events).allSatisfy(e -> {
      assertThat(e.sessionId()).isZero();
      assertThat(e.session()).isEqualTo(SessionTotals.NONE);
    });
  }

  @Test
  @DisplayName("Malformed bodies get a 4xx that names the problem: bad JSON, wrong shape, empty or oversized batch, wrong content type")
  void requestLevelErrors() throws Exception {
    assertError(post("{\"n\":", "application/json", FIREFOX, "1.1.1.1"), 400, "malformed_json");
    assertError(post("42", "application/json", FIREFOX, "1.1.1.1"), 400, "invalid_body");
    assertError(post("", "application/json", FIREFOX, "1.1.1.1"), 400, "invalid_body");
    assertError(post(new JsonArray(), "application/json", FIREFOX, "1.1.1.1"), 400, "empty_batch");
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(event("m" + i));
    }
    assertError(post(tooMany, "application/json", FIREFOX, "1.1.1.1"), 400, "batch_too_large");
    assertError(post(event(null), "application/xml", FIREFOX, "1.1.1.1"), 415, "unsupported_content_type");
    assertThat(queue.events).isEmpty();
  }

  @Test
  @DisplayName("A body over the size limit gets 413 and is counted as body_too_large")
  void oversizedBody() throws Exception {
    double before = server.counter("trackflow.collector.hits.rejected", "reason", "body_too_large");
    String big = new JsonObject().put("d", "example.com").put("u", "https://example.com/").put("pad", "x".repeat(70_000)).encode();
    assertError(post(big, "application/json", FIREFOX, "1.1.1.1"), 413, "body_too_large");
    assertThat(server.counter("trackflow.collector.hits.rejected", "reason", "body_too_large")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("A single event for an unknown site gets 404; a batch rejected for different reasons gets 400 listing each")
  void allRejected() throws Exception {
    HttpResponse<Buffer> unknown = post(event(null).put("d", "unknown.example"));
    assertError(unknown, 404, "unknown_site");
    assertThat(unknown.bodyAsJsonObject().getString("message")).contains("registered");
    HttpResponse<Buffer> mixed = post(new JsonArray().add(event(null).put("d", "unknown.example")).add(event(null).put("u", "nope")));
    assertError(mixed, 400, "invalid_events");
    assertThat(mixed.bodyAsJsonObject().getJsonObject("details").getJsonArray("rejected")).hasSize(2);
    HttpResponse<Buffer> invalid = post(event(null).put("w", "wide"));
    assertError(invalid, 400, "invalid_screen_width");
    assertThat(invalid.bodyAsJsonObject().getString("message")).contains("screen_width");
  }

  @Test
  @DisplayName("Revenue is published exactly to the millionth from a JSON string amount; a broken one is a 400 invalid_revenue, counted, never a 5xx")
  void revenue() throws Exception {
    HttpResponse<Buffer> paid = post(event("rev-1").put("n", "Purchase")
        .put("$", new JsonObject().put("amount", "123456789012.345678").put("currency", "chf")));
    assertThat(paid.statusCode()).isEqualTo(202);
    assertThat(queue.events).singleElement().satisfies(e -> {
      assertThat(e.revenueMicros()).isEqualTo(123_456_789_012_345_678L);
      assertThat(e.revenueCurrency()).isEqualTo("CHF");
    });
    double before = server.counter("trackflow.collector.hits.rejected", "reason", "invalid_revenue");
    for (Object amount : List.of("1e2147483648", "NaN", "0x10", 1e300)) {
      HttpResponse<Buffer> broken = post(event(null).put("n", "Purchase")
          .put("revenue", new JsonObject().put("amount", amount).put("currency", "EUR")));
      assertError(broken, 400, "invalid_revenue");
    }
    assertThat(server.counter("trackflow.collector.hits.rejected", "reason", "invalid_revenue")).isEqualTo(before + 4);
    assertThat(queue.events).hasSize(1);
  }

  @Test
  @DisplayName("Bot traffic is answered 202 (nothing to retry) with the drop listed, and never published")
  void botsAnswered202() throws Exception {
    HttpResponse<Buffer> r = post(event("bot-1"), "application/json", GOOGLEBOT, "66.249.66.1");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.bodyAsJsonObject().getInteger("accepted")).isZero();
    assertThat(r.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getString("reason")).isEqualTo("bot");
    assertThat(queue.events).isEmpty();
  }

  private static HttpResponse<Buffer> postWithHeader(JsonObject event, String header, String value) throws Exception {
    var req = client.post("/api/event").putHeader("User-Agent", FIREFOX).putHeader("X-Forwarded-For", "198.51.100.20")
        .putHeader("Content-Type", "application/json");
    if (header != null) {
      req.putHeader(header, value);
    }
    return CollectorServer.await(req.sendBuffer(event.toBuffer()));
  }

  private static JsonObject privateEvent(String path) {
    return new JsonObject().put("n", "pageview").put("u", "https://private.example" + path).put("d", "private.example");
  }

  @Test
  @DisplayName("DNT: 1 and Sec-GPC: 1 drop beacon and pixel hits, counted as privacy signals, only for a site that honours them")
  void privacySignalsHonouredWhereTheSiteOptsIn() throws Exception {
    double privacy = server.counter("trackflow.collector.hits.privacy");
    HttpResponse<Buffer> dnt = postWithHeader(privateEvent("/dnt"), "DNT", "1");
    assertThat(dnt.statusCode()).isEqualTo(202);
    assertThat(dnt.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getString("reason"))
        .isEqualTo("privacy_signal");
    assertThat(postWithHeader(privateEvent("/gpc"), "Sec-GPC", "1").statusCode()).isEqualTo(202);
    var pixel = client.get("/i?d=private.example&u=https://private.example/pixel-gpc").putHeader("User-Agent", FIREFOX)
        .putHeader("X-Forwarded-For", "8.8.8.8").putHeader("Sec-GPC", "1");
    assertGif(CollectorServer.await(pixel.send()));
    awaitCounter(privacy + 3, "trackflow.collector.hits.privacy");

    // Without a signal (or with DNT: 0) the opted-in site counts the hit; other sites ignore signals.
    assertThat(postWithHeader(privateEvent("/no-signal"), null, null).statusCode()).isEqualTo(202);
    assertThat(postWithHeader(privateEvent("/dnt-zero"), "DNT", "0").statusCode()).isEqualTo(202);
    assertThat(postWithHeader(event(null).put("u", "https://example.com/other-site"), "DNT", "1").statusCode())
        .isEqualTo(202);
    assertThat(Await.until(() -> queue.events.size() == 3, Duration.ofSeconds(10))).isTrue();
    assertThat(queue.events).extracting(Event::pathname).containsExactlyInAnyOrder("/no-signal", "/dnt-zero", "/other-site");
    assertThat(server.counter("trackflow.collector.hits.privacy")).isEqualTo(privacy + 3);
    assertThat(server.counter("trackflow.collector.hits.rejected", "reason", "privacy_signal")).isZero();
  }

  @Test
  @DisplayName("When the queue cannot take events the beacon gets 503 with Retry-After, and the retry is accepted, not taken for a duplicate")
  void queueDownThenRetry() throws Exception {
    queue.down = true;
    double errors = server.counter("trackflow.collector.queue.errors");
    HttpResponse<Buffer> r = post(event("retry-1"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.getHeader("Retry-After")).isEqualTo("5");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("queue_unavailable");
    assertThat(server.counter("trackflow.collector.queue.errors")).isEqualTo(errors + 1);
    queue.down = false;
    HttpResponse<Buffer> retry = post(event("retry-1"));
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    assertThat(queue.events).hasSize(1);
  }

  @Test
  @DisplayName("CORS: any origin may post, the preflight is answered, and credentials are never allowed")
  void cors() throws Exception {
    HttpResponse<Buffer> preflight = CollectorServer.await(client.request(io.vertx.core.http.HttpMethod.OPTIONS, "/api/event")
        .putHeader("Origin", "https://blog.example").putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "content-type").send());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(preflight.getHeader("Access-Control-Allow-Methods")).contains("POST");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers")).isEqualTo("content-type");
    assertThat(preflight.getHeader("Access-Control-Allow-Credentials")).isNull();
    HttpResponse<Buffer> r = CollectorServer.await(client.post("/api/event").putHeader("Origin", "https://blog.example")
        .putHeader("Content-Type", "text/plain").putHeader("User-Agent", FIREFOX).sendBuffer(Buffer.buffer(event("c1").encode())));
    assertThat(r.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(r.getHeader("Access-Control-Allow-Credentials")).isNull();
    assertThat(r.cookies()).isEmpty();
  }

  @Test
  @DisplayName("Metrics are exported with the documented names: received by endpoint, accepted, duplicate, rejected by reason, publish latency")
  void metricsScrape() throws Exception {
    post(event("metric-1"));
    post(event("metric-1"));
    String scrape = CollectorServer.await(client.get("/metrics").send()).bodyAsString();
    assertThat(scrape).contains("trackflow_collector_hits_received_total{endpoint=\"beacon\"}");
    assertThat(scrape).contains("trackflow_collector_hits_received_total{endpoint=\"pixel\"}");
    assertThat(scrape).contains("trackflow_collector_hits_accepted_total");
    assertThat(scrape).contains("trackflow_collector_hits_duplicate_total");
    assertThat(scrape).contains("trackflow_collector_hits_bot_total");
    assertThat(scrape).contains("trackflow_collector_hits_lost_total");
    assertThat(scrape).contains("trackflow_collector_hits_rejected_total{reason=\"url_too_long\"}");
    assertThat(scrape).contains("trackflow_collector_publish_latency_seconds_count");
    assertThat(scrape).contains("trackflow_collector_queue_errors_total");
  }

  @Test
  @DisplayName("With the deduplicator on its fallback the collector stays ready and reports dedup as DEGRADED")
  void degradedButReady() throws Exception {
    dedup.healthy = false;
    HttpResponse<Buffer> r = CollectorServer.await(client.get("/health/ready").send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(r.bodyAsJsonObject().getJsonObject("checks").getString("dedup")).isEqualTo("DEGRADED");
    dedup.healthy = true;
    JsonObject healthy = CollectorServer.await(client.get("/health/ready").send()).bodyAsJsonObject();
    assertThat(healthy.getJsonObject("checks").getString("dedup")).isEqualTo("UP");
    assertThat(healthy.containsKey("degraded")).isFalse();
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
    assertThat(r.bodyAsJsonObject().getString("message")).isNotBlank();
  }
}
