package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.StoredTable;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.core.testdata.ReferenceSessions;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("ClickHouse reads: merged days read plainly, a day changing under a read, and the upgrade from schema version 1")
class ClickHouseReadsIT {

  private static final Instant END = Instant.parse("2025-02-01T00:00:00Z");
  private static final Instant FROM = END.minus(Duration.ofDays(5));

  private final ClickHouseService clickHouse;
  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private ClickHouseOptions options;
  private ClickHouseEventStore store;

  ClickHouseReadsIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    options = ClickHouseOptions.of(clickHouse.httpUrl(), TestNames.unique("reads"));
    store = new ClickHouseEventStore(vertx, options, registry);
  }

  @AfterEach
  void close() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static List<Event> generated(long seed) {
    return new EventGenerator(seed, END, 4).generate(4_000);
  }

  private long viewCount(String site) throws Exception {
    return (Long) await(store.query(view -> "SELECT count(*) FROM "
        + view.rows(StoredTable.EVENTS, site, FROM, END, List.of("event_id"), null) + " AS r")).rows().get(0).get(0);
  }

  @Test
  @DisplayName("After compaction a multi-day read uses no FINAL, and a replay into a merged day makes that day read with FINAL")
  void mergedDaysReadPlainly() throws Exception {
    await(store.migrate());
    List<Event> events = generated(31);
    String site = EventGenerator.SITES.get(0);
    long distinct = EventGenerator.distinct(events).stream().filter(e -> e.site().equals(site)).count();
    await(store.insert(events.subList(0, 2_000)));
    await(store.insert(events.subList(1_000, events.size())));
    await(store.compact(Duration.ZERO));
    String[] sql = new String[1];
    long counted = (Long) await(store.query(view -> sql[0] = "SELECT count(*) FROM "
        + view.rows(StoredTable.EVENTS, site, FROM, END, List.of("event_id"), null) + " AS r")).rows().get(0).get(0);
    assertThat(counted).isEqualTo(distinct);
    assertThat(sql[0]).doesNotContain("FINAL");
    Event old = events.stream().filter(e -> e.site().equals(site)).findFirst().orElseThrow();
    await(store.insert(List.of(old)));
    await(store.query(view -> sql[0] = "SELECT count(*) FROM "
        + view.rows(StoredTable.EVENTS, site, FROM, END, List.of("event_id"), null) + " AS r"));
    assertThat(sql[0]).contains("FINAL");
    assertThat(viewCount(site)).isEqualTo(distinct);
  }

  /**
   * Deterministic: the statement starts from the parts state read before a replay landed in a
   * merged day, exactly as if the replay had landed while it ran. Deliberate break that fails
   * here: {@code ClickHouseReadView.stillValid} always true (the replayed events count twice).
   */
  @Test
  @DisplayName("A statement that read a merged day plainly is run again when that day changed while it ran, and counts each event once")
  void rereadsWhenAMergedDayChangesDuringTheRead() throws Exception {
    await(store.migrate());
    List<Event> events = generated(32);
    String site = EventGenerator.SITES.get(0);
    List<Event> ofSite = EventGenerator.distinct(events).stream().filter(e -> e.site().equals(site)).toList();
    await(store.insert(events));
    await(store.compact(Duration.ZERO));
    PartsState beforeReplay = await(new PartitionParts(sql -> store.query(sql), options.database()).recent());
    await(store.insert(ofSite.subList(0, Math.min(500, ofSite.size()))));

    List<String> statements = new ArrayList<>();
    QueryResult counted = await(store.query(view -> {
      String sql = "SELECT count(*) FROM " + view.rows(StoredTable.EVENTS, site, FROM, END, List.of("event_id"), null) + " AS r";
      statements.add(sql);
      return sql;
    }, beforeReplay));

    assertThat(counted.rows().get(0).get(0)).isEqualTo((long) ofSite.size());
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0)).as("first read, every day merged").doesNotContain("FINAL");
    assertThat(statements.get(1)).as("second read, the replayed days deduplicated").contains("FINAL");
    assertThat(registry.counter(ClickHouseEventStore.REREAD_METRIC).count()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("Upgrading from schema version 1 keeps every event in daily partitions, derives their sessions, gives each event its session's source and no revenue")
  void upgradesFromVersionOne() throws Exception {
    // Version 1 as an earlier release left it: monthly partitions, events with their own sources.
    ClickHouseHttp http = new ClickHouseHttp(vertx, options);
    List<Event> events = generated(33);
    Map<Long, Event> firstOfSession = new HashMap<>();
    List<Event> asStoredBefore = events.stream().map(e -> {
      Event first = firstOfSession.putIfAbsent(e.sessionId(), e);
      return first == null || first.eventId() == e.eventId() ? e : e.withSession(e.sessionId(), VisitSource.DIRECT, e.session());
    }).toList();
    await(http.execute("CREATE DATABASE IF NOT EXISTS " + options.database(), false));
    await(http.execute(ClickHouseMigrations.CREATE_MIGRATIONS_TABLE, true));
    await(ClickHouseMigrations.ALL.get(0).apply().apply(database(http)));
    await(http.execute("INSERT INTO schema_migrations VALUES (1, 'events table', now())", true));
    await(http.insert(RowBinaryEncoder.INSERT_BEFORE_REVENUE, RowBinaryEncoder.gzipBeforeRevenue(asStoredBefore)));
    await(http.close());

    await(store.migrate());
    QueryResult key = await(store.query("SELECT partition_key FROM system.tables WHERE database = currentDatabase() AND name = 'events'"));
    assertThat(key.rows().get(0).get(0)).isEqualTo(ClickHouseMigrations.DAILY_PARTITION_KEY);
    List<Event> distinct = EventGenerator.distinct(events);
    QueryResult counts = await(store.query("SELECT count(*) FROM " + EventsSchema.deduplicated(store.dialect())));
    assertThat(counts.rows().get(0).get(0)).isEqualTo((long) distinct.size());
    // Every event carries its session's first source, as the generator (like the collector) gives it.
    QueryResult sources = await(store.query("SELECT event_id, referrer_source, utm_campaign FROM events FINAL"));
    Map<Long, Event> byId = new HashMap<>();
    distinct.forEach(e -> byId.put(e.eventId(), e));
    for (List<Object> row : sources.rows()) {
      Event e = byId.get((Long) row.get(0));
      assertThat(List.of(row.get(1), row.get(2))).as("event %s", e.eventId())
          .containsExactly(e.referrerSource(), e.utmCampaign());
    }
    // Sessions derived from the stored events equal those the rules make from the raw events.
    QueryResult sessions = await(store.query("SELECT site, session_id, start_ms, end_ms, events, pageviews,"
        + " interactive, entry_page, exit_page, referrer_source FROM sessions FINAL"));
    Set<List<Object>> expected = new HashSet<>();
    ReferenceSessions.byId(distinct).forEach((session, s) -> expected.add(List.of(session.site(), s.id(), s.start(),
        s.end(), (long) s.counted().size(), (long) s.pageviews(), (long) s.interactive(), s.entryPage(),
        s.exitPage(), s.source().referrerSource())));
    assertThat(new HashSet<>(sessions.rows())).isEqualTo(expected);
    assertThat(ClickHouseSessionsUpgradeIT.tables(store)).isEqualTo(ClickHouseSessionsUpgradeIT.CURRENT_TABLES);
    // Version 3 added the revenue columns; events stored before carry none.
    QueryResult revenue = await(store.query("SELECT countIf(revenue_currency = '' AND revenue_micros = 0) FROM events"));
    assertThat(revenue.rows().get(0).get(0)).isEqualTo((long) distinct.size());
  }

  private static ClickHouseMigrations.Database database(ClickHouseHttp http) {
    return new ClickHouseMigrations.Database() {
      @Override public Future<Void> execute(String sql) { return http.execute(sql, true); }
      @Override public Future<QueryResult> query(String sql) { return http.select(sql).map(JsonCompactResult::parse); }
    };
  }
}
