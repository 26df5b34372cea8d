package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.rollup.RollupBuilder;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rollups answer what the raw tables answer: the stats contract's generated data, rollups
 * built for every day before its "now" (the day of now and the later data stay raw), then every
 * rollup-answerable query asked with rollups always and never; the answers must be equal, and
 * the rollup answers must have read rollup rows. Also: a late write to a built day, retention,
 * and visitors beyond the exact range. Each store's test extends this.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RollupContract {

  static final Instant NOW = StatsAccuracyContract.NOW;

  private StatsAccuracyContract.Loaded loaded;
  private RecordingStore recording;
  private StatsService rollups;
  private StatsService raw;

  /** A migrated, empty store of the kind under test. */
  protected abstract EventStore createStore(Vertx vertx) throws Exception;

  @BeforeAll
  void load() throws Exception {
    loaded = StatsAccuracyContract.load(this::createStore);
    RollupBuilder.Outcome outcome = await(builder(loaded.store(), NOW).run());
    assertThat(outcome.built()).as("days built").isGreaterThan(30);
    recording = new RecordingStore(loaded.store());
    rollups = service(recording, RollupOptions.Mode.ALWAYS);
    raw = service(loaded.store(), RollupOptions.Mode.NEVER);
  }

  @AfterAll
  void close() throws Exception {
    if (loaded != null) {
      loaded.close();
    }
  }

  /** A fresh store with a smaller share of the same generated data, for tests that change it. */
  private StatsAccuracyContract.Loaded loadSmall() throws Exception {
    Vertx vertx = Vertx.vertx();
    EventStore store = createStore(vertx);
    List<Event> events = new io.trackflow.core.testdata.EventGenerator(7).generate(8_000);
    await(store.insert(events));
    return new StatsAccuracyContract.Loaded(vertx, store, events, null);
  }

  private RollupBuilder builder(EventStore store, Instant now) {
    return new RollupBuilder(store, loaded.vertx(), Clock.fixed(now, ZoneOffset.UTC), Duration.ZERO);
  }

  /** A builder of every day settled at the contract's now. */
  private static RollupBuilder builder(EventStore store, Vertx vertx) {
    return new RollupBuilder(store, vertx, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
  }

  private static StatsService service(EventStore store, RollupOptions.Mode mode) {
    return service(store, new RollupOptions(mode, 0));
  }

  private static StatsService service(EventStore store, RollupOptions options) {
    return new StatsService(store, new InMemoryQueryCache(Clock.systemUTC(), 1), new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC), options);
  }

  static final List<Object> RANGES = List.of("7d", "30d", "month", "all", "day",
      List.of("2025-03-01", "2025-03-30"), List.of("2025-01-15", "2025-03-31"),
      List.of("2025-03-29T10:30:00", "2025-03-30T18:00:00"));

  static final List<String> SESSION_METRICS = List.of("visitors", "visits", "pageviews", "events", "bounce_rate",
      "visit_duration", "views_per_visit");

  /** The ranges every query is asked for. */
  protected List<Object> ranges() {
    return RANGES;
  }

  /** The queries the rollups can answer, with the metrics each dimension takes. */
  List<JsonObject> queries(String site) {
    List<JsonObject> queries = new ArrayList<>();
    for (Object range : ranges()) {
      queries.add(query(site, range, SESSION_METRICS, null));
      queries.add(query(site, range, List.of("visitors", "pageviews"), null)
          .put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", "previous_period"))));
      for (String time : List.of("time:day", "time:week", "time:month")) {
        queries.add(query(site, range, SESSION_METRICS, time));
      }
      if (!(range instanceof String s) || !s.equals("all")) {
        queries.add(query(site, range, List.of("visitors", "pageviews", "bounce_rate"), "time:hour"));
      }
      queries.add(query(site, range, List.of("visitors", "visits", "pageviews", "events", "percentage", "scroll_depth",
          "time_on_page"), "event:page").put("include", new JsonObject().put("totals", true).put("total_rows", true)));
      queries.add(query(site, range, List.of("scroll_depth", "time_on_page"), "event:page"));
      queries.add(query(site, range, List.of("visitors", "pageviews"), "event:page")
          .put("pagination", new JsonObject().put("limit", 5))
          .put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", "previous_period"))));
      for (String d : List.of("visit:source", "visit:referrer", "visit:utm_source", "visit:utm_medium",
          "visit:utm_campaign", "visit:country", "visit:region", "visit:city", "visit:device", "visit:browser",
          "visit:os", "visit:entry_page", "visit:exit_page")) {
        List<String> metrics = new ArrayList<>(SESSION_METRICS);
        metrics.add("percentage");
        queries.add(query(site, range, metrics, d).put("include", new JsonObject().put("totals", true)));
      }
      queries.add(query(site, range, List.of("pageviews"), "visit:source"));
    }
    return queries;
  }

  private static JsonObject query(String site, Object range, List<String> metrics, String dimension) {
    JsonObject body = StatsAccuracyContract.body(site, range, metrics, dimension == null ? List.of() : List.of(dimension));
    return body.put("pagination", new JsonObject().put("limit", 10_000));
  }

  private JsonObject ask(StatsService service, JsonObject body) throws Exception {
    Query q = new QueryParser().parse(body);
    return await(service.query(q, q.siteId(), StatsAccuracyContract.ZONES.get(q.siteId()),
        StatsAccuracyContract.goals(q.siteId()))).body().toJsonObject();
  }

  @Test
  @DisplayName("Every query the rollups answer equals the raw tables' answer, counts and visitors, on every site and range")
  void rollupAnswersEqualRawAnswers() throws Exception {
    int before = recording.rollupReads();
    List<String> differences = new ArrayList<>();
    int asked = 0;
    for (String site : StatsAccuracyContract.ZONES.keySet()) {
      for (JsonObject body : queries(site)) {
        JsonObject expected = ask(raw, body);
        JsonObject actual = ask(rollups, body);
        asked++;
        if (!actual.equals(expected)) {
          differences.add(body.encode() + "\n  raw:     " + expected.encode() + "\n  rollups: " + actual.encode());
        }
      }
    }
    assertThat(differences).as("answers that differ, of %d", asked).isEmpty();
    assertThat(recording.rollupReads() - before).as("statements that read rollup rows").isGreaterThan(asked / 2);
  }

  @Test
  @DisplayName("In auto mode the rollups answer a range holding the threshold's sessions, the raw tables a smaller one; both equal the raw answers")
  void autoModeAnswersLargeRangesFromRollups() throws Exception {
    RecordingStore reads = new RecordingStore(loaded.store());
    StatsService large = service(reads, new RollupOptions(RollupOptions.Mode.AUTO, 1));
    StatsService small = service(reads, new RollupOptions(RollupOptions.Mode.AUTO, Long.MAX_VALUE));
    for (String dimension : new String[] {null, "visit:source", "event:page", "time:day"}) {
      JsonObject body = query("shop.example.com", "30d", List.of("visitors", "visits", "pageviews"), dimension);
      JsonObject expected = ask(raw, body);
      int before = reads.rollupReads();
      assertThat(ask(large, body)).as("%s, above the threshold", dimension).isEqualTo(expected);
      assertThat(reads.rollupReads()).as("%s read from the rollups", dimension).isGreaterThan(before);
      before = reads.rollupReads();
      assertThat(ask(small, body)).as("%s, below the threshold", dimension).isEqualTo(expected);
      assertThat(reads.rollupReads()).as("%s read raw", dimension).isEqualTo(before);
    }
  }

  @Test
  @DisplayName("A late event on a built day makes the next build run rebuild that day, and the answers include it")
  void lateEventRebuildsItsDay() throws Exception {
    StatsAccuracyContract.Loaded fresh = loadSmall();
    try {
      RollupBuilder builder = builder(fresh.store(), fresh.vertx());
      await(builder.run());
      assertThat(await(builder.run()).built()).as("a second run with nothing new").isZero();
      StatsService withRollups = service(fresh.store(), RollupOptions.Mode.ALWAYS);
      StatsService withoutRollups = service(fresh.store(), RollupOptions.Mode.NEVER);
      JsonObject body = query("docs.example.net", List.of("2025-03-10", "2025-03-20"),
          List.of("visitors", "visits", "pageviews", "events"), "event:page");
      long late = Instant.parse("2025-03-15T08:00:00Z").toEpochMilli();
      await(fresh.store().insert(List.of(Event.builder().eventId(9_000_000_001L).site("docs.example.net")
          .timestampMillis(late).name(Event.PAGEVIEW).pathname("/late-page").visitorId(77_777).sessionId(88_888)
          .session(new io.trackflow.core.event.SessionTotals(late, late, 1, 1, 0, "/late-page", "/late-page"))
          .build())));
      RollupBuilder.Outcome rebuilt = await(builder.run());
      assertThat(rebuilt.built()).as("days rebuilt").isEqualTo(1);
      JsonObject answer = askOn(withRollups, body);
      assertThat(answer).isEqualTo(askOn(withoutRollups, body));
      assertThat(answer.getJsonArray("results").stream().map(r -> ((JsonObject) r).getJsonArray("dimensions").getString(0)))
          .contains("/late-page");
    } finally {
      fresh.close();
    }
  }

  @Test
  @DisplayName("Two builders rebuilding the same days at once (two writers) leave one build's rows read: answers equal the raw ones")
  void concurrentRebuildsAnswerOnce() throws Exception {
    StatsAccuracyContract.Loaded fresh = loadSmall();
    try {
      RollupBuilder first = builder(fresh.store(), fresh.vertx());
      RollupBuilder second = builder(fresh.store(), fresh.vertx());
      await(first.run());
      LocalDate from = LocalDate.parse("2025-03-08");
      LocalDate to = LocalDate.parse("2025-03-20");
      for (int round = 0; round < 2; round++) {
        await(Future.all(first.rebuild(from, to), second.rebuild(from, to)));
      }
      StatsService withRollups = service(fresh.store(), RollupOptions.Mode.ALWAYS);
      StatsService withoutRollups = service(fresh.store(), RollupOptions.Mode.NEVER);
      for (String dimension : new String[] {null, "visit:source", "event:page", "time:day"}) {
        JsonObject body = query("shop.example.com", List.of("2025-03-06", "2025-03-22"),
            List.of("visitors", "visits", "pageviews"), dimension);
        assertThat(askOn(withRollups, body)).as(String.valueOf(dimension)).isEqualTo(askOn(withoutRollups, body));
      }
    } finally {
      fresh.close();
    }
  }

  @Test
  @DisplayName("Retention removes the rollups of the deleted days at once: rollup answers equal the raw ones right after it")
  void retentionDropsRollups() throws Exception {
    StatsAccuracyContract.Loaded fresh = loadSmall();
    try {
      await(builder(fresh.store(), fresh.vertx()).run());
      StatsService withRollups = service(fresh.store(), RollupOptions.Mode.ALWAYS);
      StatsService withoutRollups = service(fresh.store(), RollupOptions.Mode.NEVER);
      // Berlin's midnight: a cutoff inside a UTC day, so that day is read raw afterwards.
      await(fresh.store().deleteOlderThan(Map.of("shop.example.com", Instant.parse("2025-03-14T23:00:00Z"))));
      for (String dimension : new String[] {null, "visit:source", "event:page", "time:day"}) {
        JsonObject body = query("shop.example.com", "30d", List.of("visitors", "visits", "pageviews"), dimension);
        assertThat(askOn(withRollups, body)).as(String.valueOf(dimension)).isEqualTo(askOn(withoutRollups, body));
      }
    } finally {
      fresh.close();
    }
  }

  /** A pageview that is its session's only event. */
  private static Event pageview(String site, long id, long visitor, long session, long millis, String page) {
    return Event.builder().eventId(id).site(site).timestampMillis(millis)
        .name(Event.PAGEVIEW).pathname(page).visitorId(visitor).sessionId(session)
        .session(new io.trackflow.core.event.SessionTotals(millis, millis, 1, 1, 0, page, page))
        .build();
  }

  @Test
  @DisplayName("Visitors stay exact at any size: thousands per row, ranges and local days that cut UTC days at whole hours")
  void largeAnswersStayExact() throws Exception {
    Vertx vertx = Vertx.vertx();
    EventStore store = createStore(vertx);
    try {
      List<Event> events = new ArrayList<>();
      long start = Instant.parse("2025-03-10T00:00:00Z").toEpochMilli();
      for (int day = 0; day < 4; day++) {
        for (int i = 0; i < 1_500; i++) {
          // Over every hour of the day, some visitors twice (two pages, hours apart).
          long dayStart = start + day * 86_400_000L;
          long visitor = day * 1_000_000L + i;
          events.add(pageview("big.example", events.size() + 1, visitor, visitor, dayStart + i * 57_000L, "/p" + i % 7));
          if (i % 3 == 0) {
            events.add(pageview("big.example", events.size() + 1, visitor, visitor + 500_000,
                dayStart + (i * 57_000L + 5 * 3_600_000L) % 86_400_000L, "/p" + i % 5));
          }
        }
      }
      await(store.insert(events));
      await(builder(store, vertx).run());
      RecordingStore reads = new RecordingStore(store);
      StatsService withRollups = service(reads, RollupOptions.Mode.ALWAYS);
      StatsService withoutRollups = service(store, RollupOptions.Mode.NEVER);
      for (java.time.ZoneId zone : List.of(ZoneOffset.UTC, java.time.ZoneId.of("Europe/Berlin"),
          java.time.ZoneId.of("America/New_York"))) {
        for (String dimension : new String[] {null, "event:page", "visit:entry_page", "time:day", "time:hour"}) {
          JsonObject body = query("big.example", List.of("2025-03-10", "2025-03-13"), List.of("visitors", "pageviews"),
              dimension);
          Query q = new QueryParser().parse(body);
          int before = reads.rollupReads();
          JsonObject answer = await(withRollups.query(q, "big.example", zone)).body().toJsonObject();
          assertThat(reads.rollupReads()).as("%s %s read rollups", zone, dimension).isGreaterThan(before);
          assertThat(answer).as("%s %s", zone, dimension)
              .isEqualTo(await(withoutRollups.query(q, "big.example", zone)).body().toJsonObject());
          assertThat(answer.getJsonObject("meta").containsKey("approximate")).isFalse();
        }
      }
      JsonObject body = query("big.example", List.of("2025-03-10", "2025-03-12"), List.of("visitors", "pageviews"), null);
      JsonArray metrics = await(withRollups.query(new QueryParser().parse(body), "big.example", ZoneOffset.UTC))
          .body().toJsonObject().getJsonArray("results").getJsonObject(0).getJsonArray("metrics");
      assertThat(metrics.getLong(0)).as("visitors").isEqualTo(4_500);
      assertThat(metrics.getLong(1)).as("pageviews").isEqualTo(6_000);
    } finally {
      await(store.close());
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("A visitor id seen on both sides of a UTC midnight (a late salt rotation) counts once: both days are read raw")
  void visitorAcrossMidnightCountsOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    EventStore store = createStore(vertx);
    try {
      long midnight = Instant.parse("2025-03-11T00:00:00Z").toEpochMilli();
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        events.add(pageview("cross.example", events.size() + 1, 100 + i, 100 + i, midnight - 40_000_000L + i * 60_000L, "/a"));
        events.add(pageview("cross.example", events.size() + 1, 200 + i, 200 + i, midnight + 40_000_000L + i * 60_000L, "/a"));
      }
      // The same id 10 s before and 10 s after midnight, in two sessions (none crosses midnight).
      events.add(pageview("cross.example", 1_001, 42, 4_201, midnight - 10_000L, "/b"));
      events.add(pageview("cross.example", 1_002, 42, 4_202, midnight + 10_000L, "/b"));
      await(store.insert(events));
      await(builder(store, vertx).run());
      StatsService withRollups = service(store, RollupOptions.Mode.ALWAYS);
      for (String dimension : new String[] {null, "event:page", "visit:entry_page"}) {
        JsonObject body = query("cross.example", List.of("2025-03-10", "2025-03-11"), List.of("visitors", "visits"),
            dimension);
        JsonObject answer = await(withRollups.query(new QueryParser().parse(body), "cross.example", ZoneOffset.UTC))
            .body().toJsonObject();
        long visitors = answer.getJsonArray("results").stream()
            .mapToLong(r -> ((JsonObject) r).getJsonArray("metrics").getLong(0)).sum();
        assertThat(visitors).as("%s: visitors (page /b once)", dimension).isEqualTo(81);
      }
    } finally {
      await(store.close());
      await(vertx.close());
    }
  }

  private JsonObject askOn(StatsService service, JsonObject body) throws Exception {
    return ask(service, body);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
  }
}
