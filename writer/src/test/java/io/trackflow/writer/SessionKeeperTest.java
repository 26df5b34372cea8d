package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.PartitionAssignment;
import io.trackflow.core.queue.local.InProcessQueue;
import io.trackflow.core.session.SessionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionKeeperTest {

  private static final long NOW = 1_767_225_600_000L;
  private static final long MINUTE = 60_000;
  private static final PartitionAssignment ONE_OF_THREE =
      new PartitionAssignment(Set.of(1), 3, visitor -> (int) Math.floorMod(visitor, 3L));

  private Vertx vertx;
  private MemoryEventStore store;
  private SimpleMeterRegistry registry;
  private SessionKeeper keeper;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new MemoryEventStore();
    registry = new SimpleMeterRegistry();
    WriterOptions options = WriterOptions.of(100, Duration.ofSeconds(1)).withRetry(Duration.ofMillis(10), Duration.ofMillis(40));
    keeper = new SessionKeeper(vertx, store, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC),
        SessionState.DEFAULT_TIMEOUT, options, new WriterMetrics(registry, new InProcessQueue(vertx, 10)));
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
  }

  /** A session of {@code visitor} as an earlier writer stored it: one pageview, last active then. */
  private Event stored(long visitor, long lastActivity) {
    SessionTotals totals = new SessionTotals(lastActivity, lastActivity, 1, 1, 0, "/in", "/in", lastActivity,
        lastActivity, lastActivity, 1, 1, visitor, visitor);
    return Event.builder().eventId(visitor).site("shop.example").visitorId(visitor).timestampMillis(lastActivity)
        .pathname("/in").sessionId(1_000 + visitor).session(totals).build();
  }

  private List<Event> deliver(long position, Event... events) {
    long[] positions = new long[events.length];
    for (int i = 0; i < events.length; i++) {
      positions[i] = position + i;
    }
    return await(keeper.sessionize(new Delivery(1, List.of(events), positions)));
  }

  private static Event pageview(long id, long visitor, long t) {
    return Event.builder().eventId(id).site("shop.example").visitorId(visitor).timestampMillis(t).pathname("/next")
        .visitSource(VisitSource.DIRECT).build();
  }

  @Test
  @DisplayName("A newly assigned partition gets the stored open sessions of its own visitors, active within the timeout of now, and continues them")
  void assignmentLoadsTheOwnOpenSessions() {
    List<Event> earlier = new ArrayList<>();
    for (long visitor = 1; visitor <= 30; visitor++) {
      earlier.add(stored(visitor, NOW - visitor * 2 * MINUTE)); // 2 to 60 minutes ago
    }
    await(store.insert(earlier));

    await(keeper.assigned(ONE_OF_THREE));
    // Visitors 1, 4, …, 28 map to partition 1; those active within 30 (+5) minutes are open.
    long open = earlier.stream().filter(e -> e.visitorId() % 3 == 1 && e.visitorId() * 2 <= 35).count();
    assertThat(keeper.size()).isEqualTo((int) open).isEqualTo(6);
    assertThat(registry.get("trackflow.writer.sessions.rebuilt").counter().count()).isEqualTo(6.0);

    List<Event> next = deliver(100, pageview(101, 4, NOW), pageview(102, 5, NOW), pageview(103, 19, NOW));
    assertThat(next.get(0).sessionId()).as("visitor 4, 8 minutes inactive").isEqualTo(1_004);
    assertThat(next.get(0).session().events()).isEqualTo(2);
    assertThat(next.get(1).sessionId()).as("visitor 5, another partition's").isEqualTo(SessionState.idFor("shop.example", 5, 102));
    assertThat(next.get(2).sessionId()).as("visitor 19, 38 minutes inactive").isEqualTo(SessionState.idFor("shop.example", 19, 103));
  }

  @Test
  @DisplayName("A delivery older than what was loaded (a partition far behind) first loads the older sessions its events may continue")
  void lateDeliveryLoadsOlderSessions() {
    await(store.insert(List.of(stored(4, NOW - 80 * MINUTE), stored(7, NOW - 20 * MINUTE))));
    await(keeper.assigned(ONE_OF_THREE));
    assertThat(keeper.size()).isEqualTo(1);

    List<Event> late = deliver(100, pageview(101, 4, NOW - 60 * MINUTE), pageview(102, 7, NOW - 59 * MINUTE));
    assertThat(late).extracting(Event::sessionId).containsExactly(1_004L, 1_007L);
    assertThat(registry.get("trackflow.writer.sessions.rebuild").timer().count()).isEqualTo(2);
    // Behind by less than was loaded since: no further load.
    deliver(102, pageview(103, 4, NOW - 58 * MINUTE));
    assertThat(registry.get("trackflow.writer.sessions.rebuild").timer().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("While the store cannot be read, the assignment waits and retries; a revoked partition's later deliveries fail instead of being given sessions")
  void failingLoadsRetryAndRevocationDrops() {
    await(store.insert(List.of(stored(4, NOW - MINUTE))));
    store.failOpenSessions(2);
    await(keeper.assigned(ONE_OF_THREE));
    assertThat(registry.get("trackflow.writer.sessions.rebuild.failures").counter().count()).isEqualTo(2.0);
    assertThat(deliver(100, pageview(101, 4, NOW)).get(0).sessionId()).isEqualTo(1_004L);

    keeper.revoked(Set.of(1));
    assertThat(keeper.size()).isZero();
    Future<List<Event>> after = keeper.sessionize(new Delivery(1, List.of(pageview(102, 4, NOW)), new long[] {101}));
    assertThat(after.failed()).isTrue();
  }
}
