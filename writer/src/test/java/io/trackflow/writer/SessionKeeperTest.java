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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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

  private double openSessionsGauge() {
    return registry.get("trackflow.writer.sessions.open").gauge().value();
  }

  private double rebuildFailures() {
    return registry.get("trackflow.writer.sessions.rebuild.failures").counter().count();
  }

  /** Runs a keeper call on one context, as the writer does (its retry timers fire there too). */
  private <T> T onContext(Context context, Supplier<T> call) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> result.complete(call.get()));
    return await(result.future());
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
    assertThat(openSessionsGauge()).isEqualTo(6.0);

    List<Event> next = deliver(100, pageview(101, 4, NOW), pageview(102, 5, NOW), pageview(103, 19, NOW));
    assertThat(next.get(0).sessionId()).as("visitor 4, 8 minutes inactive").isEqualTo(1_004);
    assertThat(next.get(0).session().events()).isEqualTo(2);
    assertThat(next.get(1).sessionId()).as("visitor 5, another partition's").isEqualTo(SessionState.idFor("shop.example", 5, 102));
    assertThat(next.get(2).sessionId()).as("visitor 19, 38 minutes inactive").isEqualTo(SessionState.idFor("shop.example", 19, 103));
    assertThat(openSessionsGauge()).as("two sessions started").isEqualTo(8.0);
    assertThat(registry.get("trackflow.writer.sessions.rebuild").timer().count())
        .as("events exactly as old as the assignment's load need no further load").isEqualTo(1);
  }

  @Test
  @DisplayName("A delivery older than what was loaded (a partition far behind) first loads the older sessions its events may continue")
  void lateDeliveryLoadsOlderSessions() {
    // Visitor 4's session ended 28 minutes before the delivery's oldest event: it continues.
    await(store.insert(List.of(stored(4, NOW - 88 * MINUTE), stored(7, NOW - 20 * MINUTE))));
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

  @Test
  @DisplayName("A partition revoked while its sessions cannot be loaded: the retries stop, the assignment completes, and the delivery waiting behind the load fails as revoked")
  void revocationDuringLoadStopsRetries() {
    Context context = vertx.getOrCreateContext();
    store.failOpenSessions(Integer.MAX_VALUE);
    Future<Void> assignment = onContext(context, () -> keeper.assigned(ONE_OF_THREE));
    Future<List<Event>> waiting = onContext(context,
        () -> keeper.sessionize(new Delivery(1, List.of(pageview(101, 4, NOW)), new long[] {100})));
    Await.until("a failed load of the open sessions", () -> rebuildFailures() >= 1, this::rebuildFailures);
    double failuresWhenRevoked = onContext(context, () -> {
      keeper.revoked(Set.of(1));
      return rebuildFailures();
    });

    await(assignment);
    assertThat(rebuildFailures()).as("no load after the revocation").isEqualTo(failuresWhenRevoked);
    Throwable failure = await(waiting.map(events -> (Throwable) null).otherwise(e -> e));
    assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("partition 1 was revoked");
  }

  @Test
  @DisplayName("Revoking a partition the writer does not own changes nothing; when the writer stops, every partition is given up and the open-sessions gauge drops to 0")
  void revokeAllGivesUpEveryPartition() {
    await(keeper.assigned(new PartitionAssignment(Set.of(0, 1), 3, visitor -> (int) Math.floorMod(visitor, 3L))));
    deliver(100, pageview(101, 4, NOW), pageview(102, 7, NOW));
    await(keeper.sessionize(new Delivery(0, List.of(pageview(103, 3, NOW)), new long[] {100})));
    keeper.revoked(Set.of(2));
    assertThat(keeper.size()).isEqualTo(3);
    assertThat(openSessionsGauge()).isEqualTo(3.0);

    keeper.revokeAll();
    assertThat(keeper.size()).isZero();
    assertThat(openSessionsGauge()).isZero();
    for (int partition : List.of(0, 1)) {
      Future<List<Event>> after = keeper.sessionize(new Delivery(partition, List.of(pageview(104, 3, NOW)), new long[] {101}));
      assertThat(after.failed()).as("partition %s", partition).isTrue();
    }
  }
}
