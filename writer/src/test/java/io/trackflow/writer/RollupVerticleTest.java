package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.queue.Await;
import io.trackflow.core.rollup.RollupBuilder;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.testdata.EventGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The writer's rollup verticle builds settled days and rebuilds a day written to after its build")
class RollupVerticleTest {

  private static final Instant NOW = Instant.parse("2025-03-31T12:00:00Z");

  private Vertx vertx;
  private DuckDbEventStore store;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    Path dir = Files.createTempDirectory("trackflow-rollups");
    store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), registry);
    await(store.migrate());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(store.close());
    vertx.close().await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
  }

  private long builds(String condition) {
    return count("rollup_builds", condition);
  }

  private long count(String table, String condition) {
    try {
      QueryResult r = await(store.query("SELECT count(*) FROM " + table + " WHERE " + condition));
      return ((Number) r.rows().get(0).get(0)).longValue();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("Deployed, it builds every day that ended before now (not today), then rebuilds a day that got a late event")
  void buildsAndRebuilds() throws Exception {
    // Five days of events ending at NOW: four whole days before today, and today's morning.
    List<Event> events = new EventGenerator(3, NOW, 5).generate(2_000);
    await(store.insert(events));
    long settledDays = events.stream().map(e -> Math.floorDiv(e.timestampMillis(), 86_400_000L))
        .filter(day -> day < Math.floorDiv(NOW.toEpochMilli(), 86_400_000L)).distinct().count();
    RollupBuilder builder = new RollupBuilder(store, vertx, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
    await(vertx.deployVerticle(new RollupVerticle(builder, Duration.ofMillis(20), registry)));

    Await.until("every settled day built", () -> builds("built = 1") == settledDays, () -> builds("built = 1"));
    assertThat(builds("day = DATE '2025-03-31'")).as("today").isZero();
    Await.until("the builds counted", () -> registry.counter("trackflow.writer.rollup.days").count() == settledDays);

    long before = builds("day = DATE '2025-03-29' AND events_seen > 0");
    long late = Instant.parse("2025-03-29T10:00:00Z").toEpochMilli();
    await(store.insert(List.of(Event.builder().eventId(123_456_789L).site("late.example").timestampMillis(late)
        .name(Event.PAGEVIEW).pathname("/").visitorId(1).sessionId(1)
        .session(new SessionTotals(late, late, 1, 1, 0, "/", "/")).build())));
    Await.until("the late day rebuilt with the site",
        () -> count("rollups", "site = 'late.example' AND day = DATE '2025-03-29'") > 0);
    assertThat(before).isEqualTo(1);
    assertThat(registry.counter("trackflow.writer.rollup.days").count()).isEqualTo(settledDays + 1);
  }
}
