package io.trackflow.adapters.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.DeliveryHandler;
import io.trackflow.core.queue.PartitionAssignment;
import io.trackflow.core.queue.PartitionRecorder;
import io.trackflow.core.queue.QueueEvents;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How partitions change hands between the consumers of one group on a real Kafka broker. */
@ExtendWith(RealServices.class)
@DisplayName("Kafka: partitions change hands only after their deliveries were answered")
class KafkaPartitionOwnershipIT {

  private final KafkaService kafka;
  private final QueueEvents events = new QueueEvents(System.nanoTime() & 0xFFFF_FFFFL);
  private final List<KafkaEventConsumer> consumers = new ArrayList<>();
  private Vertx vertx;
  private KafkaQueueOptions options;
  private KafkaEventPublisher publisher;

  KafkaPartitionOwnershipIT(KafkaService kafka) {
    this.kafka = kafka;
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    options = KafkaQueueOptions.of(kafka.bootstrapServers(), TestNames.unique("events"), TestNames.unique("writers"))
        .withPartitions(3)
        .withSessionTimeout(Duration.ofSeconds(3));
    publisher = await(KafkaEventPublisher.create(vertx, options));
  }

  @AfterEach
  void tearDown() {
    consumers.forEach(c -> await(c.stop().otherwiseEmpty()));
    await(publisher.close().otherwiseEmpty());
    await(vertx.close());
  }

  private KafkaEventConsumer start(DeliveryHandler handler) {
    KafkaEventConsumer consumer = await(KafkaEventConsumer.create(vertx, options, new SimpleMeterRegistry()));
    consumers.add(consumer);
    await(consumer.start(handler));
    return consumer;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
  }

  /** Holds every delivery open; a revocation is answered once the test released them. */
  private static final class HoldingHandler implements DeliveryHandler {
    final List<Promise<Void>> held = new ArrayList<>();
    final Set<Long> received = new HashSet<>();
    final Promise<Void> released = Promise.promise();
    final List<Set<Integer>> revocations = new ArrayList<>();

    @Override
    public Future<Void> handle(List<Event> events) {
      return Future.failedFuture("unused");
    }

    @Override
    public synchronized Future<Void> handle(Delivery delivery) {
      delivery.events().forEach(e -> received.add(e.eventId()));
      Promise<Void> promise = Promise.promise();
      held.add(promise);
      return promise.future();
    }

    @Override
    public synchronized Future<Void> assigned(PartitionAssignment assignment) {
      return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> revoked(Set<Integer> partitions) {
      revocations.add(partitions);
      return released.future();
    }

    void release() {
      List<Promise<Void>> all;
      synchronized (this) {
        all = new ArrayList<>(held);
      }
      all.forEach(Promise::complete);
      released.tryComplete();
    }

    synchronized Set<Long> receivedIds() {
      return Set.copyOf(received);
    }

    synchronized boolean revoked() {
      return !revocations.isEmpty();
    }
  }

  @Test
  @DisplayName("When a second consumer joins, the first answers what it holds before its partitions move, so the newcomer starts after it and receives none of it again")
  void revocationWaitsForOutstandingDeliveries() {
    List<Event> first = events.forVisitors(30, 3);
    HoldingHandler holding = new HoldingHandler();
    start(holding);
    await(publisher.publish(first));
    List<Long> firstIds = first.stream().map(Event::eventId).toList();
    Await.until("every event handed to the first consumer", () -> holding.receivedIds().containsAll(firstIds));

    PartitionRecorder newcomer = new PartitionRecorder();
    start(newcomer);
    Await.until("the first consumer asked to give up partitions", holding::revoked);
    holding.release();

    Await.until("the newcomer owns a partition", () -> !newcomer.assignments().isEmpty());
    List<Event> marker = events.forVisitors(30, 1);
    await(publisher.publish(marker));
    Await.until("the marker events of the newcomer's partitions stored", () -> {
      Set<Integer> owned = newcomer.assignments().getLast().partitions();
      PartitionAssignment a = newcomer.assignments().getLast();
      return marker.stream().filter(e -> owned.contains(a.partitionOf(e.visitorId())))
          .allMatch(e -> newcomer.storedIds().contains(e.eventId()));
    });
    Set<Long> again = new HashSet<>(newcomer.storedIds());
    again.retainAll(firstIds);
    assertThat(again).as("events the first consumer had stored, delivered again to the newcomer").isEmpty();
  }
}
