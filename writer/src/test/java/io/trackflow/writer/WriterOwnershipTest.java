package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.DeliveryHandler;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.PartitionAssignment;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How the writer takes partitions over and hands them back. */
class WriterOwnershipTest {

  private static final PartitionAssignment BOTH = new PartitionAssignment(Set.of(0, 1), 2,
      visitor -> (int) Math.floorMod(visitor, 2L));

  private Vertx vertx;
  private MemoryEventStore store;
  private ScriptedConsumer consumer;
  private long position;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new MemoryEventStore();
    consumer = new ScriptedConsumer();
    WriterOptions options = WriterOptions.of(1_000, Duration.ofHours(1)).withRetry(Duration.ofMillis(10), Duration.ofMillis(40));
    await(vertx.deployVerticle(new WriterVerticle(consumer, store, options,
        new WriterMetrics(new SimpleMeterRegistry(), consumer))));
  }

  @AfterEach
  void tearDown() {
    store.release();
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
  }

  /** The future once it completed, either way. */
  private static <T> Future<T> answered(Future<T> future) {
    await(future.transform(ar -> Future.succeededFuture()));
    return future;
  }

  /** A consumer whose assignments, revocations and deliveries the test makes, on the writer's context. */
  private final class ScriptedConsumer implements EventConsumer {
    DeliveryHandler handler;
    Context context;

    @Override
    public Future<Void> start(DeliveryHandler handler) {
      this.handler = handler;
      this.context = vertx.getOrCreateContext();
      return Future.succeededFuture();
    }

    <T> Future<T> call(Function<DeliveryHandler, Future<T>> call) {
      Promise<T> done = Promise.promise();
      context.runOnContext(v -> call.apply(handler).onComplete(done));
      return done.future();
    }

    @Override
    public Future<Void> stop() {
      return Future.succeededFuture();
    }
  }

  private Future<Void> deliver(int partition, Event... events) {
    long[] positions = new long[events.length];
    for (int i = 0; i < events.length; i++) {
      positions[i] = ++position;
    }
    return consumer.call(h -> h.handle(new Delivery(partition, List.of(events), positions)));
  }

  private static Event pageview(long id, long visitor) {
    return Event.builder().eventId(id).site("shop.example").visitorId(visitor).timestampMillis(System.currentTimeMillis())
        .pathname("/p" + id).build();
  }

  @Test
  @DisplayName("A revocation inserts the partition's waiting deliveries at once and is answered once they are stored; its state is dropped, the other partition's kept")
  void revocationSettlesThenDrops() {
    await(consumer.call(h -> h.assigned(BOTH)));
    Future<Void> first = deliver(0, pageview(1, 2), pageview(2, 4));
    Future<Void> other = deliver(1, pageview(3, 3));
    store.hold();

    Future<Void> revoked = consumer.call(h -> h.revoked(Set.of(0)));
    Await.until("the waiting deliveries inserted without waiting for the batch age", () -> store.heldInserts() > 0);
    assertThat(revoked.isComplete()).as("revocation answered before the insert finished").isFalse();
    store.release();

    await(revoked);
    assertThat(first.succeeded()).isTrue();
    assertThat(store.storedIds()).contains(1L, 2L);
    assertThat(answered(deliver(0, pageview(4, 2))).failed()).as("a delivery of the revoked partition").isTrue();
    Future<Void> kept = deliver(1, pageview(5, 3));
    await(consumer.call(h -> h.revoked(Set.of(1))));
    assertThat(other.succeeded() && kept.succeeded()).as("partition 1's deliveries stored").isTrue();
    assertThat(store.storedIds()).containsExactlyInAnyOrder(1L, 2L, 3L, 5L);
  }

  @Test
  @DisplayName("A partition assigned again while its earlier deliveries are still being inserted waits for them, then continues their sessions from the store")
  void reassignmentWaitsForTheEarlierInserts() {
    await(consumer.call(h -> h.assigned(BOTH)));
    deliver(0, pageview(1, 2));
    store.hold();
    Future<Void> revoked = consumer.call(h -> h.revoked(Set.of(0)));
    Await.until("the delivery being inserted", () -> store.heldInserts() > 0);

    Future<Void> again = consumer.call(h -> h.assigned(new PartitionAssignment(Set.of(0), 2, BOTH::partitionOf)));
    assertThat(again.isComplete()).as("assigned before the earlier insert finished").isFalse();
    store.release();
    await(revoked);
    await(again);

    Future<Void> next = deliver(0, pageview(2, 2));
    await(consumer.call(h -> h.revoked(Set.of(0))));
    await(next);
    List<Event> stored = store.attempts().stream().flatMap(List::stream).toList();
    assertThat(stored).extracting(Event::sessionId).containsOnly(stored.get(0).sessionId());
    assertThat(stored.get(stored.size() - 1).session().pageviews()).isEqualTo(2);
  }
}
