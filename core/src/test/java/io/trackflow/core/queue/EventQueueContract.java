package io.trackflow.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The queue port's contract (publisher and consumer together), run against every adapter: the
 * in-process queue in core, Kafka in adapters. Each test gets a fresh, empty queue; consumers
 * created for one queue share acknowledgements (one Kafka consumer group), so a new consumer
 * resumes where a stopped one left off.
 */
public abstract class EventQueueContract {

  protected Vertx vertx;
  private final List<EventConsumer> consumers = new ArrayList<>();
  private final QueueEvents events = new QueueEvents(System.nanoTime() & 0xFFFF_FFFFL);

  /** Creates a fresh, empty queue for the next test. */
  protected abstract void createQueue(Vertx vertx) throws Exception;

  /** The publisher of the current queue. */
  protected abstract EventPublisher publisher();

  /** A new consumer of the current queue, sharing acknowledgements with the earlier ones. */
  protected abstract EventConsumer newConsumer();

  /** Releases what {@link #createQueue} built; consumers are stopped before. */
  protected void closeQueue() throws Exception {}

  /** How many partitions the queue has; order is kept within one, not across. */
  protected abstract int partitions();

  /** The partition the queue puts the visitor's events in. */
  protected abstract int partitionOf(long visitorId);

  @BeforeEach
  void openQueue() throws Exception {
    vertx = Vertx.vertx();
    createQueue(vertx);
  }

  @AfterEach
  void tearDownQueue() throws Exception {
    try {
      for (EventConsumer consumer : consumers) {
        await(consumer.stop().otherwiseEmpty());
      }
      closeQueue();
    } finally {
      await(vertx.close());
    }
  }

  /** Starts a new consumer with {@code handler}; the test's tear-down stops it. */
  protected EventConsumer startConsumer(DeliveryHandler handler) {
    return startConsumer(newConsumer(), handler);
  }

  /** Starts {@code consumer} (built by the test itself) with {@code handler}; tear-down stops it. */
  protected <C extends EventConsumer> C startConsumer(C consumer, DeliveryHandler handler) {
    consumers.add(consumer);
    await(consumer.start(handler));
    return consumer;
  }

  protected void publish(List<Event> batch) {
    await(publisher().publish(batch));
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete within " + Await.SAFETY_NET.toSeconds() + " s", e);
    }
  }

  protected static List<Long> ids(List<Event> events) {
    return events.stream().map(Event::eventId).toList();
  }

  protected QueueEvents events() {
    return events;
  }

  /**
   * One event in every partition. Once a consumer has stored them all, anything it would receive
   * again (redelivered from an earlier offset) has arrived too: each partition delivers in order.
   * A marker in one partition says nothing about the others.
   */
  protected List<Event> markerInEveryPartition() {
    Map<Integer, Long> visitorOfPartition = new HashMap<>();
    for (long visitor = 5_000; visitorOfPartition.size() < partitions(); visitor++) {
      visitorOfPartition.putIfAbsent(partitionOf(visitor), visitor);
    }
    return visitorOfPartition.values().stream().map(visitor -> events.event(visitor, 0)).toList();
  }

  @Test
  @DisplayName("Published events reach the consumer with every field exactly as published")
  void eventsArriveExactlyAsPublished() {
    List<Event> published = events.forVisitors(12, 9);
    RecordingHandler handler = new RecordingHandler();
    startConsumer(handler);
    for (int from = 0; from < published.size(); from += 27) {
      publish(published.subList(from, Math.min(published.size(), from + 27)));
    }

    handler.awaitStored(ids(published));
    Map<Long, Event> byId = published.stream().collect(Collectors.toMap(Event::eventId, e -> e));
    for (Event received : handler.received()) {
      assertThat(received).isEqualTo(byId.get(received.eventId()));
    }
    assertThat(handler.receivedIds()).containsExactlyInAnyOrderElementsOf(byId.keySet());
  }

  @Test
  @DisplayName("Events whose delivery future failed are delivered again until one succeeds")
  void failedDeliveriesAreRedelivered() {
    List<Event> published = events.forVisitors(3, 10);
    AtomicBoolean failedOnce = new AtomicBoolean();
    RecordingHandler handler = new RecordingHandler().answer(batch -> failedOnce.compareAndSet(false, true)
        ? Future.failedFuture(new IllegalStateException("store down"))
        : Future.succeededFuture());
    startConsumer(handler);
    publish(published);

    handler.awaitStored(ids(published));
    List<Event> failedDelivery = handler.deliveries().getFirst();
    assertThat(failedDelivery).isNotEmpty();
    long redelivered = handler.received().stream().filter(failedDelivery::contains).count();
    assertThat(redelivered).as("events of the failed delivery received again")
        .isGreaterThanOrEqualTo(2L * failedDelivery.size());
    assertThat(handler.storedIds()).containsAll(ids(failedDelivery));
  }

  @Test
  @DisplayName("Acknowledged events are not delivered again to the consumer that follows a stopped one")
  void acknowledgedEventsAreNotRedeliveredAfterRestart() {
    List<Event> first = events.forVisitors(10, 10);
    RecordingHandler before = new RecordingHandler();
    EventConsumer consumer = startConsumer(before);
    publish(first);
    before.awaitStored(ids(first));
    await(consumer.stop());

    RecordingHandler after = new RecordingHandler();
    startConsumer(after);
    List<Event> second = markerInEveryPartition();
    publish(second);
    after.awaitStored(ids(second));

    assertThat(after.receivedIds()).doesNotContainAnyElementsOf(ids(first));
  }

  @Test
  @DisplayName("One visitor's events arrive in the order they were published, across publish calls")
  void eventsOfOneVisitorKeepTheirOrder() {
    RecordingHandler handler = new RecordingHandler();
    startConsumer(handler);
    Map<Long, List<Long>> publishedOrder = new LinkedHashMap<>();
    List<Future<Void>> publishes = new ArrayList<>();
    List<Long> all = new ArrayList<>();
    // Publish calls are not awaited one by one, as a collector does not wait before the next.
    for (int round = 0; round < 30; round++) {
      List<Event> batch = new ArrayList<>();
      for (long visitor = 1; visitor <= 6; visitor++) {
        Event e = events.event(visitor, round);
        batch.add(e);
        publishedOrder.computeIfAbsent(visitor, v -> new ArrayList<>()).add(e.eventId());
        all.add(e.eventId());
      }
      publishes.add(publisher().publish(batch));
    }
    await(Future.all(publishes));

    handler.awaitStored(all);
    Map<Long, List<Long>> firstArrivals = new HashMap<>();
    Set<Long> seen = new HashSet<>();
    for (Event e : handler.received()) {
      if (seen.add(e.eventId())) {
        firstArrivals.computeIfAbsent(e.visitorId(), v -> new ArrayList<>()).add(e.eventId());
      }
    }
    assertThat(firstArrivals).isEqualTo(publishedOrder);
  }

  @Test
  @DisplayName("stop() waits for outstanding deliveries, acknowledges them, and nothing stored comes back")
  void stopDrainsAndAcknowledges() {
    List<Event> published = events.forVisitors(8, 10);
    RecordingHandler handler = new RecordingHandler().hold();
    EventConsumer consumer = startConsumer(handler);
    publish(published);
    handler.await("a delivery held open", h -> h.heldCount() > 0);

    Future<Void> stopped = consumer.stop();
    assertThat(stopped.isComplete()).as("stop() completed while a delivery was outstanding").isFalse();
    handler.succeed();
    handler.releaseHeld();
    await(stopped);
    assertThat(handler.outstanding()).as("deliveries left unanswered by stop()").isZero();

    RecordingHandler next = new RecordingHandler();
    startConsumer(next);
    List<Event> marker = markerInEveryPartition();
    publish(marker);
    next.awaitStored(ids(marker));
    Set<Long> storedBefore = handler.storedIds();
    assertThat(storedBefore).isNotEmpty();
    assertThat(next.receivedIds()).doesNotContainAnyElementsOf(storedBefore);
    next.await("every published event stored by one consumer or the other", h -> {
      Set<Long> union = new HashSet<>(storedBefore);
      union.addAll(h.storedIds());
      return union.containsAll(ids(published));
    });
  }

  // ---- partitions: who owns what, and where each event stands in its partition ----------------

  @Test
  @DisplayName("Every delivery comes from an assigned partition, a visitor's events all from one, with positions that grow along the partition")
  void deliveriesCarryPartitionAndPositions() {
    List<Event> published = events.forVisitors(20, 6);
    PartitionRecorder handler = new PartitionRecorder();
    startConsumer(handler);
    for (int from = 0; from < published.size(); from += 17) {
      publish(published.subList(from, Math.min(published.size(), from + 17)));
    }
    handler.awaitStored(ids(published));

    Set<Integer> assigned = new HashSet<>();
    handler.assignments().forEach(a -> assigned.addAll(a.partitions()));
    Map<Long, Integer> partitionOfVisitor = new HashMap<>();
    Map<Integer, Long> lastPosition = new HashMap<>();
    for (PartitionRecorder.Received r : handler.received()) {
      assertThat(assigned).as("partitions assigned before delivery %s", r.partition()).contains(r.partition());
      for (int i = 0; i < r.events().size(); i++) {
        Event e = r.events().get(i);
        assertThat(partitionOfVisitor.computeIfAbsent(e.visitorId(), v -> r.partition()))
            .as("partition of visitor %s", e.visitorId()).isEqualTo(r.partition());
        Long last = lastPosition.put(r.partition(), r.positions()[i]);
        if (last != null) {
          assertThat(r.positions()[i]).as("position after %s in partition %s", last, r.partition()).isGreaterThan(last);
        }
      }
    }
    // The assignment maps every visitor to the partition its events came from.
    PartitionAssignment assignment = handler.assignments().getLast();
    partitionOfVisitor.forEach((visitor, partition) ->
        assertThat(assignment.partitionOf(visitor)).as("partition of visitor %s", visitor).isEqualTo(partition));
  }

  @Test
  @DisplayName("Events of a failed delivery come again with the positions they had")
  void redeliveriesKeepTheirPositions() {
    List<Event> published = events.forVisitors(4, 8);
    AtomicBoolean failedOnce = new AtomicBoolean();
    PartitionRecorder handler = new PartitionRecorder().answer(d -> failedOnce.compareAndSet(false, true)
        ? Future.failedFuture(new IllegalStateException("store down"))
        : Future.succeededFuture());
    startConsumer(handler);
    publish(published);
    handler.awaitStored(ids(published));

    Map<Long, Long> first = handler.firstPositions();
    int again = 0;
    for (PartitionRecorder.Received r : handler.received()) {
      for (int i = 0; i < r.events().size(); i++) {
        assertThat(r.positions()[i]).as("position of event %s", r.events().get(i).eventId())
            .isEqualTo(first.get(r.events().get(i).eventId()));
      }
      again += r.events().size();
    }
    assertThat(again).as("events received, the failed delivery's twice").isGreaterThan(published.size());
  }

  @Test
  @DisplayName("A partition's events are handed out only once the handler is ready for the partition")
  void nothingBeforeTheAssignmentIsAnswered() {
    List<Event> published = events.forVisitors(10, 5);
    PartitionRecorder handler = new PartitionRecorder().holdAssignments();
    EventConsumer consumer = startConsumer(handler);
    publish(published);
    Await.until("an assignment announced", () -> !handler.assignments().isEmpty());
    // The consumer has seen the events waiting while the assignment is unanswered.
    Await.until("the published events counted as waiting", () -> consumer.lag() > 0, consumer::lag);
    handler.releaseAssignment();

    handler.awaitStored(ids(published));
    assertThat(handler.received()).isNotEmpty().noneMatch(PartitionRecorder.Received::early);
  }
}
