package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.StoredSession;
import io.trackflow.core.store.QueryResult;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("ClickHouse: upgrading a database with sessions from schema version 2")
class ClickHouseSessionsUpgradeIT {

  private static final long T0 = 1_741_964_966_535L;

  private final ClickHouseService clickHouse;
  private Vertx vertx;
  private ClickHouseOptions options;
  private ClickHouseEventStore store;

  ClickHouseSessionsUpgradeIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    options = ClickHouseOptions.of(clickHouse.httpUrl(), TestNames.unique("upgrade"));
    store = new ClickHouseEventStore(vertx, options, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("Sessions stored at version 2, merged or not, come back once as open sessions with one revision per event, their last activity at their end and no queue position; the old table is gone and the writer's next revision replaces them")
  void upgradesFromVersionTwo() throws Exception {
    ClickHouseHttp http = new ClickHouseHttp(vertx, options);
    ClickHouseMigrations.Database db = new ClickHouseMigrations.Database() {
      @Override public Future<Void> execute(String sql) { return http.execute(sql, true); }
      @Override public Future<QueryResult> query(String sql) { return http.select(sql).map(JsonCompactResult::parse); }
    };
    await(http.execute("CREATE DATABASE IF NOT EXISTS " + options.database(), false));
    await(http.execute(ClickHouseMigrations.CREATE_MIGRATIONS_TABLE, true));
    for (int v = 0; v < 2; v++) {
      await(ClickHouseMigrations.ALL.get(v).apply().apply(db));
      await(http.execute("INSERT INTO schema_migrations VALUES (" + (v + 1) + ", 'v', now())", true));
    }
    // As version 2 stored them; session 11 in two inserts (two parts, not merged yet).
    String columns = " (site, session_id, visitor_id, start, start_ms, end_ms, events, pageviews, interactive,"
        + " entry_page, exit_page, referrer, referrer_source, utm_source, utm_medium, utm_campaign, utm_term,"
        + " utm_content, country, device, browser, browser_version, os, os_version) VALUES ";
    long s0 = T0 / 1000;
    await(http.execute("INSERT INTO sessions" + columns + "('a.example', 11, 101, " + s0 + ", " + T0 + ", "
        + (T0 + 30_000) + ", 2, 2, 0, '/in', '/next', 'https://ref.example/', 'Ref', 'news', 'email', 'spring', '',"
        + " '', 'DE', 'Desktop', 'Firefox', '128', 'Linux', '')", true));
    await(http.execute("INSERT INTO sessions" + columns + "('a.example', 11, 101, " + s0 + ", " + T0 + ", "
        + (T0 + 60_000) + ", 3, 2, 1, '/in', '/out', 'https://ref.example/', 'Ref', 'news', 'email', 'spring', '',"
        + " '', 'DE', 'Desktop', 'Firefox', '128', 'Linux', ''), ('a.example', 12, 102, " + (s0 - 3_600) + ", "
        + (T0 - 3_600_000) + ", " + (T0 - 3_000_000) + ", 1, 1, 0, '/old', '/old', '', '', '', '', '', '', '',"
        + " 'FR', 'Mobile', 'Safari', '17', 'iOS', '17')", true));
    await(http.close());

    await(store.migrate());

    List<StoredSession> open = await(store.openSessions(T0 - 7_200_000, T0 + 3_600_000)).stream()
        .sorted(Comparator.comparingLong(StoredSession::sessionId)).toList();
    assertThat(open).containsExactly(
        new StoredSession("a.example", 11, 101,
            new VisitSource("https://ref.example/", "Ref", "news", "email", "spring", "", ""),
            new SessionTotals(T0, T0 + 60_000, 3, 2, 1, "/in", "/out", T0, T0 + 60_000, T0 + 60_000, 3, -1, -1, -1)),
        new StoredSession("a.example", 12, 102, VisitSource.DIRECT,
            new SessionTotals(T0 - 3_600_000, T0 - 3_000_000, 1, 1, 0, "/old", "/old", T0 - 3_600_000,
                T0 - 3_000_000, T0 - 3_000_000, 1, -1, -1, -1)));
    assertThat(tables(store)).isEqualTo(CURRENT_TABLES);

    // The writer continues session 11 with an engagement ping: same count, next revision.
    SessionTotals continued = new SessionTotals(T0, T0 + 60_000, 3, 2, 1, "/in", "/out", T0, T0 + 60_000,
        T0 + 600_000, 4, 0, 70, 77);
    await(store.insert(List.of(Event.builder().eventId(1).site("a.example").timestampMillis(T0 + 600_000)
        .name(Event.ENGAGEMENT).visitorId(101).sessionId(11).session(continued).build())));
    assertThat(await(store.openSessions(T0 + 100_000, T0 + 3_600_000)))
        .extracting(StoredSession::totals).containsExactly(continued);

    // A start that died after the rename applies the version again without touching the data.
    await(store.query("SELECT 1"));
    await(ClickHouseMigrations.ALL.get(2).apply().apply(new ClickHouseMigrations.Database() {
      final ClickHouseHttp again = new ClickHouseHttp(vertx, options);
      @Override public Future<Void> execute(String sql) { return again.execute(sql, true); }
      @Override public Future<QueryResult> query(String sql) { return again.select(sql).map(JsonCompactResult::parse); }
    }));
    assertThat(await(store.openSessions(T0 - 7_200_000, T0 + 3_600_000))).hasSize(2);
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** The tables of the current schema: no copy an upgrade made is left behind. */
  static final List<String> CURRENT_TABLES = java.util.stream.Stream.concat(
          java.util.stream.Stream.of("events", "rollup_builds", "rollups", "schema_migrations", "sessions"),
          java.util.Arrays.stream(io.trackflow.core.store.ImportedTable.values()).map(io.trackflow.core.store.ImportedTable::tableName))
      .sorted().toList();

  static List<String> tables(ClickHouseEventStore store) throws Exception {
    return await(store.query("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name"))
        .rows().stream().map(r -> (String) r.get(0)).toList();
  }
}
