package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.QueueEvents;
import io.trackflow.core.queue.local.InProcessQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WriterVerticleTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private Vertx vertx;
  private SimpleMeterRegistry registry;
  private MemoryEventStore store;
  private InProcessQueue queue;
  private final QueueEvents events = new QueueEvents(1);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    store = new MemoryEventStore();
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

  /** Deploys a writer over an in-process queue handing out {@code deliverySize}-event deliveries. */
  private String deploy(int batchSize, Duration batchAge, int deliverySize, int maxInFlightDeliveries) {
    queue = new InProcessQueue(vertx, 100_000, deliverySize, maxInFlightDeliveries);
    WriterOptions options = WriterOptions.of(batchSize, batchAge).withRetry(Duration.ofMillis(10), Duration.ofMillis(40));
    return await(vertx.deployVerticle(new WriterVerticle(queue, store, options, new WriterMetrics(registry, queue))));
  }

  private double buffered() {
    return registry.get("trackflow.writer.buffered").gauge().value();
  }

  private double newestStoredSeconds() {
    return registry.get("trackflow.writer.newest.event.timestamp").gauge().value();
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  private static List<Long> ids(List<Event> list) {
    return list.stream().map(Event::eventId).toList();
  }

  @Test
  @DisplayName("A batch is inserted with one insert as soon as it reaches the batch size, whole deliveries only")
  void flushesOnSize() {
    deploy(100, NEVER, 50, 16);
    await(queue.publish(events.forVisitors(25, 10)));

    Await.until("two full batches inserted", () -> store.rows() == 200, store::insertedSizes);
    Await.until("the rest buffered", () -> buffered() == 50.0, this::buffered);
    assertThat(store.insertedSizes()).containsExactly(100, 100);
    assertThat(counter("trackflow.writer.rows")).isEqualTo(200.0);
    assertThat(registry.get("trackflow.writer.batch.size").summary().count()).isEqualTo(2);
    assertThat(registry.get("trackflow.writer.insert").tag("outcome", "success").timer().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("A batch smaller than the batch size is inserted once its oldest row reaches the batch age")
  void flushesOnAge() {
    deploy(10_000, Duration.ofMillis(200), 1000, 16);
    List<Event> published = events.forVisitors(3, 10);
    await(queue.publish(published));

    Await.until("the partial batch inserted", () -> store.rows() == 30, store::insertedSizes);
    assertThat(store.insertedSizes()).containsExactly(30);
    assertThat(store.storedIds()).containsExactlyInAnyOrderElementsOf(ids(published));
  }

  @Test
  @DisplayName("Deliveries are acknowledged only after the insert holding their events succeeded")
  void acknowledgesAfterInsert() {
    store.hold();
    deploy(20, NEVER, 20, 16);
    await(queue.publish(events.forVisitors(2, 10)));

    Await.until("the insert to start", () -> store.heldInserts() == 1);
    assertThat(queue.size()).as("events the queue still holds unacknowledged").isEqualTo(20);
    store.release();
    Await.until("the queue to see its events acknowledged", () -> queue.size() == 0, queue::size);
  }

  @Test
  @DisplayName("At most the configured number of batch inserts run at once; the next batch waits for a free slot")
  void boundsConcurrentInserts() {
    store.hold();
    deploy(10, NEVER, 10, 16); // two inserts at once by default
    List<Event> published = events.forVisitors(5, 10);
    await(queue.publish(published));

    Await.until("both insert slots busy", () -> store.heldInserts() == 2);
    Await.until("the other batches buffered", () -> buffered() == published.size(), this::buffered);
    assertThat(store.attempts()).as("inserts started while two were running").hasSize(2);
    store.release();
    Await.until("everything stored", () -> store.storedIds().size() == published.size());
    assertThat(store.insertedSizes()).containsOnly(10);
  }

  @Test
  @DisplayName("A failing store gets the same batch retried with backoff while consumption stops at the queue's bound, and nothing is lost")
  void retriesWithBackoffAndBoundedMemory() {
    store.fail();
    // At most 2 deliveries of 25 events out of the queue: the writer can never hold more than 50.
    deploy(50, NEVER, 25, 2);
    List<Event> published = events.forVisitors(30, 10);
    await(queue.publish(published));

    Await.until("several failed attempts", () -> counter("trackflow.writer.retries") >= 4);
    assertThat(buffered()).as("rows held by the writer while the store fails").isLessThanOrEqualTo(50.0);
    assertThat(queue.size()).as("nothing acknowledged while failing").isEqualTo(published.size());
    List<List<Event>> attempts = store.attempts();
    assertThat(new HashSet<>(attempts)).as("every attempt carries the same batch").hasSize(1);

    store.succeed();
    Await.until("everything stored after the store recovered", () -> store.storedIds().size() == published.size(),
        () -> store.storedIds().size());
    Await.until("the queue drained", () -> queue.size() == 0, queue::size);
    assertThat(counter("trackflow.writer.failures")).isGreaterThanOrEqualTo(4.0);
    assertThat(store.rows()).as("no row inserted twice by a successful insert").isEqualTo(published.size());
  }

  @Test
  @DisplayName("The newest stored event's time is unknown (NaN) before the first insert, stays put while inserts fail, and is the newest event of every batch stored once they succeed")
  void newestStoredEventTime() {
    store.fail();
    deploy(10, NEVER, 10, 16);
    assertThat(newestStoredSeconds()).as("before anything was stored").isNaN();
    List<Event> published = events.forVisitors(3, 10);
    await(queue.publish(published));

    Await.until("a failed attempt", () -> counter("trackflow.writer.failures") >= 1);
    assertThat(newestStoredSeconds()).as("while every insert failed").isNaN();

    store.succeed();
    Await.until("everything stored", () -> store.storedIds().size() == published.size());
    long newest = published.stream().mapToLong(Event::timestampMillis).max().orElseThrow();
    assertThat(newestStoredSeconds()).isEqualTo(newest / 1000.0);
  }

  @Test
  @DisplayName("Stopping the writer inserts what is buffered and leaves the queue fully acknowledged")
  void stopFlushes() {
    String deployment = deploy(10_000, NEVER, 40, 16);
    List<Event> published = events.forVisitors(12, 10);
    await(queue.publish(published));
    Await.until("all rows buffered", () -> buffered() == published.size(), this::buffered);
    assertThat(store.rows()).isZero();

    await(vertx.undeploy(deployment));

    assertThat(store.storedIds()).containsExactlyInAnyOrderElementsOf(ids(published));
    assertThat(queue.size()).isZero();
    assertThat(buffered()).isZero();
  }

  @Test
  @DisplayName("Stopping while the store keeps failing does not hang: unstored deliveries fail, so the queue delivers them again")
  void stopWhileFailingGivesUp() {
    store.fail();
    ManualConsumer consumer = new ManualConsumer();
    WriterOptions options = WriterOptions.of(10, NEVER).withRetry(Duration.ofMillis(10), Duration.ofMillis(40));
    String deployment = await(vertx.deployVerticle(
        new WriterVerticle(consumer, store, options, new WriterMetrics(registry, consumer))));
    Future<Void> delivery = consumer.deliver(events.forVisitors(1, 10));
    Await.until("a failed attempt", () -> counter("trackflow.writer.failures") >= 1);

    await(vertx.undeploy(deployment));

    assertThat(delivery.failed()).as("the unstored delivery was failed").isTrue();
    assertThat(store.rows()).isZero();
    assertThat(buffered()).isZero();
  }

  /**
   * A consumer of one partition, assigned at start, whose deliveries a test makes by hand and
   * whose stop returns at once.
   */
  private final class ManualConsumer implements io.trackflow.core.queue.EventConsumer {
    private io.trackflow.core.queue.DeliveryHandler handler;
    private io.vertx.core.Context context;
    private long position;

    @Override
    public Future<Void> start(io.trackflow.core.queue.DeliveryHandler handler) {
      this.handler = handler;
      this.context = vertx.getOrCreateContext();
      return handler.assigned(new io.trackflow.core.queue.PartitionAssignment(java.util.Set.of(0), 1, v -> 0));
    }

    Future<Void> deliver(List<Event> batch) {
      long[] positions = new long[batch.size()];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = ++position;
      }
      io.vertx.core.Promise<Void> answered = io.vertx.core.Promise.promise();
      context.runOnContext(v -> handler.handle(new io.trackflow.core.queue.Delivery(0, batch, positions))
          .onComplete(answered));
      return answered.future();
    }

    @Override
    public Future<Void> stop() {
      return Future.succeededFuture();
    }
  }
}
