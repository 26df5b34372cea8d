package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.query.account.Funnel;
import io.trackflow.query.account.Goal;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.auth.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The stats routes answer over HTTP: 400s that name the field, cached answers, 503 when the store fails")
class StatsRoutesTest {

  private static final Instant NOW = Instant.parse("2025-03-31T12:00:00Z");

  /** Records the time to live of every write, so the short/long choice can be checked. */
  private static final class RecordingCache implements QueryCache {
    final QueryCache delegate = new InMemoryQueryCache(Clock.systemUTC(), 100);
    final List<Duration> ttls = new ArrayList<>();

    @Override public Future<Buffer> get(String key) { return delegate.get(key); }
    @Override public synchronized Future<Void> put(String key, Buffer value, Duration ttl) {
      ttls.add(ttl);
      return delegate.put(key, value, ttl);
    }
    @Override public Future<Void> invalidatePrefix(String prefix) { return delegate.invalidatePrefix(prefix); }
  }

  private Vertx vertx;
  private DuckDbEventStore store;
  private DuckDbEventStore closedStore;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingCache cache = new RecordingCache();
  private WebClient client;
  private int port;
  private int brokenPort;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("trackflow-stats-routes");
    store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), registry);
    await(store.migrate());
    await(store.insert(EdgeCases.events(NOW)));
    closedStore = new DuckDbEventStore(vertx, dir.resolve("closed.duckdb"), registry);
    await(closedStore.migrate());
    await(closedStore.close());
    port = deploy(new StatsRoutes(new StatsService(store, cache, registry, Clock.fixed(NOW, ZoneOffset.UTC)),
        StatsRoutesTest::authorize, domain -> Future.succeededFuture(siteGoals),
        domain -> Future.succeededFuture(siteFunnels), registry));
    brokenPort = deploy(new StatsRoutes(new StatsService(closedStore, new InMemoryQueryCache(Clock.systemUTC(), 10),
        registry, Clock.fixed(NOW, ZoneOffset.UTC)), StatsRoutesTest::authorize, domain -> Future.succeededFuture(siteGoals),
        domain -> Future.succeededFuture(siteFunnels), registry));
    client = WebClient.create(vertx);
  }

  private int deploy(StatsRoutes routes) throws Exception {
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, List.of(routes));
    await(vertx.deployVerticle(server));
    return server.actualPort();
  }

  private volatile List<Goal> siteGoals = List.of();
  private volatile List<Funnel> siteFunnels = List.of();

  private static Future<SiteAccess> authorize(io.vertx.ext.web.RoutingContext ctx, String domain) {
    return EdgeCases.SITE.equals(domain)
        ? Future.succeededFuture(new SiteAccess(domain, "Europe/Berlin", SiteRole.VIEWER))
        : Future.failedFuture(new HttpFailure(404, "site_not_found", "no site '" + domain + "' you have access to"));
  }

  @AfterAll
  void stop() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> post(int port, String body) throws Exception {
    return await(client.post(port, "127.0.0.1", "/api/v2/query").sendBuffer(Buffer.buffer(body)));
  }

  private double counter(String name, String tag, String value) {
    var c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  @DisplayName("A malformed query is a 400 naming the field, counted as rejected, never reaching the store")
  void badRequest() throws Exception {
    double before = counter("trackflow.query.rejected", "reason", "invalid_query");
    HttpResponse<Buffer> r = post(port, "{\"site_id\":\"edge.example\",\"metrics\":[\"visitors\",\"pageviews\",\"foo\"],\"date_range\":\"7d\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = r.bodyAsJsonObject();
    assertThat(error.getString("code")).isEqualTo("invalid_query");
    assertThat(error.getString("message")).isEqualTo("metrics[2]: unknown metric 'foo'");
    assertThat(error.getJsonObject("details").getString("field")).isEqualTo("metrics[2]");
    assertThat(counter("trackflow.query.rejected", "reason", "invalid_query")).isEqualTo(before + 1);
    assertThat(post(port, "not json").statusCode()).isEqualTo(400);
    assertThat(post(port, "x".repeat(StatsRoutes.MAX_BODY + 10)).statusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName("The same query twice is computed once: a miss, then a hit with the identical answer")
  void cached() throws Exception {
    String body = "{\"site_id\":\"edge.example\",\"metrics\":[\"visitors\",\"bounce_rate\"],\"date_range\":[\"2025-03-20\",\"2025-03-22\"],\"dimensions\":[\"visit:entry_page\"]}";
    double hits = counter("trackflow.query.cache", "result", "hit");
    double misses = counter("trackflow.query.cache", "result", "miss");
    HttpResponse<Buffer> first = post(port, body);
    // Field order and spelled-out defaults do not make another entry.
    HttpResponse<Buffer> second = post(port, "{\"date_range\":[\"2025-03-20\",\"2025-03-22\"],\"dimensions\":[\"visit:entry_page\"],"
        + "\"metrics\":[\"visitors\",\"bounce_rate\"],\"site_id\":\"edge.example\",\"pagination\":{\"offset\":0}}");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("x-trackflow-cache")).isEqualTo("miss");
    assertThat(second.getHeader("x-trackflow-cache")).isEqualTo("hit");
    assertThat(second.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(counter("trackflow.query.cache", "result", "miss")).isEqualTo(misses + 1);
    assertThat(counter("trackflow.query.cache", "result", "hit")).isEqualTo(hits + 1);
    // Two pageviews at the same millisecond: the smaller event id is the entry page.
    assertThat(first.bodyAsJsonObject().getJsonArray("results").stream()
        .map(o -> ((JsonObject) o).getJsonArray("dimensions").getString(0)))
        .contains("/tie-low", "/signup", "/video", "").doesNotContain("/tie-high");
  }

  @Test
  @DisplayName("Answers about the past are kept an hour; answers whose range includes now only seconds")
  void ttl() throws Exception {
    int before = cache.ttls.size();
    assertThat(post(port, "{\"site_id\":\"edge.example\",\"metrics\":[\"pageviews\"],\"date_range\":[\"2025-01-01\",\"2025-01-31\"]}").statusCode())
        .isEqualTo(200);
    assertThat(post(port, "{\"site_id\":\"edge.example\",\"metrics\":[\"pageviews\"],\"date_range\":\"day\"}").statusCode())
        .isEqualTo(200);
    assertThat(cache.ttls.subList(before, before + 2)).containsExactly(StatsService.PAST_TTL, StatsService.LIVE_TTL);
  }

  @Test
  @DisplayName("Realtime answers 30 minutes of pageviews in the site's zone and the last five minutes' visitors")
  void realtime() throws Exception {
    HttpResponse<Buffer> r = await(client.get(port, "127.0.0.1", "/api/sites/edge.example/realtime").send());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getJsonArray("pageviews_per_minute")).hasSize(30);
    assertThat(body.getLong("visitors")).isEqualTo(5L);
    assertThat(body.getJsonArray("pageviews_per_minute").getJsonObject(29).getString("minute"))
        .isEqualTo("2025-03-31T14:00+02:00");
  }

  @Test
  @DisplayName("Goals come from the site's configuration: an unknown goal name is a 400 naming the value, and a changed goal is a new answer")
  void goals() throws Exception {
    siteGoals = List.of(new Goal(1, EdgeCases.SITE, "Signed up", "Signup", null, null, 0));
    String body = "{\"site_id\":\"edge.example\",\"metrics\":[\"visitors\",\"events\"],\"date_range\":\"all\","
        + "\"dimensions\":[\"event:goal\"]}";
    HttpResponse<Buffer> signups = post(port, body);
    assertThat(signups.statusCode()).isEqualTo(200);
    assertThat(signups.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getJsonArray("dimensions").getList())
        .containsExactly("Signed up");
    HttpResponse<Buffer> unknown = post(port, "{\"site_id\":\"edge.example\",\"metrics\":[\"visitors\"],"
        + "\"date_range\":\"all\",\"filters\":[[\"not\",[\"is\",\"event:goal\",[\"Signed up\",\"Sign up\"]]]]}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getString("message"))
        .isEqualTo("filters[0][1][2][1]: the site has no goal named 'Sign up'; goals are configured in the site's settings");
    siteGoals = List.of(new Goal(1, EdgeCases.SITE, "Signed up", "Download", null, null, 0));
    HttpResponse<Buffer> downloads = post(port, body);
    assertThat(downloads.getHeader("x-trackflow-cache")).isEqualTo("miss");
    assertThat(downloads.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getJsonArray("dimensions").getList())
        .containsExactly("Signed up");
    assertThat(post(port, body).getHeader("x-trackflow-cache")).isEqualTo("hit");
  }

  @Test
  @DisplayName("A site the caller may not read is refused by authorization before any query runs")
  void unauthorized() throws Exception {
    HttpResponse<Buffer> r = post(port, "{\"site_id\":\"other.example\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\"}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(await(client.get(port, "127.0.0.1", "/api/sites/other.example/realtime").send()).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("When the event store fails, the answer is a 503 with the one error shape, not a 500")
  void storeDown() throws Exception {
    HttpResponse<Buffer> r = post(brokenPort, "{\"site_id\":\"edge.example\",\"metrics\":[\"visitors\"],\"date_range\":\"7d\"}");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("store_unavailable");
  }
}
