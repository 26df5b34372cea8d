package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.rollup.RollupBuilder;
import java.time.Duration;
import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.query.account.Funnel;
import io.trackflow.query.account.Goal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metric and dimension of the stats API, checked against {@link StatsOracle} over the same
 * generated raw events (with replayed duplicates) on one store. Subclasses supply the store. The
 * oracle reads the request JSON, not the parsed query, and resolves ranges and order itself.
 *
 * <p>Deliberate breaks that fail here (counts on DuckDB): {@code QueryParser} mapping
 * {@code contains} to MATCHES and back (22 tests), {@code is} to IS_NOT and back (77),
 * {@code case_sensitive} inverted (9); {@code DateRange} ending whole days a day early (178),
 * {@code 7d} a day longer (6); {@code ResultShaper} breaking ties by dimension descending (87),
 * ordering by the first metric ascending (77); {@code Query.isGoal} taking a visit filter for a
 * goal (4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StatsAccuracyContract {

  /** The sites of the data and the zones their stats are read in: DST, west, UTC, half-hour offset. */
  static final Map<String, ZoneId> ZONES = Map.of(
      "shop.example.com", ZoneId.of("Europe/Berlin"),
      "blog.example.org", ZoneId.of("America/New_York"),
      "docs.example.net", ZoneOffset.UTC,
      "münchen.example.de", ZoneId.of("Asia/Kolkata"),
      EdgeCases.SITE, ZoneId.of("Europe/Berlin"));

  static final Instant NOW = Instant.parse("2025-03-31T12:00:00Z");

  /**
   * Configured goals, as the goals API takes them: event goals, page goals exact and with
   * wildcards (overlapping: "Any page" converts with every pageview), a revenue goal, a goal
   * nothing converts, a name that needs escaping.
   */
  static final Map<String, JsonArray> GOALS = Map.of(
      "shop.example.com", new JsonArray("""
          [{"display_name": "Signup", "event_name": "Signup"},
           {"display_name": "Purchase", "event_name": "Purchase", "currency": "EUR"},
           {"display_name": "Visit /blog*", "page_path": "/blog*"},
           {"display_name": "Pricing", "page_path": "/pricing"},
           {"display_name": "Docs", "page_path": "/docs/*"},
           {"display_name": "Any page", "page_path": "*"},
           {"display_name": "Never", "event_name": "Never happens"},
           {"display_name": "O'Brien's \\\\ page", "page_path": "/o'brien"}]"""),
      "blog.example.org", new JsonArray("""
          [{"display_name": "Read a post", "page_path": "/blog/*"},
           {"display_name": "Outbound", "event_name": "Outbound Link: Click"}]"""),
      EdgeCases.SITE, new JsonArray("""
          [{"display_name": "Pricing", "page_path": "/pricing"},
           {"display_name": "Signup", "event_name": "Signup"},
           {"display_name": "Any page", "page_path": "*"},
           {"display_name": "Purchase", "event_name": "Purchase", "currency": "EUR"},
           {"display_name": "Tip", "event_name": "Tip", "currency": "USD"}]"""));

  static final List<String> EVENT_DIMENSIONS = List.of("event:page", "event:name", "event:hostname",
      "event:screen_size", "event:props:plan");
  static final List<String> VISIT_DIMENSIONS = List.of("visit:entry_page", "visit:exit_page",
      "visit:source", "visit:referrer", "visit:utm_source", "visit:utm_medium", "visit:utm_campaign",
      "visit:utm_term", "visit:utm_content", "visit:country", "visit:region", "visit:city", "visit:device", "visit:browser",
      "visit:browser_version", "visit:os", "visit:os_version");
  static final List<String> EVENT_METRICS = List.of("visitors", "visits", "pageviews", "events", "percentage");
  static final List<String> ALL_METRICS = List.of("visitors", "visits", "pageviews", "events",
      "views_per_visit", "bounce_rate", "visit_duration", "percentage");

  protected EventStore store;
  protected StatsService service;
  protected StatsOracle oracle;
  protected List<Event> raw;
  private Loaded loaded;
  private final QueryParser parser = new QueryParser();

  /** The generated events, a store holding them, and the oracle over them; only read by the tests. */
  protected record Loaded(Vertx vertx, EventStore store, List<Event> raw, StatsOracle oracle) {
    void close() throws Exception {
      await(store.close());
      await(vertx.close());
    }
  }

  /** A migrated, empty store of the kind under test. */
  protected abstract EventStore createStore(Vertx vertx) throws Exception;

  /**
   * How the answers use the rollups: never here (the raw path); suites that run this contract
   * with rollups always build them for every day before {@link #NOW} first.
   */
  protected RollupOptions.Mode rollups() {
    return RollupOptions.Mode.NEVER;
  }

  /** The data set in a store of the kind under test; by default loaded for this class alone. */
  protected Loaded loaded() throws Exception {
    return load(this::createStore);
  }

  /** True when {@link #loaded()} outlives the class (then it is not closed after it). */
  protected boolean sharedData() {
    return false;
  }

  /** Loads the data set into a fresh store made by {@code factory}. */
  protected static Loaded load(StoreFactory factory) throws Exception {
    Vertx vertx = Vertx.vertx();
    EventStore store = factory.create(vertx);
    List<Event> raw = new ArrayList<>();
    raw.addAll(new EventGenerator(7).generate(30_000));
    raw.addAll(new EventGenerator(11, Instant.parse("2025-11-08T00:00:00Z"), 14).generate(6_000));
    raw.addAll(EdgeCases.events(NOW));
    for (int i = 0; i < raw.size(); i += 5_000) {
      await(store.insert(raw.subList(i, Math.min(raw.size(), i + 5_000))));
    }
    // A replayed batch: stored again as a whole, it must not change a single number.
    await(store.insert(raw.subList(0, 3_000)));
    StatsOracle oracle = new StatsOracle(raw);
    GOALS.forEach(oracle::withGoals);
    return new Loaded(vertx, store, List.copyOf(raw), oracle);
  }

  /** Makes a store of the kind under test. */
  @FunctionalInterface
  protected interface StoreFactory {
    EventStore create(Vertx vertx) throws Exception;
  }

  @BeforeAll
  void load() throws Exception {
    loaded = loaded();
    store = loaded.store();
    raw = loaded.raw();
    oracle = loaded.oracle();
    if (rollups() != RollupOptions.Mode.NEVER) {
      await(new RollupBuilder(store, loaded.vertx(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO).run());
    }
    // A fresh cache per class: answers cached under other code must never be served here.
    service = new StatsService(store, new InMemoryQueryCache(Clock.systemUTC(), 1_000),
        new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC), new RollupOptions(rollups(), 0));
  }

  @AfterAll
  void close() throws Exception {
    if (loaded != null && !sharedData()) {
      loaded.close();
    }
  }

  protected static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  static JsonObject body(String site, Object range, List<String> metrics, List<String> dimensions) {
    JsonObject body = new JsonObject().put("site_id", site).put("metrics", new JsonArray(metrics))
        .put("date_range", range instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : range);
    if (!dimensions.isEmpty()) {
      body.put("dimensions", new JsonArray(dimensions));
    }
    return body;
  }

  JsonObject ask(JsonObject body) throws Exception {
    Query q = parser.parse(body);
    return await(service.query(q, q.siteId(), ZONES.get(q.siteId()), goals(q.siteId()))).body().toJsonObject();
  }

  /** The site's goals as the account store would hand them over. */
  static List<Goal> goals(String site) {
    List<Goal> goals = new ArrayList<>();
    for (Object o : GOALS.getOrDefault(site, new JsonArray())) {
      JsonObject g = (JsonObject) o;
      goals.add(new Goal(goals.size() + 1, site, g.getString("display_name"), g.getString("event_name"),
          g.getString("page_path"), g.getString("currency"), 0));
    }
    return goals;
  }

  /**
   * Asks the API and compares its answer with the oracle's for the same request JSON: the range
   * it echoes, every group's numbers, every group present (unless paged away), and the order.
   */
  JsonObject check(JsonObject body) throws Exception {
    String site = body.getString("site_id");
    ZoneId zone = ZONES.get(site);
    JsonObject answer = ask(body);
    StatsOracle.Range range = oracle.range(body, site, zone, NOW);
    assertEchoed(answer.getJsonObject("query").getJsonArray("date_range"), range, zone, body);
    Map<List<String>, List<Object>> expected = oracle.answer(body, site, zone, range);
    List<StatsOracle.Row> actual = rows(answer);
    for (StatsOracle.Row row : actual) {
      List<Object> want = expected.getOrDefault(row.dimensions(), oracle.empty(body, site, row.dimensions()));
      assertThat(numbers(row.metrics())).as("%s for %s in %s", StatsOracle.metrics(body), row.dimensions(), body.encode())
          .isEqualTo(numbers(want));
    }
    if (StatsOracle.offset(body) == 0 && StatsOracle.limit(body) >= expected.size()) {
      assertThat(actual.stream().map(StatsOracle.Row::dimensions).toList()).as("groups of %s", body.encode())
          .containsAll(expected.keySet());
    }
    assertThat(actual).as("order of %s", body.encode()).isSortedAccordingTo(StatsOracle.order(body));
    if (StatsOracle.metrics(body).stream().anyMatch(m -> m.endsWith("_revenue"))) {
      assertThat(answer.getJsonObject("meta").getLong("revenue_excluded_events")).as("excluded revenue of %s", body.encode())
          .isEqualTo(oracle.revenueExcluded(body, site, range));
    }
    return answer;
  }

  /** The answer's result lines. */
  static List<StatsOracle.Row> rows(JsonObject answer) {
    return answer.getJsonArray("results").stream().map(JsonObject.class::cast)
        .map(r -> new StatsOracle.Row(r.getJsonArray("dimensions").stream().map(String::valueOf).toList(),
            r.getJsonArray("metrics").getList()))
        .toList();
  }

  /** An echoed range is its first and last second, each with the zone's offset at that time. */
  static void assertEchoed(JsonArray echoed, StatsOracle.Range range, ZoneId zone, JsonObject body) {
    OffsetDateTime first = OffsetDateTime.parse(echoed.getString(0));
    OffsetDateTime last = OffsetDateTime.parse(echoed.getString(1));
    assertThat(List.of(first.toInstant(), last.toInstant())).as("range of %s", body.encode())
        .containsExactly(range.from(), range.lastSecond());
    assertThat(List.of(first.getOffset(), last.getOffset())).as("offsets of %s", body.encode())
        .containsExactly(zone.getRules().getOffset(range.from()), zone.getRules().getOffset(range.lastSecond()));
  }

  /**
   * Metric values to compare: numbers by value; money ({@code {"value", "currency"}}) exactly as
   * written; null stays null (engagement not measured, revenue without a currency).
   */
  static List<Object> numbers(List<?> values) {
    return values.stream().map(v -> switch (v) {
      case null -> null;
      case Map<?, ?> m -> new JsonObject(m.entrySet().stream()
          .collect(java.util.stream.Collectors.toMap(en -> (String) en.getKey(), Map.Entry::getValue)));
      case JsonObject money -> money;
      default -> new BigDecimal(v.toString()).stripTrailingZeros();
    }).toList();
  }

  Stream<Arguments> dimensionCases() {
    List<Arguments> cases = new ArrayList<>();
    List<String> march = List.of("2025-03-01", "2025-03-31");
    for (String d : EVENT_DIMENSIONS) {
      cases.add(Arguments.of("shop.example.com", march, EVENT_METRICS, d));
    }
    cases.add(Arguments.of("blog.example.org", march, EVENT_METRICS, "event:props:author"));
    for (String d : VISIT_DIMENSIONS) {
      cases.add(Arguments.of("shop.example.com", march, ALL_METRICS, d));
    }
    cases.add(Arguments.of("münchen.example.de", "30d", ALL_METRICS, "visit:entry_page"));
    cases.add(Arguments.of("shop.example.com", List.of("2025-03-29", "2025-03-31"), ALL_METRICS, "time:hour"));
    cases.add(Arguments.of("blog.example.org", List.of("2025-10-31", "2025-11-04"), ALL_METRICS, "time:hour"));
    cases.add(Arguments.of("münchen.example.de", "7d", ALL_METRICS, "time:hour"));
    cases.add(Arguments.of("shop.example.com", "30d", ALL_METRICS, "time:day"));
    cases.add(Arguments.of("blog.example.org", "30d", ALL_METRICS, "time:day"));
    cases.add(Arguments.of("docs.example.net", List.of("2025-01-01", "2025-03-31"), ALL_METRICS, "time:week"));
    cases.add(Arguments.of("shop.example.com", List.of("2025-01-01", "2025-03-31"), ALL_METRICS, "time:month"));
    cases.add(Arguments.of(EdgeCases.SITE, List.of("2025-03-29", "2025-03-31"), ALL_METRICS, "time:hour"));
    cases.add(Arguments.of(EdgeCases.SITE, List.of("2025-10-25", "2025-10-27"), ALL_METRICS, "time:hour"));
    cases.add(Arguments.of(EdgeCases.SITE, "all", ALL_METRICS, "time:day"));
    cases.add(Arguments.of(EdgeCases.SITE, "all", ALL_METRICS, "visit:entry_page"));
    cases.add(Arguments.of(EdgeCases.SITE, "all", ALL_METRICS, "visit:exit_page"));
    cases.add(Arguments.of(EdgeCases.SITE, "all", EVENT_METRICS, "event:props:it's"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{3} on {0} over {1}")
  @MethodSource("dimensionCases")
  @DisplayName("Every dimension, with every metric it supports, matches the oracle")
  void dimension(String site, Object range, List<String> metrics, String dimension) throws Exception {
    JsonObject answer = check(body(site, range, metrics, List.of(dimension)));
    assertThat(answer.getJsonArray("results")).isNotEmpty();
  }

  Stream<Arguments> aggregateCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String site : ZONES.keySet()) {
      for (Object range : List.of("day", "7d", "30d", "month", "6mo", "12mo", "year", "all")) {
        cases.add(Arguments.of(site, range));
      }
    }
    cases.add(Arguments.of("shop.example.com", List.of("2025-03-30", "2025-03-30")));
    cases.add(Arguments.of("blog.example.org", List.of("2025-11-02", "2025-11-02")));
    cases.add(Arguments.of("shop.example.com", List.of("2025-03-10T08:30:00+01:00", "2025-03-10T17:45:10+01:00")));
    cases.add(Arguments.of(EdgeCases.SITE, List.of("2025-03-29", "2025-03-29")));
    cases.add(Arguments.of(EdgeCases.SITE, List.of("2025-03-30", "2025-03-30")));
    // Date-times in the repeated autumn hour: the offset says which of the two is meant.
    cases.add(Arguments.of("shop.example.com", List.of("2025-10-26T02:30:00+01:00", "2025-10-26T05:00:00+01:00")));
    cases.add(Arguments.of("blog.example.org", List.of("2025-11-02T01:30:00-05:00", "2025-11-02T12:00:00")));
    cases.add(Arguments.of("blog.example.org", List.of("2025-11-01T22:00:00", "2025-11-02T01:30:00-04:00")));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("aggregateCases")
  @DisplayName("Every metric without dimensions matches the oracle, for every range and time zone")
  void aggregate(String site, Object range) throws Exception {
    check(body(site, range, ALL_METRICS, List.of()));
  }

  Stream<Arguments> filterCases() {
    return Stream.of(
        "[[\"is\", \"visit:country\", [\"DE\", \"FR\"]]]",
        "[[\"is_not\", \"visit:source\", [\"Google\", \"\"]]]",
        "[[\"is\", \"visit:source\", [\"Direct / None\"]]]",
        "[[\"contains\", \"visit:source\", [\"direct\"], {\"case_sensitive\": false}]]",
        "[[\"is_not\", \"visit:utm_source\", [\"(not set)\"]]]",
        "[[\"or\", [[\"is\", \"visit:entry_page\", [\"/\"]], [\"is\", \"visit:referrer\", [\"Direct / None\"]]]]]",
        "[[\"contains\", \"event:page\", [\"blog\"]]]",
        "[[\"contains\", \"event:page\", [\"BLOG\", \"ÜBER\"], {\"case_sensitive\": false}]]",
        "[[\"matches\", \"event:page\", [\"/docs/*\", \"*'*\"]]]",
        "[[\"matches\", \"visit:entry_page\", [\"/BLOG*\"], {\"case_sensitive\": false}]]",
        "[[\"is\", \"event:name\", [\"pageview\"]], [\"is\", \"visit:device\", [\"Mobile\"]]]",
        "[[\"or\", [[\"is\", \"visit:browser\", [\"Safari\"]], [\"is\", \"visit:os\", [\"Linux\"]]]]]",
        "[[\"not\", [\"is\", \"event:page\", [\"/\"]]]]",
        "[[\"and\", [[\"contains\", \"visit:referrer\", [\"google\"]], [\"not\", [\"is\", \"visit:utm_medium\", [\"cpc\"]]]]]]",
        "[[\"is\", \"event:props:plan\", [\"pro\"]]]",
        "[[\"is_not\", \"event:screen_size\", [\"mobile\", \"(not set)\"]], [\"not\", [\"contains\", \"event:page\", [\"blog\"]]]]",
        "[[\"is\", \"event:props:plan\", [\"(none)\"]]]",
        "[[\"is\", \"visit:exit_page\", [\"/pricing\", \"/signup\"]], [\"is_not\", \"event:hostname\", [\"www.shop.example.com\"]]]",
        "[[\"matches\", \"visit:utm_campaign\", [\"launch \\\"*\"]]]",
        "[[\"is\", \"event:page\", [\"/path\\\\with\\\\backslash\", \"/o'brien\", \"/日本語/ページ\"]]]",
        // "" names the empty value: visits without a UTM medium.
        "[[\"is\", \"visit:utm_medium\", [\"\"]]]",
        // A visit's exit page (known from its newest totals) inside an and.
        "[[\"and\", [[\"is_not\", \"visit:exit_page\", [\"/\"]], [\"is\", \"visit:device\", [\"Desktop\"]]]]]",
        // Two event-level filters: a visit counts when one event passes both.
        "[[\"contains\", \"event:page\", [\"/\"]], [\"is_not\", \"event:name\", [\"pageview\"]]]")
        .flatMap(filters -> Stream.of(
            Arguments.of(filters, List.of()),
            Arguments.of(filters, List.of("visit:source")),
            Arguments.of(filters, List.of("time:day"))));
  }

  @ParameterizedTest(name = "{0} by {1}")
  @MethodSource("filterCases")
  @DisplayName("Filters of every operator, level and combination match the oracle")
  void filters(String filters, List<String> dimensions) throws Exception {
    JsonObject body = body("shop.example.com", List.of("2025-03-01", "2025-03-31"), ALL_METRICS, dimensions)
        .put("filters", new JsonArray(filters));
    JsonObject answer = check(body);
    assertThat(answer.getJsonArray("results").stream()
        .anyMatch(r -> ((JsonObject) r).getJsonArray("metrics").getLong(0) > 0)).isTrue();
  }

  @Test
  @DisplayName("Several dimensions at once (time with visit, event with visit, two visit) match the oracle")
  void multipleDimensions() throws Exception {
    check(body("shop.example.com", "30d", ALL_METRICS, List.of("time:week", "visit:device")));
    check(body("blog.example.org", "30d", EVENT_METRICS, List.of("event:name", "visit:entry_page")));
    check(body("shop.example.com", "30d", ALL_METRICS, List.of("visit:source", "visit:country"))
        .put("filters", new JsonArray("[[\"contains\", \"event:page\", [\"o\"]]]")));
    check(body("münchen.example.de", "30d", EVENT_METRICS, List.of("time:day", "event:page", "visit:browser"))
        .put("filters", new JsonArray("[[\"is_not\", \"visit:os\", [\"iOS\"]]]")));
  }

  @Test
  @DisplayName("Each count asked alone (a statement reading no column of its own) matches the oracle; a site without goals has no goal groups")
  void singleMetrics() throws Exception {
    for (String metric : List.of("visits", "visitors", "pageviews", "events")) {
      JsonObject answer = check(body("shop.example.com", "30d", List.of(metric), List.of()));
      assertThat(((Number) rows(answer).get(0).metrics().get(0)).longValue()).as(metric).isPositive();
    }
    JsonObject noGoals = check(body("docs.example.net", "30d", List.of("visitors", "events"), List.of("event:goal")));
    assertThat(noGoals.getJsonArray("results")).isEmpty();
  }

  @Test
  @DisplayName("Event-level filters with an event dimension keep only event metrics and match the oracle")
  void eventFilterEventDimension() throws Exception {
    check(body("shop.example.com", "30d", EVENT_METRICS, List.of("event:page", "visit:country"))
        .put("filters", new JsonArray("[[\"is_not\", \"event:name\", [\"pageview\"]], [\"is\", \"visit:device\", [\"Desktop\"]]]")));
  }

  @ParameterizedTest(name = "goal {0} by {1}")
  @MethodSource("goalCases")
  @DisplayName("Conversion rate is converting visitors over all visitors of the group, as the oracle says")
  void conversionRate(String goal, List<String> dimensions) throws Exception {
    JsonObject answer = check(body("shop.example.com", "30d", List.of("visitors", "conversion_rate", "events"), dimensions)
        .put("filters", new JsonArray("[" + goal + ", [\"is_not\", \"visit:country\", [\"US\"]]]")));
    assertThat(answer.getJsonArray("results")).isNotEmpty();
  }

  Stream<Arguments> goalCases() {
    return Stream.of(
        Arguments.of("[\"is\", \"event:name\", [\"Signup\"]]", List.of()),
        Arguments.of("[\"is\", \"event:name\", [\"Signup\", \"Purchase\"]]", List.of("visit:source")),
        Arguments.of("[\"is\", \"event:page\", [\"/pricing\"]]", List.of("time:day")),
        Arguments.of("[\"is\", \"event:name\", [\"Purchase\"]]", List.of("event:page")));
  }

  Stream<Arguments> goalDimensionCases() {
    return Stream.of(
        Arguments.of("shop.example.com", List.of("event:goal"), "[]"),
        Arguments.of("shop.example.com", List.of("event:goal", "visit:source"), "[]"),
        Arguments.of("shop.example.com", List.of("time:day", "event:goal"), "[]"),
        Arguments.of("shop.example.com", List.of("event:goal", "event:page"), "[]"),
        Arguments.of("shop.example.com", List.of("event:goal"), "[[\"is\", \"visit:device\", [\"Mobile\"]]]"),
        Arguments.of("shop.example.com", List.of("event:goal"),
            "[[\"matches\", \"event:goal\", [\"*i*\"]], [\"is_not\", \"visit:country\", [\"US\"]]]"),
        Arguments.of("blog.example.org", List.of("event:goal", "visit:entry_page"), "[]"));
  }

  @ParameterizedTest(name = "{1} on {0} with {2}")
  @MethodSource("goalDimensionCases")
  @DisplayName("The goal breakdown counts each goal's converting visitors and events, and its conversion rate, as the oracle says")
  void goalDimension(String site, List<String> dimensions, String filters) throws Exception {
    JsonObject answer = check(body(site, "30d", List.of("visitors", "events", "conversion_rate", "pageviews", "visits"),
        dimensions).put("filters", new JsonArray(filters)));
    assertThat(answer.getJsonArray("results")).isNotEmpty();
  }

  Stream<Arguments> goalFilterCases() {
    return Stream.of(
        "[\"is\", \"event:goal\", [\"Signup\"]]",
        "[\"is\", \"event:goal\", [\"Visit /blog*\", \"Purchase\"]]",
        "[\"is\", \"event:goal\", [\"pricing\", \"o'brien's \\\\ PAGE\"], {\"case_sensitive\": false}]",
        "[\"contains\", \"event:goal\", [\"DOC\", \"blog\"], {\"case_sensitive\": false}]",
        "[\"matches\", \"event:goal\", [\"P*\"]]",
        "[\"is_not\", \"event:goal\", [\"Any page\"]]",
        "[\"is\", \"event:goal\", [\"Never\"]]",
        "[\"contains\", \"event:goal\", [\"no goal has this\"]]")
        .flatMap(goal -> Stream.of(
            Arguments.of(goal, List.of()),
            Arguments.of(goal, List.of("visit:source")),
            Arguments.of(goal, List.of("time:day")),
            Arguments.of(goal, List.of("event:page"))));
  }

  @ParameterizedTest(name = "{0} by {1}")
  @MethodSource("goalFilterCases")
  @DisplayName("Goal filters keep the visitors and events that converted the goals they name, and conversion rate divides by all visitors")
  void goalFilters(String goal, List<String> dimensions) throws Exception {
    List<String> metrics = dimensions.contains("event:page") ? List.of("visitors", "events", "conversion_rate")
        : List.of("visitors", "visits", "pageviews", "events", "bounce_rate", "conversion_rate");
    check(body("shop.example.com", List.of("2025-03-01", "2025-03-31"), metrics, dimensions)
        .put("filters", new JsonArray("[" + goal + ", [\"is_not\", \"visit:browser\", [\"Edge\"]]]")));
  }

  @Test
  @DisplayName("A goal's breakdown by property, and a property filter under a goal, divide conversions by all visitors")
  void goalProperties() throws Exception {
    JsonObject byPlan = check(body("shop.example.com", "30d", List.of("visitors", "events", "conversion_rate"),
        List.of("event:props:plan")).put("filters", new JsonArray("[[\"is\", \"event:goal\", [\"Signup\"]]]")));
    assertThat(rows(byPlan).stream().map(r -> r.dimensions().get(0))).contains("free", "pro");
    check(body("shop.example.com", "30d", List.of("visitors", "conversion_rate"), List.of("visit:device"))
        .put("filters", new JsonArray("[[\"is\", \"event:goal\", [\"Signup\"]], [\"is\", \"event:props:plan\", [\"pro\"]]]")));
    check(body("shop.example.com", "30d", List.of("visitors", "conversion_rate"), List.of("event:goal", "event:props:plan")));
  }

  @Test
  @DisplayName("Goal filters nested in and/or/not filter events like any event condition, without making a conversion rate")
  void nestedGoalFilters() throws Exception {
    check(body("shop.example.com", "30d", ALL_METRICS, List.of("visit:source"))
        .put("filters", new JsonArray("[[\"or\", [[\"is\", \"event:goal\", [\"Signup\"]], [\"contains\", \"event:page\", [\"docs\"]]]]]")));
    check(body("shop.example.com", "30d", ALL_METRICS, List.of())
        .put("filters", new JsonArray("[[\"not\", [\"matches\", \"event:goal\", [\"*\"]]]]")));
  }

  @Test
  @DisplayName("A goal breakdown's totals count conversions of any goal, and paged comparisons keep every goal's own base")
  void goalTotalsAndComparisons() throws Exception {
    // Without total_rows, so both stores page in SQL and compare only the page's goals.
    JsonObject answer = checkGoalTotalsAndComparisons(List.of("visitors", "events", "conversion_rate"),
        new JsonObject().put("limit", 3).put("offset", 1));
    assertThat(answer.getJsonArray("results")).hasSize(3);
  }

  /**
   * A goal breakdown of the second half of March with totals and the previous period: the rows,
   * the totals (the conversions of any goal) and every row's comparison as the oracle says.
   */
  private JsonObject checkGoalTotalsAndComparisons(List<String> metrics, JsonObject pagination) throws Exception {
    JsonObject body = body("shop.example.com", List.of("2025-03-15", "2025-03-28"), metrics, List.of("event:goal"))
        .put("include", new JsonObject().put("totals", true)
            .put("comparisons", new JsonObject().put("mode", "previous_period")));
    if (pagination != null) {
      body.put("pagination", pagination);
    }
    JsonObject answer = checkComparisons(body);
    ZoneId zone = ZONES.get("shop.example.com");
    StatsOracle.Range range = oracle.range(body, "shop.example.com", zone, NOW);
    JsonObject anyGoal = body("shop.example.com", List.of("2025-03-15", "2025-03-28"), metrics, List.of())
        .put("filters", new JsonArray("[[\"matches\", \"event:goal\", [\"*\"]]]"));
    List<Object> totals = oracle.answer(anyGoal, "shop.example.com", zone, range).get(List.of());
    JsonObject actual = answer.getJsonObject("meta").getJsonObject("totals");
    assertThat(numbers(metrics.stream().map(actual::getValue).toList())).isEqualTo(numbers(totals));
    return answer;
  }

  Stream<Arguments> revenueCases() {
    List<String> march = List.of("2025-03-01", "2025-03-31");
    return Stream.of(
        Arguments.of("shop.example.com", "30d", List.of("event:goal"), "[]"),
        Arguments.of("shop.example.com", march, List.of("event:goal", "visit:source"), "[[\"is_not\", \"visit:device\", [\"Mobile\"]]]"),
        Arguments.of("shop.example.com", march, List.of("time:day"), "[[\"is\", \"event:goal\", [\"Purchase\"]]]"),
        Arguments.of("shop.example.com", march, List.of("visit:country"),
            "[[\"is\", \"event:goal\", [\"Purchase\"]], [\"is_not\", \"visit:browser\", [\"Edge\"]]]"),
        // Purchase (EUR) and Pricing (no currency): the revenue is Purchase's, in euros.
        Arguments.of("shop.example.com", "30d", List.of("event:page"), "[[\"matches\", \"event:goal\", [\"P*\"]]]"),
        Arguments.of("shop.example.com", "30d", List.of(), "[[\"is\", \"event:goal\", [\"Purchase\"]]]"),
        Arguments.of("shop.example.com", "30d", List.of("event:props:plan"), "[[\"is\", \"event:goal\", [\"Signup\"]]]"),
        Arguments.of(EdgeCases.SITE, "all", List.of("event:goal"), "[]"),
        Arguments.of(EdgeCases.SITE, "all", List.of("time:day"), "[[\"is\", \"event:goal\", [\"Purchase\"]]]"),
        // Goals in euros and dollars at once: no one currency, no revenue value.
        Arguments.of(EdgeCases.SITE, "all", List.of(), "[[\"is\", \"event:goal\", [\"Purchase\", \"Tip\"]]]"));
  }

  @ParameterizedTest(name = "{2} on {0} over {1} with {3}")
  @MethodSource("revenueCases")
  @DisplayName("Total and average revenue sum each goal's conversions in its currency, leave other currencies out and count them, as the oracle says")
  void revenue(String site, Object range, List<String> dimensions, String filters) throws Exception {
    List<String> metrics = dimensions.stream().anyMatch(d -> d.startsWith("event:page") || d.startsWith("event:props"))
        ? List.of("visitors", "events", "total_revenue", "average_revenue")
        : List.of("visitors", "events", "total_revenue", "average_revenue", "conversion_rate");
    JsonObject answer = check(body(site, range, metrics, dimensions).put("filters", new JsonArray(filters)));
    assertThat(answer.getJsonArray("results")).isNotEmpty();
  }

  @Test
  @DisplayName("Revenue by hand: 0.10 + 0.20 + 19.99 - 5 EUR is 15.29 over 4 purchases (3.82), dollars for a euro goal are counted apart, and ten purchases near a trillion sum past 64 bits exactly")
  void revenueByHand() throws Exception {
    List<String> metrics = List.of("events", "total_revenue", "average_revenue");
    JsonObject day = check(body(EdgeCases.SITE, List.of("2025-03-26", "2025-03-26"), metrics, List.of("event:goal")));
    Map<String, List<Object>> byGoal = new HashMap<>();
    rows(day).forEach(r -> byGoal.put(r.dimensions().get(0), numbers(r.metrics())));
    assertThat(byGoal.get("Purchase")).isEqualTo(numbers(List.of(6L, money("15.29", "EUR"), money("3.82", "EUR"))));
    assertThat(byGoal.get("Tip")).isEqualTo(numbers(List.of(2L, money("2.50", "USD"), money("2.50", "USD"))));
    assertThat(day.getJsonObject("meta").getLong("revenue_excluded_events")).isEqualTo(2L);

    JsonObject large = check(body(EdgeCases.SITE, List.of("2025-03-27", "2025-03-27"), metrics, List.of())
        .put("filters", new JsonArray("[[\"is\", \"event:goal\", [\"Purchase\"]]]")));
    assertThat(numbers(rows(large).get(0).metrics())).isEqualTo(numbers(List.of(10L,
        money("9999999999999.99999", "EUR"), money("1000000000000.00", "EUR"))));
  }

  @Test
  @DisplayName("Revenue totals of a goal breakdown and its comparison with the previous period carry the oracle's numbers")
  void revenueTotalsAndComparisons() throws Exception {
    // Totals: the conversions of any goal, their revenue in the one currency of the site's revenue goals.
    JsonObject answer = checkGoalTotalsAndComparisons(List.of("visitors", "total_revenue", "average_revenue"), null);
    assertThat(answer.getJsonObject("meta").getJsonObject("totals").getJsonObject("total_revenue").getString("currency"))
        .isEqualTo("EUR");
  }

  private static JsonObject money(String value, String currency) {
    return new JsonObject().put("value", value).put("currency", currency);
  }

  Stream<Arguments> engagementCases() {
    List<String> withPages = List.of("visitors", "pageviews", "scroll_depth", "time_on_page");
    List<String> engagementOnly = List.of("scroll_depth", "time_on_page");
    List<String> withSessions = List.of("visitors", "bounce_rate", "time_on_page", "scroll_depth", "views_per_visit");
    return Stream.of(
        Arguments.of("shop.example.com", List.of("2025-03-01", "2025-03-31"), withPages, List.of("event:page"), "[]"),
        Arguments.of("shop.example.com", "30d", engagementOnly, List.of("event:page", "visit:device"), "[]"),
        Arguments.of("shop.example.com", "30d", engagementOnly, List.of("event:page"),
            "[[\"is_not\", \"visit:source\", [\"Google\"]]]"),
        Arguments.of("shop.example.com", "30d", withPages, List.of("time:day"),
            "[[\"contains\", \"event:page\", [\"/blog\"]]]"),
        Arguments.of("shop.example.com", "30d", withSessions, List.of("visit:country"),
            "[[\"is\", \"event:page\", [\"/pricing\", \"/\"]]]"),
        Arguments.of("shop.example.com", "7d", withSessions, List.of(),
            "[[\"matches\", \"event:page\", [\"/docs/*\"]]]"),
        Arguments.of("blog.example.org", "30d", withPages, List.of("event:page", "event:hostname"),
            "[[\"matches\", \"visit:entry_page\", [\"/blog*\"]]]"),
        Arguments.of("blog.example.org", "30d", withPages, List.of("event:page", "visit:exit_page"), "[]"),
        Arguments.of("münchen.example.de", "7d", withPages, List.of("event:page", "time:hour"), "[]"),
        Arguments.of(EdgeCases.SITE, "all", withPages, List.of("event:page"), "[]"),
        Arguments.of(EdgeCases.SITE, "all", engagementOnly, List.of("event:page"), "[]"),
        Arguments.of(EdgeCases.SITE, "all", engagementOnly, List.of("event:page"),
            "[[\"not\", [\"is\", \"visit:entry_page\", [\"/nowhere\"]]]]"));
  }

  @ParameterizedTest(name = "{2} by {3} on {0} over {1} with {4}")
  @MethodSource("engagementCases")
  @DisplayName("Scroll depth and time on page average each visit's deepest scroll and engaged time per page, as the oracle says")
  void engagement(String site, Object range, List<String> metrics, List<String> dimensions, String filters) throws Exception {
    JsonObject answer = check(body(site, range, metrics, dimensions).put("filters", new JsonArray(filters)));
    int scroll = metrics.indexOf("scroll_depth");
    assertThat(answer.getJsonArray("results").stream()
        .map(r -> ((JsonObject) r).getJsonArray("metrics").getValue(scroll)))
        .as("some group had engagement").anyMatch(v -> v != null);
  }

  @Test
  @DisplayName("A page two visits read to 80 % and 45 % for 7.5 s and 1.5 s has a scroll depth of 63 and a time on page of 5 s")
  void engagementByHand() throws Exception {
    JsonObject answer = ask(body(EdgeCases.SITE, List.of("2025-03-24", "2025-03-24"),
        List.of("visitors", "scroll_depth", "time_on_page"), List.of("event:page")));
    Map<String, List<Object>> byPage = new HashMap<>();
    rows(answer).forEach(r -> byPage.put(r.dimensions().get(0), new ArrayList<>(r.metrics())));
    assertThat(numbers(byPage.get("/read"))).isEqualTo(numbers(List.of(2, 63, 5)));
    assertThat(numbers(byPage.get("/read/2"))).isEqualTo(numbers(List.of(1, 100, 55)));
  }

  @Test
  @DisplayName("Pages ordered by scroll depth, and top pages paged in the store with their engagement, match the oracle")
  void engagementOrderAndPaging() throws Exception {
    check(body("shop.example.com", "30d", List.of("scroll_depth", "visitors", "time_on_page"), List.of("event:page"))
        .put("order_by", new JsonArray("[[\"time_on_page\", \"desc\"]]"))
        .put("pagination", new JsonObject().put("limit", 5).put("offset", 1)));
    JsonObject paged = body("shop.example.com", "30d", List.of("visitors", "pageviews", "scroll_depth", "time_on_page"),
        List.of("event:page"))
        .put("order_by", new JsonArray("[[\"visitors\", \"desc\"]]"))
        .put("pagination", new JsonObject().put("limit", 4).put("offset", 2))
        .put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", "previous_period")));
    assertThat(checkComparisons(paged).getJsonArray("results")).hasSize(4);
  }

  /** Asks for the site's funnel of the given goals and checks every number against the oracle's. */
  JsonObject checkFunnel(String site, Object range, List<String> steps, String filters) throws Exception {
    JsonObject request = new JsonObject().put("site_id", site).put("funnel", "F")
        .put("date_range", range instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : range)
        .put("filters", new JsonArray(filters));
    FunnelQuery query = parser.parseFunnel(request.toBuffer());
    List<Goal> goals = goals(site);
    List<Goal> stepGoals = steps.stream()
        .map(name -> goals.stream().filter(g -> g.displayName().equals(name)).findFirst().orElseThrow()).toList();
    JsonObject answer = await(service.funnel(query, site, ZONES.get(site),
        new Funnel(1, site, "F", stepGoals, 0), goals)).body().toJsonObject();
    StatsOracle.FunnelCounts expected = oracle.funnel(request, site, ZONES.get(site), NOW, steps);
    JsonArray actual = answer.getJsonArray("steps");
    assertThat(actual.stream().map(o -> ((JsonObject) o).getString("name")).toList()).isEqualTo(steps);
    assertThat(actual.stream().map(o -> ((JsonObject) o).getLong("visitors")).toList())
        .as("visitors per step of %s", request.encode()).isEqualTo(expected.steps());
    long entering = expected.steps().get(0);
    for (int k = 0; k < steps.size(); k++) {
      JsonObject step = actual.getJsonObject(k);
      long here = expected.steps().get(k);
      long before = k == 0 ? here : expected.steps().get(k - 1);
      assertThat(numbers(List.of(step.getValue("conversion_rate"), step.getValue("conversion_rate_step"),
          step.getValue("dropoff"), step.getValue("dropoff_percentage"))))
          .as("step %d of %s", k + 1, request.encode())
          .isEqualTo(numbers(List.of(percent(here, entering), percent(here, before), before - here,
              percent(before - here, before))));
    }
    assertThat(answer.getJsonObject("meta").getLong("all_visitors")).isEqualTo(expected.allVisitors());
    assertEchoed(answer.getJsonObject("query").getJsonArray("date_range"),
        oracle.range(request, site, ZONES.get(site), NOW), ZONES.get(site), request);
    return answer;
  }

  private static BigDecimal percent(long part, long whole) {
    return whole == 0 ? BigDecimal.ZERO
        : BigDecimal.valueOf(100L * part).divide(BigDecimal.valueOf(whole), 2, java.math.RoundingMode.HALF_UP);
  }

  Stream<Arguments> funnelCases() {
    return Stream.of(
        Arguments.of("shop.example.com", "30d", List.of("Visit /blog*", "Signup"), "[]"),
        Arguments.of("shop.example.com", "30d", List.of("Pricing", "Signup", "Purchase"), "[]"),
        Arguments.of("shop.example.com", List.of("2025-03-01", "2025-03-31"), List.of("Any page", "Pricing", "Docs", "Signup"),
            "[[\"is_not\", \"visit:country\", [\"US\"]]]"),
        Arguments.of("shop.example.com", "30d", List.of("Signup", "Purchase"),
            "[[\"is_not\", \"event:hostname\", [\"www.shop.example.com\"]], [\"is\", \"visit:device\", [\"Mobile\"]]]"),
        Arguments.of("shop.example.com", "7d", List.of("Pricing", "Any page", "Visit /blog*", "Docs", "Signup", "Purchase",
            "O'Brien's \\ page", "Never"), "[[\"matches\", \"visit:entry_page\", [\"/*\"]]]"),
        Arguments.of("blog.example.org", "30d", List.of("Read a post", "Outbound"), "[]"),
        Arguments.of(EdgeCases.SITE, "all", List.of("Pricing", "Signup"), "[]"),
        Arguments.of(EdgeCases.SITE, "all", List.of("Any page", "Pricing"), "[]"));
  }

  @ParameterizedTest(name = "{2} on {0} over {1} with {3}")
  @MethodSource("funnelCases")
  @DisplayName("Funnels count the visitors whose one visit reaches each step in order, as the oracle says")
  void funnel(String site, Object range, List<String> steps, String filters) throws Exception {
    JsonObject answer = checkFunnel(site, range, steps, filters);
    assertThat(answer.getJsonArray("steps").getJsonObject(0).getLong("visitors")).isPositive();
  }

  @Test
  @DisplayName("A funnel counts steps in order within one visit: out of order, or across two visits of one visitor, stops at step 1")
  void funnelByHand() throws Exception {
    // Visitors 120 (in order), 121 (out of order), 122 (two visits), 123 and 124 (one millisecond:
    // the smaller event id first): only 120 and 123 reach Signup after Pricing; 107 signed up without.
    JsonObject answer = checkFunnel(EdgeCases.SITE, List.of("2025-03-25", "2025-03-25"), List.of("Pricing", "Signup"), "[]");
    assertThat(answer.getJsonArray("steps").stream().map(o -> ((JsonObject) o).getLong("visitors")).toList())
        .containsExactly(5L, 2L);
    assertThat(answer.getJsonArray("steps").getJsonObject(1).getDouble("conversion_rate")).isEqualTo(40.0);
    assertThat(answer.getJsonArray("steps").getJsonObject(1).getLong("dropoff")).isEqualTo(3L);
    // A pageview of /pricing converts both goals but is one step: "Pricing" needs a later pageview,
    // and every visit that day viewed /pricing first (or only).
    JsonObject overlapping = checkFunnel(EdgeCases.SITE, List.of("2025-03-25", "2025-03-25"), List.of("Any page", "Pricing"), "[]");
    assertThat(overlapping.getJsonArray("steps").stream().map(o -> ((JsonObject) o).getLong("visitors")).toList())
        .containsExactly(5L, 0L);
  }

  Stream<Arguments> propKeyCases() {
    return Stream.of(
        Arguments.of("shop.example.com", "30d", "[[\"is\", \"event:goal\", [\"Purchase\"]]]"),
        Arguments.of("shop.example.com", "30d", "[]"),
        Arguments.of("blog.example.org", "30d", "[[\"contains\", \"event:page\", [\"/blog\"]], [\"is\", \"visit:device\", [\"Mobile\"]]]"),
        Arguments.of(EdgeCases.SITE, "all", "[]"));
  }

  @ParameterizedTest(name = "{0} over {1} with {2}")
  @MethodSource("propKeyCases")
  @DisplayName("The property keys of the matching events come with their visitors and events, most frequent first, as the oracle says")
  void propKeys(String site, Object range, String filters) throws Exception {
    JsonObject request = new JsonObject().put("site_id", site).put("date_range", range).put("filters", new JsonArray(filters));
    Query query = parser.parsePropKeys(request.toBuffer());
    JsonObject answer = await(service.propKeys(query, site, ZONES.get(site), goals(site))).body().toJsonObject();
    Map<String, List<Long>> expected = oracle.propKeys(request, site, ZONES.get(site), NOW);
    List<Map.Entry<String, List<Long>>> ordered = expected.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, List<Long>> e) -> e.getValue().get(1)).reversed()
            .thenComparing(e -> e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned))
        .limit(StatsService.PROP_KEYS_LIMIT).toList();
    List<List<Object>> actual = answer.getJsonArray("results").stream().map(JsonObject.class::cast)
        .map(o -> List.<Object>of(o.getString("key"), o.getLong("visitors"), o.getLong("events"))).toList();
    assertThat(actual).as(request.encode())
        .isEqualTo(ordered.stream().map(e -> List.<Object>of(e.getKey(), e.getValue().get(0), e.getValue().get(1))).toList());
    assertThat(actual).isNotEmpty();
  }

  @Test
  @DisplayName("Top 10 pages by visitors, paged in the store, are the oracle's top 10 with ties broken by name")
  void topTen() throws Exception {
    for (String dimension : List.of("event:page", "visit:source", "visit:country")) {
      JsonObject body = body("shop.example.com", "30d", List.of("visitors", "pageviews"), List.of(dimension))
          .put("order_by", new JsonArray("[[\"visitors\", \"desc\"]]"))
          .put("pagination", new JsonObject().put("limit", 10).put("offset", 2))
          .put("include", new JsonObject().put("total_rows", true));
      JsonObject answer = check(body);
      ZoneId zone = ZONES.get("shop.example.com");
      Map<List<String>, List<Object>> expected = oracle.answer(body, "shop.example.com", zone,
          oracle.range(body, "shop.example.com", zone, NOW));
      List<List<String>> expectedPage = expected.entrySet().stream()
          .map(e -> new StatsOracle.Row(e.getKey(), e.getValue()))
          .sorted(StatsOracle.order(body))
          .skip(2).limit(10).map(StatsOracle.Row::dimensions).toList();
      assertThat(rows(answer).stream().map(StatsOracle.Row::dimensions).toList()).as(dimension)
          .isEqualTo(expectedPage);
      assertThat(answer.getJsonObject("meta").getLong("total_rows")).isEqualTo(expected.size());
    }
  }

  @Test
  @DisplayName("Ordering by a session metric happens after the fact and still pages correctly")
  void orderBySessionMetric() throws Exception {
    JsonObject body = body("shop.example.com", "30d", List.of("bounce_rate", "visitors"), List.of("visit:browser"))
        .put("order_by", new JsonArray("[[\"bounce_rate\", \"asc\"]]"))
        .put("pagination", new JsonObject().put("limit", 3));
    JsonObject answer = check(body);
    List<Long> rates = answer.getJsonArray("results").stream()
        .map(r -> ((JsonObject) r).getJsonArray("metrics").getLong(0)).toList();
    assertThat(rates).hasSize(3).isSorted();
  }

  @Test
  @DisplayName("Comparisons with the previous period and the previous year carry the oracle's numbers for that period and its change")
  void comparisons() throws Exception {
    // February 2025 a year back is 2024-02-01 to 2024-02-28: the same dates, not the same month.
    List<List<String>> ranges = List.of(List.of("2025-03-15", "2025-03-28"), List.of("2025-02-01", "2025-02-28"));
    for (String mode : List.of("previous_period", "year_over_year")) {
      for (List<String> range : ranges) {
        for (List<String> dims : List.of(List.<String>of(), List.of("visit:source"), List.of("time:day"),
            List.of("visit:device", "time:week"))) {
          checkComparisons(body("shop.example.com", range, ALL_METRICS, dims)
              .put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", mode))));
        }
      }
    }
  }

  @Test
  @DisplayName("Running periods (today, month and year to date) compare with the same elapsed part of the period before, and a custom comparison with its own dates")
  void runningPeriodComparisons() throws Exception {
    for (String mode : List.of("previous_period", "year_over_year")) {
      for (String range : List.of("day", "month", "year", "6mo")) {
        for (String site : List.of("shop.example.com", "blog.example.org")) {
          checkComparison(site, range, List.of(), new JsonObject().put("mode", mode));
        }
      }
      checkComparison("shop.example.com", "day", List.of("time:hour"), new JsonObject().put("mode", mode));
      checkComparison("shop.example.com", "month", List.of("time:day"), new JsonObject().put("mode", mode));
    }
    JsonObject custom = new JsonObject().put("mode", "custom").put("date_range", new JsonArray().add("2025-02-03").add("2025-02-09"));
    checkComparison("shop.example.com", "7d", List.of(), custom);
    checkComparison("shop.example.com", "7d", List.of("time:day"), custom);
    checkComparison("blog.example.org", "month", List.of("visit:source"), custom);
  }

  /** {@link #checkComparisons} for one site, range, breakdown and comparison mode. */
  private void checkComparison(String site, Object range, List<String> dims, JsonObject comparisons) throws Exception {
    checkComparisons(body(site, range, ALL_METRICS, dims)
        .put("include", new JsonObject().put("comparisons", comparisons)));
  }

  @Test
  @DisplayName("Compared hours are matched by position: the 24th hour of a day compares with nothing when the day before lost an hour to DST")
  void comparisonByPosition() throws Exception {
    JsonObject afterSpringForward = checkComparisons(body("shop.example.com", List.of("2025-03-31", "2025-03-31"),
        List.of("visitors", "pageviews", "bounce_rate"), List.of("time:hour"))
        .put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", "previous_period"))));
    JsonObject last = afterSpringForward.getJsonArray("results").getJsonObject(23);
    assertThat(last.getJsonObject("comparison").getJsonArray("dimensions").getList()).containsExactly((Object) null);
    // The time dimension second, engagement (null where none was measured) and percentages.
    checkComparisons(body("shop.example.com", List.of("2025-03-30", "2025-03-31"),
        List.of("visitors", "percentage", "scroll_depth", "time_on_page"), List.of("event:page", "time:hour"))
        .put("include", new JsonObject().put("comparisons", new JsonObject().put("mode", "previous_period"))));
  }

  /**
   * {@link #check} for a request with comparisons, and every result's comparison as the oracle
   * says: the period echoed; the group compared with, a time bucket by its position in the range
   * (none beyond the compared range's buckets); that group's numbers; the change between them.
   */
  JsonObject checkComparisons(JsonObject body) throws Exception {
    JsonObject answer = check(body);
    String site = body.getString("site_id");
    ZoneId zone = ZONES.get(site);
    StatsOracle.Range range = oracle.range(body, site, zone, NOW);
    StatsOracle.Range compared = oracle.comparisonRange(body, range, zone, NOW);
    assertEchoed(answer.getJsonObject("meta").getJsonArray("comparison_date_range"), compared, zone, body);
    Map<List<String>, List<Object>> previous = oracle.answer(body, site, zone, compared);
    List<String> metrics = StatsOracle.metrics(body);
    List<String> dimensions = StatsOracle.dimensions(body);
    String time = dimensions.stream().filter(d -> d.startsWith("time:")).findFirst().orElse(null);
    int timeIndex = dimensions.indexOf(time);
    List<String> labels = time == null ? List.of() : StatsOracle.timeLabels(time, range, zone);
    List<String> comparedLabels = time == null ? List.of() : StatsOracle.timeLabels(time, compared, zone);
    List<StatsOracle.Row> lines = rows(answer);
    for (int i = 0; i < lines.size(); i++) {
      StatsOracle.Row row = lines.get(i);
      List<String> key = new ArrayList<>(row.dimensions());
      if (timeIndex >= 0) {
        int position = labels.indexOf(key.get(timeIndex));
        key.set(timeIndex, position < comparedLabels.size() ? comparedLabels.get(position) : null);
      }
      JsonObject comparison = answer.getJsonArray("results").getJsonObject(i).getJsonObject("comparison");
      assertThat(comparison.getJsonArray("dimensions").getList()).as("compared group of %s in %s", row.dimensions(), body.encode())
          .isEqualTo(key);
      List<Object> want = previous.getOrDefault(key, oracle.empty(body, site, key));
      assertThat(numbers(comparison.getJsonArray("metrics").getList())).as("%s of %s in %s", metrics, key, body.encode())
          .isEqualTo(numbers(want));
      assertThat(numbers(comparison.getJsonArray("change").getList())).as("change of %s in %s", row.dimensions(), body.encode())
          .isEqualTo(numbers(StatsOracle.change(metrics, row.metrics(), want)));
    }
    return answer;
  }

  @Test
  @DisplayName("Totals and total rows accompany a paged breakdown and equal the oracle's unbroken numbers")
  void totals() throws Exception {
    JsonObject body = body("shop.example.com", "30d", ALL_METRICS, List.of("visit:country"))
        .put("pagination", new JsonObject().put("limit", 2))
        .put("include", new JsonObject().put("totals", true).put("total_rows", true));
    JsonObject answer = check(body);
    JsonObject unbroken = body("shop.example.com", "30d", ALL_METRICS, List.of());
    ZoneId zone = ZONES.get("shop.example.com");
    List<Object> expected = oracle.answer(unbroken, "shop.example.com", zone,
        oracle.range(unbroken, "shop.example.com", zone, NOW)).get(List.of());
    JsonObject totals = answer.getJsonObject("meta").getJsonObject("totals");
    List<Object> actual = ALL_METRICS.stream().map(totals::getValue).toList();
    assertThat(numbers(actual)).isEqualTo(numbers(expected));
    assertThat(answer.getJsonArray("results")).hasSize(2);
  }

  @Test
  @DisplayName("Time series come gap-filled with every label of the range, and the labels are listed in meta")
  void gapFilled() throws Exception {
    JsonObject answer = check(body(EdgeCases.SITE, List.of("2025-03-25", "2025-03-31"), List.of("visitors"), List.of("time:day"))
        .put("include", new JsonObject().put("time_labels", true)));
    List<Object> labels = answer.getJsonObject("meta").getJsonArray("time_labels").getList();
    assertThat(labels).containsExactly("2025-03-25", "2025-03-26", "2025-03-27", "2025-03-28", "2025-03-29",
        "2025-03-30", "2025-03-31");
    assertThat(answer.getJsonArray("results").stream().map(r -> ((JsonObject) r).getJsonArray("dimensions").getString(0)))
        .containsExactlyElementsOf(labels.stream().map(String::valueOf).toList());
  }

  @Test
  @DisplayName("Realtime counts visitors of the last five minutes and pageviews in each of the last thirty")
  void realtime() throws Exception {
    JsonObject answer = await(service.realtime(EdgeCases.SITE, ZONES.get(EdgeCases.SITE))).body().toJsonObject();
    assertThat(answer.getLong("visitors")).isEqualTo(EdgeCases.realtimeVisitors(raw, NOW));
    JsonArray minutes = answer.getJsonArray("pageviews_per_minute");
    assertThat(minutes).hasSize(30);
    Map<String, Long> expected = EdgeCases.realtimePageviews(raw, NOW, ZONES.get(EdgeCases.SITE));
    for (Object o : minutes) {
      JsonObject m = (JsonObject) o;
      assertThat(m.getLong("pageviews")).as(m.getString("minute"))
          .isEqualTo(expected.getOrDefault(m.getString("minute"), 0L));
    }
    assertThat(minutes.getJsonObject(29).getString("minute")).isEqualTo("2025-03-31T14:00+02:00");
    assertThat(top(answer.getJsonArray("top_pages")))
        .isEqualTo(EdgeCases.realtimeTop(raw, NOW, Event::pathname)).hasSize(3);
    assertThat(top(answer.getJsonArray("top_sources")))
        .isEqualTo(EdgeCases.realtimeTop(raw, NOW, e -> e.referrerSource().isEmpty() ? "Direct / None" : e.referrerSource()))
        .hasSize(2);
  }

  private static List<Map.Entry<String, Long>> top(JsonArray rows) {
    return rows.stream().map(JsonObject.class::cast)
        .map(r -> Map.entry(r.getString("value"), r.getLong("visitors"))).toList();
  }

  @Test
  @DisplayName("Replayed events are counted once: pageviews equal the number of distinct stored pageview ids")
  void deduplicated() throws Exception {
    JsonObject answer = ask(body("shop.example.com", List.of("2024-01-01", "2025-12-31"), List.of("pageviews", "events"), List.of()));
    long distinctPageviews = EventGenerator.distinct(raw).stream()
        .filter(e -> e.site().equals("shop.example.com") && e.isPageview()).count();
    assertThat(answer.getJsonArray("results").getJsonObject(0).getJsonArray("metrics").getLong(0))
        .isEqualTo(distinctPageviews);
    assertThat(raw.size()).isGreaterThan(EventGenerator.distinct(raw).size());
  }

  Stream<String> payloads() {
    return EdgeCases.PAYLOADS.stream();
  }

  @ParameterizedTest(name = "payload {index}: {0}")
  @MethodSource("payloads")
  @DisplayName("Injection payloads in filter values, prop keys and dimensions are plain values: exact answers, data intact")
  void injection(String payload) throws Exception {
    long stored = storedEvents();
    JsonArray values = new JsonArray().add(payload);
    String prop = "event:props:" + payload;
    JsonArray eventOps = new JsonArray();
    JsonArray visitOps = new JsonArray();
    for (String op : List.of("is", "contains", "matches")) {
      eventOps.add(new JsonArray().add(op).add("event:page").add(values));
      eventOps.add(new JsonArray().add(op).add(prop).add(values).add(new JsonObject().put("case_sensitive", false)));
      visitOps.add(new JsonArray().add(op).add("visit:source").add(values));
    }
    // Every operator and position at once (or-ed, so each literal must be right for the answer to be).
    check(body(EdgeCases.SITE, "all", EVENT_METRICS, List.of(prop, "event:page"))
        .put("filters", new JsonArray().add(new JsonArray().add("or").add(eventOps))));
    check(body(EdgeCases.SITE, "all", ALL_METRICS, List.of("visit:source"))
        .put("filters", new JsonArray().add(new JsonArray().add("or").add(visitOps))));
    check(body(EdgeCases.SITE, "all", ALL_METRICS, List.of("visit:source", "time:day"))
        .put("filters", new JsonArray()
            .add(new JsonArray().add("is_not").add("event:page").add(values))
            .add(new JsonArray().add("is_not").add(prop).add(values))
            .add(new JsonArray().add("is_not").add("visit:source").add(values))));
    JsonObject exact = ask(body(EdgeCases.SITE, "all", List.of("pageviews"), List.of())
        .put("filters", new JsonArray().add(new JsonArray().add("is").add("event:page").add(values))));
    assertThat(exact.getJsonArray("results").getJsonObject(0).getJsonArray("metrics").getLong(0)).isEqualTo(1L);
    // As the site itself (what an authorized domain could hold): nothing, and no error.
    Query q = parser.parse(body(payload.isBlank() ? "x" : payload.strip(), "all", ALL_METRICS, List.of("visit:source")));
    JsonObject none = await(service.query(q, payload, ZoneOffset.UTC)).body().toJsonObject();
    assertThat(none.getJsonArray("results")).isEmpty();
    assertThat(await(service.realtime(payload, ZoneOffset.UTC)).body().toJsonObject().getLong("visitors")).isZero();
    assertThat(storedEvents()).isEqualTo(stored);
  }

  @Test
  @DisplayName("The store still holds every distinct event after all queries ran")
  void dataIntact() throws Exception {
    assertThat(storedEvents()).isEqualTo(EventGenerator.distinct(raw).size());
  }

  private long storedEvents() throws Exception {
    return QueryRunner.toLong(await(store.query("SELECT count(*) AS n FROM "
        + io.trackflow.core.store.EventsSchema.deduplicated(store.dialect()))).rows().get(0).get(0));
  }
}
