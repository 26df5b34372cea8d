package io.trackflow.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same generated traffic (with replays) stored in ClickHouse and in DuckDB must answer the
 * same aggregate questions identically: each question is written once per dialect, the way the
 * query builder writes it, and the results (values and Java types) are compared whole.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("ClickHouse and DuckDB answer the same aggregate queries identically over the same 120k generated events")
class StoreDifferentialIT {

  private static final int EVENTS = 120_000;
  private static final int BATCH = 10_000;
  private static final String SHOP = "'shop.example.com'";
  private static final String BLOG = "'blog.example.org'";

  private final ClickHouseService clickHouseService;
  private final Vertx vertx = Vertx.vertx();
  private EventStore clickHouse;
  private EventStore duckDb;
  private Path dir;
  private List<Event> generated;

  StoreDifferentialIT(ClickHouseService clickHouseService) {
    this.clickHouseService = clickHouseService;
  }

  @BeforeAll
  void fillBothStores() throws Exception {
    dir = Files.createTempDirectory("trackflow-differential");
    clickHouse = new ClickHouseEventStore(vertx,
        ClickHouseOptions.of(clickHouseService.httpUrl(), TestNames.unique("differential")), new SimpleMeterRegistry());
    duckDb = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    await(Future.all(clickHouse.migrate(), duckDb.migrate()));

    generated = new EventGenerator(20_250_101L).generate(EVENTS);
    List<List<Event>> batches = new ArrayList<>();
    for (int from = 0; from < generated.size(); from += BATCH) {
      batches.add(generated.subList(from, Math.min(generated.size(), from + BATCH)));
    }
    // A writer that died after inserting batch 3 and before committing replays it later.
    batches.add(batches.get(3));
    for (List<Event> batch : batches) {
      await(Future.all(clickHouse.insert(batch), duckDb.insert(batch)));
    }
  }

  @AfterAll
  void closeStores() throws Exception {
    try {
      await(Future.join(clickHouse.close(), duckDb.close()));
    } finally {
      await(vertx.close());
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Question(String name, String clickHouse, String duckDb) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Question> questions() {
    return List.of(
        new Question("totals per site",
            "SELECT site, count() AS events, countIf(name = 'pageview') AS pageviews,"
                + " uniqExact(visitor_id) AS visitors, uniqExact(session_id) AS sessions"
                + " FROM events FINAL GROUP BY site ORDER BY site",
            "SELECT site, count(*) AS events, count(*) FILTER (WHERE name = 'pageview') AS pageviews,"
                + " count(DISTINCT visitor_id) AS visitors, count(DISTINCT session_id) AS sessions"
                + " FROM events GROUP BY site ORDER BY site"),
        new Question("daily series in Europe/Berlin (across the DST change)",
            "SELECT toDate(timestamp, 'Europe/Berlin') AS day, countIf(name = 'pageview') AS pageviews,"
                + " uniqExact(visitor_id) AS visitors FROM events FINAL WHERE site = " + SHOP
                + " GROUP BY day ORDER BY day",
            "SELECT CAST(timezone('Europe/Berlin', timezone('UTC', timestamp)) AS DATE) AS day,"
                + " count(*) FILTER (WHERE name = 'pageview') AS pageviews, count(DISTINCT visitor_id) AS visitors"
                + " FROM events WHERE site = " + SHOP + " GROUP BY day ORDER BY day"),
        new Question("hourly series in America/New_York for the last week",
            "SELECT toString(toStartOfHour(timestamp, 'America/New_York'), 'America/New_York') AS hour,"
                + " count() AS events, uniqExact(visitor_id) AS visitors FROM events FINAL"
                + " WHERE site = " + BLOG + " AND timestamp >= toDateTime('2025-03-25 00:00:00', 'UTC')"
                + " GROUP BY hour ORDER BY hour",
            "SELECT strftime(date_trunc('hour', timezone('America/New_York', timezone('UTC', timestamp))),"
                + " '%Y-%m-%d %H:00:00') AS hour, count(*) AS events, count(DISTINCT visitor_id) AS visitors"
                + " FROM events WHERE site = " + BLOG + " AND timestamp >= TIMESTAMP '2025-03-25 00:00:00'"
                + " GROUP BY hour ORDER BY hour"),
        new Question("top pages with visitors",
            "SELECT pathname, count() AS pageviews, uniqExact(visitor_id) AS visitors FROM events FINAL"
                + " WHERE name = 'pageview' GROUP BY pathname ORDER BY pageviews DESC, pathname LIMIT 15",
            "SELECT pathname, count(*) AS pageviews, count(DISTINCT visitor_id) AS visitors FROM events"
                + " WHERE name = 'pageview' GROUP BY pathname ORDER BY pageviews DESC, pathname LIMIT 15"),
        new Question("sessions, bounces and duration per site",
            "SELECT site, count() AS sessions, countIf(pageviews = 1) AS bounces, sum(duration) AS total_ms,"
                + " sum(duration) / count() AS avg_ms FROM (SELECT site, session_id,"
                + " countIf(name = 'pageview') AS pageviews, max(timestamp_ms) - min(timestamp_ms) AS duration"
                + " FROM events FINAL GROUP BY site, session_id) GROUP BY site ORDER BY site",
            "SELECT site, count(*) AS sessions, count(*) FILTER (WHERE pageviews = 1) AS bounces,"
                + " sum(duration) AS total_ms, sum(duration) / count(*) AS avg_ms FROM (SELECT site, session_id,"
                + " count(*) FILTER (WHERE name = 'pageview') AS pageviews,"
                + " max(timestamp_ms) - min(timestamp_ms) AS duration"
                + " FROM events GROUP BY site, session_id) GROUP BY site ORDER BY site"),
        new Question("entry pages of sessions",
            "SELECT entry, count() AS sessions FROM (SELECT session_id,"
                + " argMinIf(pathname, timestamp_ms, name = 'pageview') AS entry FROM events FINAL"
                + " WHERE site = " + SHOP + " GROUP BY session_id) GROUP BY entry ORDER BY sessions DESC, entry",
            "SELECT entry, count(*) AS sessions FROM (SELECT session_id,"
                + " coalesce(arg_min(pathname, timestamp_ms) FILTER (WHERE name = 'pageview'), '') AS entry FROM events"
                + " WHERE site = " + SHOP + " GROUP BY session_id) GROUP BY entry ORDER BY sessions DESC, entry"),
        new Question("sources and UTM mediums",
            "SELECT referrer_source, utm_medium, utm_campaign, uniqExact(visitor_id) AS visitors, count() AS pageviews"
                + " FROM events FINAL WHERE name = 'pageview' GROUP BY referrer_source, utm_medium, utm_campaign"
                + " ORDER BY visitors DESC, referrer_source, utm_medium, utm_campaign",
            "SELECT referrer_source, utm_medium, utm_campaign, count(DISTINCT visitor_id) AS visitors,"
                + " count(*) AS pageviews FROM events WHERE name = 'pageview'"
                + " GROUP BY referrer_source, utm_medium, utm_campaign"
                + " ORDER BY visitors DESC, referrer_source, utm_medium, utm_campaign"),
        new Question("devices, countries and browsers",
            "SELECT device, country, browser, browser_version, os, screen_size, uniqExact(visitor_id) AS visitors"
                + " FROM events FINAL GROUP BY device, country, browser, browser_version, os, screen_size"
                + " ORDER BY visitors DESC, device, country, browser, browser_version, os, screen_size",
            "SELECT device, country, browser, browser_version, os, screen_size, count(DISTINCT visitor_id) AS visitors"
                + " FROM events GROUP BY device, country, browser, browser_version, os, screen_size"
                + " ORDER BY visitors DESC, device, country, browser, browser_version, os, screen_size"),
        new Question("custom event props",
            "SELECT name, k, v, count() AS events FROM events FINAL ARRAY JOIN prop_keys AS k, prop_values AS v"
                + " GROUP BY name, k, v ORDER BY events DESC, name, k, v",
            "SELECT name, k, v, count(*) AS events FROM (SELECT name, unnest(prop_keys) AS k,"
                + " unnest(prop_values) AS v FROM events) GROUP BY name, k, v ORDER BY events DESC, name, k, v"),
        new Question("engagement per site",
            "SELECT site, count() AS pings, sum(engagement_millis) AS engaged_ms, sum(scroll_depth) AS scroll,"
                + " countIf(interactive = 0) AS non_interactive FROM events FINAL WHERE name = 'engagement'"
                + " GROUP BY site ORDER BY site",
            "SELECT site, count(*) AS pings, sum(engagement_millis) AS engaged_ms, sum(scroll_depth) AS scroll,"
                + " count(*) FILTER (WHERE interactive = 0) AS non_interactive FROM events WHERE name = 'engagement'"
                + " GROUP BY site ORDER BY site"),
        new Question("first and last event times and hostnames",
            "SELECT site, hostname, min(timestamp) AS first, max(timestamp_ms) AS last FROM events FINAL"
                + " GROUP BY site, hostname ORDER BY site, hostname",
            "SELECT site, hostname, min(timestamp) AS first, max(timestamp_ms) AS last FROM events"
                + " GROUP BY site, hostname ORDER BY site, hostname"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("questions")
  @DisplayName("Both stores give the same columns, rows and value types")
  void sameAnswer(Question question) throws Exception {
    QueryResult fromClickHouse = await(clickHouse.query(question.clickHouse()));
    QueryResult fromDuckDb = await(duckDb.query(question.duckDb()));

    assertThat(fromClickHouse.rows()).as("%s returns rows", question.name()).isNotEmpty();
    assertThat(fromDuckDb.columns()).isEqualTo(fromClickHouse.columns());
    assertThat(fromDuckDb.rows()).as(question.name()).containsExactlyElementsOf(fromClickHouse.rows());
    for (int r = 0; r < fromClickHouse.rows().size(); r++) {
      List<Object> a = fromClickHouse.rows().get(r);
      List<Object> b = fromDuckDb.rows().get(r);
      for (int c = 0; c < a.size(); c++) {
        assertThat(classOf(b.get(c))).as("type of %s row %d", fromClickHouse.columns().get(c), r)
            .isEqualTo(classOf(a.get(c)));
      }
    }
  }

  @Test
  @DisplayName("Both stores count each generated event once, replays and duplicates included, as computed from the raw events")
  void countsMatchTheRawEvents() throws Exception {
    List<Event> distinct = EventGenerator.distinct(generated);
    assertThat(generated.size()).as("the traffic holds replayed duplicates").isGreaterThan(distinct.size());
    Map<String, Long> pageviews = distinct.stream().filter(Event::isPageview)
        .collect(Collectors.groupingBy(Event::site, TreeMap::new, Collectors.counting()));
    List<List<Object>> expected = new ArrayList<>();
    pageviews.forEach((site, count) -> expected.add(List.of(site, count)));

    String clickHouseSql = "SELECT site, countIf(name = 'pageview') FROM events FINAL GROUP BY site ORDER BY site";
    String duckDbSql = "SELECT site, count(*) FILTER (WHERE name = 'pageview') FROM events GROUP BY site ORDER BY site";
    assertThat(await(clickHouse.query(clickHouseSql)).rows()).containsExactlyElementsOf(expected);
    assertThat(await(duckDb.query(duckDbSql)).rows()).containsExactlyElementsOf(expected);
    assertThat(await(clickHouse.query("SELECT count() FROM events FINAL")).rows())
        .containsExactly(List.of((long) distinct.size()));
    assertThat(await(duckDb.query("SELECT count(*) FROM events")).rows())
        .containsExactly(List.of((long) distinct.size()));
  }

  private static Class<?> classOf(Object value) {
    return value == null ? null : value.getClass();
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
