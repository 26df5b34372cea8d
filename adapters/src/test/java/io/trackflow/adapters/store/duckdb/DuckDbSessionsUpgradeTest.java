package io.trackflow.adapters.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.StoredSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DuckDB: upgrading a file with sessions from schema version 2")
class DuckDbSessionsUpgradeTest {

  private static final long T0 = 1_741_964_966_535L;

  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("Sessions stored at version 2 come back as open sessions with one revision per event, their last activity at their end and no queue position, and the writer's next revision replaces them")
  void upgradesFromVersionTwo() throws Exception {
    Path file = dir.resolve("events.duckdb");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement st = connection.createStatement()) {
      st.execute(DuckDbMigrations.CREATE_MIGRATIONS_TABLE);
      for (int v = 0; v < 2; v++) {
        for (String sql : DuckDbMigrations.ALL.get(v).statements()) {
          st.execute(sql);
        }
        st.execute("INSERT INTO schema_migrations VALUES (" + (v + 1) + ", 'v', now()::TIMESTAMP)");
      }
      // As version 2 stored them: site, session, visitor, start, end, events, pageviews,
      // interactive, entry, exit, source (7), country, device, browser, version, os, version.
      st.execute("INSERT INTO sessions VALUES"
          + " ('a.example', 11, 101, " + T0 + ", " + (T0 + 60_000) + ", 3, 2, 1, '/in', '/out',"
          + " 'https://ref.example/', 'Ref', 'news', 'email', 'spring', '', '', 'DE', 'Desktop', 'Firefox', '128', 'Linux', ''),"
          + " ('a.example', 12, 102, " + (T0 - 3_600_000) + ", " + (T0 - 3_000_000) + ", 1, 1, 0, '/old', '/old',"
          + " '', '', '', '', '', '', '', 'FR', 'Mobile', 'Safari', '17', 'iOS', '17')");
    }

    DuckDbEventStore store = new DuckDbEventStore(vertx, file, new SimpleMeterRegistry());
    try {
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

      // The writer continues session 11 with an engagement ping: same count, next revision.
      SessionTotals continued = new SessionTotals(T0, T0 + 60_000, 3, 2, 1, "/in", "/out", T0, T0 + 60_000,
          T0 + 600_000, 4, 0, 70, 77);
      await(store.insert(List.of(Event.builder().eventId(1).site("a.example").timestampMillis(T0 + 600_000)
          .name(Event.ENGAGEMENT).visitorId(101).sessionId(11).session(continued).build())));
      assertThat(await(store.openSessions(T0 + 100_000, T0 + 3_600_000)))
          .extracting(StoredSession::totals).containsExactly(continued);
      assertThat(await(store.query("SELECT count(*) FROM sessions")).rows()).containsExactly(List.of(2L));
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
