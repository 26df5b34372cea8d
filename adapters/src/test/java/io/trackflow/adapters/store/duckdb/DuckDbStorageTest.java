package io.trackflow.adapters.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.core.testdata.ReferenceSessions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the DuckDB file: it outlives the process, and it must be opened first. */
class DuckDbStorageTest {

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("Events survive closing and reopening the file, and a replay after the restart is still ignored")
  void survivesRestart() throws Exception {
    Path file = dir.resolve("events.duckdb");
    List<Event> events = new EventGenerator(3).generate(2_000);
    int distinct = EventGenerator.distinct(events).size();
    DuckDbEventStore first = new DuckDbEventStore(vertx, file, new SimpleMeterRegistry());
    await(first.migrate());
    await(first.insert(events));
    await(first.close());

    DuckDbEventStore second = new DuckDbEventStore(vertx, file, new SimpleMeterRegistry());
    try {
      await(second.migrate());
      await(second.insert(events));
      assertThat(await(second.query("SELECT count(*) FROM events")).rows()).containsExactly(List.of((long) distinct));
      long sessions = ReferenceSessions.byId(EventGenerator.distinct(events)).size();
      assertThat(await(second.query("SELECT count(*) FROM sessions")).rows()).containsExactly(List.of(sessions));
      assertThat(await(second.query("SELECT count(*) FROM schema_migrations")).rows())
          .containsExactly(List.of((long) DuckDbMigrations.ALL.size()));
    } finally {
      await(second.close());
    }
  }

  @Test
  @DisplayName("Upgrading a file from schema version 1 derives its sessions, gives each event its session's source and no revenue")
  void upgradesFromVersionOne() throws Exception {
    Path file = dir.resolve("events.duckdb");
    List<Event> events = new EventGenerator(21).generate(3_000);
    // As an earlier release stored them: each event with its own source.
    java.util.Map<Long, Event> firstOfSession = new java.util.HashMap<>();
    List<Event> stored = EventGenerator.distinct(events).stream().map(e -> {
      Event first = firstOfSession.putIfAbsent(e.sessionId(), e);
      return first == null ? e : e.withSession(e.sessionId(), io.trackflow.core.event.VisitSource.DIRECT, e.session());
    }).toList();
    try (org.duckdb.DuckDBConnection c = (org.duckdb.DuckDBConnection) java.sql.DriverManager.getConnection("jdbc:duckdb:" + file);
        java.sql.Statement st = c.createStatement()) {
      st.execute(DuckDbMigrations.CREATE_MIGRATIONS_TABLE);
      for (String sql : DuckDbMigrations.ALL.get(0).statements()) {
        st.execute(sql);
      }
      st.execute("INSERT INTO schema_migrations VALUES (1, 'events table', now()::TIMESTAMP)");
      try (org.duckdb.DuckDBAppender a = c.createAppender(org.duckdb.DuckDBConnection.DEFAULT_SCHEMA, "events")) {
        for (Event e : stored) {
          a.beginRow();
          DuckDbEventStore.appendBeforeRevenue(a, e, e.timestampMillis());
          a.endRow();
        }
      }
    }
    DuckDbEventStore store = new DuckDbEventStore(vertx, file, new SimpleMeterRegistry());
    try {
      await(store.migrate());
      java.util.Set<List<Object>> sources = new java.util.HashSet<>(await(store.query(
          "SELECT event_id, referrer_source, utm_campaign FROM events")).rows());
      java.util.Set<List<Object>> expectedSources = new java.util.HashSet<>();
      EventGenerator.distinct(events).forEach(e -> expectedSources.add(List.of(e.eventId(), e.referrerSource(), e.utmCampaign())));
      assertThat(sources).isEqualTo(expectedSources);
      java.util.Set<List<Object>> sessions = new java.util.HashSet<>(await(store.query("SELECT site, session_id,"
          + " start_ms, end_ms, events, pageviews, interactive, entry_page, exit_page, referrer_source FROM sessions")).rows());
      // The sessions as the rules make them from the raw events.
      java.util.Set<List<Object>> expected = new java.util.HashSet<>();
      ReferenceSessions.byId(EventGenerator.distinct(events)).forEach((key, s) -> expected.add(List.of(
          key.site(), s.id(), s.start(), s.end(), (long) s.counted().size(), (long) s.pageviews(),
          (long) s.interactive(), s.entryPage(), s.exitPage(), s.source().referrerSource())));
      assertThat(sessions).isEqualTo(expected);
      // Version 3 added the revenue columns; events stored before carry none.
      assertThat(await(store.query("SELECT count(*) FILTER (WHERE revenue_currency = '' AND revenue_micros = 0),"
          + " count(*) FROM events")).rows().get(0)).containsExactly((long) sources.size(), (long) sources.size());
    } finally {
      await(store.close());
    }
  }

  @Test
  @DisplayName("Closing the store twice succeeds both times (the second answers the first)")
  void closesTwice() throws Exception {
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    await(store.migrate());
    await(store.close());
    await(store.close());
    assertThatThrownBy(() -> await(store.query("SELECT 1"))).hasMessageContaining("closed");
  }

  @Test
  @DisplayName("Using the store before migrate() opened it fails with a message saying so")
  void mustBeOpenedFirst() throws Exception {
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    try {
      assertThatThrownBy(() -> await(store.query("SELECT 1")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("migrate()");
      assertThatThrownBy(() -> await(store.insert(new EventGenerator(4).generate(1))))
          .isInstanceOf(IllegalStateException.class);
    } finally {
      await(store.close());
    }
  }

  @Test
  @DisplayName("Queries cannot read files: external access is disabled for the query connections")
  void noFileAccess() throws Exception {
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    try {
      await(store.migrate());
      assertThatThrownBy(() -> await(store.query("SELECT * FROM read_csv('/etc/hostname')")))
          .hasMessageContaining("disabled by configuration");
    } finally {
      await(store.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
