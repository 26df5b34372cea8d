package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.core.testdata.Fuzz;
import io.trackflow.core.testdata.Gen;
import io.trackflow.core.testdata.HostileInput;
import io.trackflow.core.testdata.ReferenceSessions;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.auth.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The stats API over HTTP on a real store, against generated hostile queries: the SQL they compile
 * to must parse and run there (a statement the store refuses would be a 503), every answer is a
 * 200 or a 4xx, no exception escapes a handler, and stored values full of quotes, backslashes and
 * any Unicode come back exactly when filtered for. One subclass per store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StatsFuzzContract {

  private static final Instant NOW = Instant.parse("2025-03-31T12:00:00Z");
  /** Sites of the round trips, one per try; the edge-case site holds the shared data. */
  private static final String ROUND_TRIP_SUFFIX = ".roundtrip.example";

  private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong(50_000_000_000L);
  private Vertx vertx;
  private EventStore store;
  private WebClient client;
  private int port;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.exceptionHandler(escaped::add);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    store = createStore(vertx);
    await(store.insert(EdgeCases.events(NOW)));
    StatsRoutes routes = new StatsRoutes(new StatsService(store, new InMemoryQueryCache(Clock.systemUTC(), 1000),
        registry, Clock.fixed(NOW, ZoneOffset.UTC)), StatsFuzzContract::authorize,
        domain -> Future.succeededFuture(List.of()), domain -> Future.succeededFuture(List.of()), registry);
    // First, so it sees every failure before the server's own handlers.
    HttpRoutes escapes = (v, router) -> router.route().failureHandler(failed -> {
      if (failed.failure() != null && !(failed.failure() instanceof HttpFailure)) {
        escaped.add(failed.failure());
      }
      failed.next();
    });
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, List.of(escapes, routes));
    await(vertx.deployVerticle(server));
    port = server.actualPort();
    client = WebClient.create(vertx);
  }

  /** A migrated, empty store of the kind under test. */
  protected abstract EventStore createStore(Vertx vertx) throws Exception;

  @AfterAll
  void stop() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  @BeforeEach
  void forgetEarlierFailures() {
    escaped.clear();
  }

  private static Future<SiteAccess> authorize(io.vertx.ext.web.RoutingContext ctx, String domain) {
    return EdgeCases.SITE.equals(domain) || domain.endsWith(ROUND_TRIP_SUFFIX)
        ? Future.succeededFuture(new SiteAccess(domain, "Europe/Berlin", SiteRole.VIEWER))
        : Future.failedFuture(new HttpFailure(404, "site_not_found", "no site '" + domain + "' you have access to"));
  }

  @Test
  @DisplayName("Hostile queries and bodies that are not queries get a 200 or a 4xx, never a 5xx: every compiled statement runs on the store")
  void neverA5xx() {
    Gen<String> bodies = Gen.<String>weighted()
        .add(4, HostileQueries.queries(EdgeCases.SITE, HostileInput.strings()).map(t -> t.body().encode()))
        .add(1, HostileQueries.junk());
    int[] answered = new int[2];
    Fuzz.forAll(120, bodies, body -> {
      HttpResponse<Buffer> answer = post(body);
      assertThat(answer.statusCode()).as("status; answer: %s", answer.bodyAsString()).isLessThan(500);
      assertThat(answer.statusCode()).isIn(200, 400, 404, 413);
      answered[answer.statusCode() == 200 ? 0 : 1]++;
      assertNothingEscaped();
    });
    // Enough of them valid to have reached the store, or the property says little.
    assertThat(answered[0]).as("answered 200 (of %d)", answered[0] + answered[1])
        .isGreaterThan((answered[0] + answered[1]) / 4);
  }

  @Test
  @DisplayName("A page, prop key and prop value full of quotes, backslashes and any Unicode come back exactly, once, when filtered for")
  void storedValuesRoundTrip() {
    Gen<String> value = HostileInput.storableStrings().map(s -> cut(s.replace("\0", ""), 2_000));
    Gen<List<String>> triples = r -> List.of(value.next(r), nonEmpty(cut(value.next(r), 300)), value.next(r));
    Fuzz.forAll(30, triples, triple -> {
      String page = triple.get(0);
      String key = triple.get(1);
      String propValue = triple.get(2);
      String site = "t" + ids.incrementAndGet() + ROUND_TRIP_SUFFIX;
      List<Event> events = new ArrayList<>(List.of(
          pageview(site, page, key, propValue, NOW.minusSeconds(3_600)),
          pageview(site, page + "-other", key, propValue + "-other", NOW.minusSeconds(3_000))));
      ReferenceSessions.withTotals(events);
      await(store.insert(events));

      JsonObject query = new JsonObject().put("site_id", site).put("metrics", new JsonArray().add("pageviews"))
          .put("date_range", "day").put("dimensions", new JsonArray().add("event:page").add("event:props:" + key))
          .put("filters", new JsonArray()
              .add(new JsonArray().add("is").add("event:page").add(new JsonArray().add(page)))
              .add(new JsonArray().add("is").add("event:props:" + key).add(new JsonArray().add(propValue))));
      HttpResponse<Buffer> answer = post(query.encode());
      assertThat(answer.statusCode()).as("answer: %s", answer.bodyAsString()).isEqualTo(200);
      JsonArray results = answer.bodyAsJsonObject().getJsonArray("results");
      assertThat(results).as("rows of %s", answer.bodyAsString()).hasSize(1);
      assertThat(results.getJsonObject(0).getJsonArray("dimensions").getList()).containsExactly(page, propValue);
      assertThat(results.getJsonObject(0).getJsonArray("metrics").getList()).containsExactly(1);

      // A substring of the page finds it too (contains), and only pages that hold it.
      String middle = middleThird(page);
      JsonObject contains = query.copy().put("filters", new JsonArray()
          .add(new JsonArray().add("contains").add("event:page").add(new JsonArray().add(middle))));
      HttpResponse<Buffer> found = post(contains.encode());
      assertThat(found.statusCode()).as("answer: %s", found.bodyAsString()).isEqualTo(200);
      assertThat(found.bodyAsJsonObject().getJsonArray("results").stream()
          .map(r -> ((JsonObject) r).getJsonArray("dimensions").getString(0)).toList())
          .contains(page).allMatch(p -> p.contains(middle));
      assertNothingEscaped();
    });
  }

  @Test
  @DisplayName("A monthly breakdown of a range inside one month is answered with its one month (it was a CASE without WHEN: a 503; found by this fuzz test)")
  void monthsOfARangeInsideOneMonth() throws Exception {
    for (JsonArray range : List.of(new JsonArray().add("2025-03-20").add("2025-03-22"),
        new JsonArray().add("2025-03-23").add("2025-03-23"))) {
      JsonObject query = new JsonObject().put("site_id", EdgeCases.SITE).put("metrics", new JsonArray().add("pageviews"))
          .put("date_range", range).put("dimensions", new JsonArray().add("time:month"));
      HttpResponse<Buffer> answer = post(query.encode());
      assertThat(answer.statusCode()).as("%s: %s", range, answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getJsonArray("results").stream()
          .map(r -> ((JsonObject) r).getJsonArray("dimensions").getString(0)).toList())
          .as(range.encode()).containsExactly("2025-03-01");
    }
  }

  private Event pageview(String site, String page, String key, String propValue, Instant at) {
    long id = ids.incrementAndGet();
    return Event.builder().eventId(id).site(site).timestampMillis(at.toEpochMilli()).name(Event.PAGEVIEW)
        .hostname(site).pathname(page).visitorId(id).sessionId(id).props(List.of(key), List.of(propValue)).build();
  }

  /** At most {@code max} chars, never splitting a surrogate pair. */
  private static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }

  /** The middle third of {@code s} in code points (a surrogate pair is never split). */
  private static String middleThird(String s) {
    int points = s.codePointCount(0, s.length());
    return s.substring(s.offsetByCodePoints(0, points / 3), s.offsetByCodePoints(0, 2 * points / 3));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String nonEmpty(String s) {
    return s.isEmpty() ? "k" : s;
  }

  private HttpResponse<Buffer> post(String body) throws Exception {
    return await(client.post(port, "127.0.0.1", "/api/v2/query")
        .sendBuffer(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))));
  }

  private void assertNothingEscaped() {
    if (!escaped.isEmpty()) {
      StringWriter trace = new StringWriter();
      escaped.get(0).printStackTrace(new PrintWriter(trace));
      throw new AssertionError(escaped.size() + " exception(s) escaped a handler; the first:\n" + trace);
    }
  }
}
