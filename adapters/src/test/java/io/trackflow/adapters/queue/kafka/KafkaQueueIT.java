package io.trackflow.adapters.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.EventCodec;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.EventQueueContract;
import io.trackflow.core.queue.QueueUnavailableException;
import io.trackflow.core.queue.RecordingHandler;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The queue contract against a real Kafka broker, plus what only Kafka has. */
@ExtendWith(RealServices.class)
@DisplayName("The Kafka queue honours the queue contract")
class KafkaQueueIT extends EventQueueContract {

  private static final int PARTITIONS = 3;
  private static KafkaService kafka;

  private KafkaQueueOptions options;
  private SimpleMeterRegistry registry;
  private final List<EventPublisher> publishers = new ArrayList<>();
  private KafkaEventPublisher publisher;

  @BeforeAll
  static void kafka(KafkaService service) {
    kafka = service;
  }

  @Override
  protected void createQueue(Vertx vertx) {
    kafka.start(); // a no-op unless a test stopped it
    // Topic and group are new per test, so tests never see each other's events or offsets. The
    // short session timeout lets a group notice a departed member quickly.
    options = KafkaQueueOptions.of(kafka.bootstrapServers(), TestNames.unique("events"), TestNames.unique("writers"))
        .withPartitions(PARTITIONS)
        .withSessionTimeout(Duration.ofSeconds(3));
    registry = new SimpleMeterRegistry();
    publisher = track(await(KafkaEventPublisher.create(vertx, options)));
  }

  private <T extends EventPublisher> T track(T p) {
    publishers.add(p);
    return p;
  }

  @Override
  protected EventPublisher publisher() {
    return publisher;
  }

  @Override
  protected EventConsumer newConsumer() {
    return await(KafkaEventConsumer.create(vertx, options, registry));
  }

  @Override
  protected int partitions() {
    return PARTITIONS;
  }

  @Override
  protected int partitionOf(long visitorId) {
    return KafkaEventPublisher.partitionOf(visitorId, PARTITIONS);
  }

  @Override
  protected void closeQueue() {
    publishers.forEach(p -> await(p.close().otherwiseEmpty()));
  }

  private double poisonCount() {
    return registry.get("trackflow.queue.poison").counter().count();
  }

  @Test
  @DisplayName("A record that does not decode is counted as poison and skipped; its partition goes on and commits past it")
  void poisonRecordsAreSkipped() throws Exception {
    List<Event> valid = events().forVisitors(1, 5);
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(options.topic(), 0, null, new byte[] {0x7F, 1, 2, 3})).get();
      raw.send(new ProducerRecord<>(options.topic(), 0, null, EventCodec.encode(valid).getBytes())).get();
    }
    RecordingHandler handler = new RecordingHandler();
    EventConsumer consumer = startConsumer(handler);
    handler.awaitStored(ids(valid));
    assertThat(poisonCount()).isEqualTo(1.0);
    await(consumer.stop());

    // The poison record's offset was committed with its partition: a new consumer does not see it.
    RecordingHandler next = new RecordingHandler();
    startConsumer(next);
    List<Event> marker = markerInEveryPartition();
    publish(marker);
    next.awaitStored(ids(marker));
    assertThat(poisonCount()).isEqualTo(1.0);
    assertThat(next.receivedIds()).doesNotContainAnyElementsOf(ids(valid));
  }

  @Test
  @DisplayName("A delivery of a revoked partition that completes after the rebalance commits nothing for the new owner")
  void lateDeliveriesOfRevokedPartitionsDoNotCommit() {
    List<Event> published = events().forVisitors(60, 2);
    RecordingHandler first = new RecordingHandler().hold();
    EventConsumer firstConsumer = startConsumer(first);
    publish(published);
    first.awaitReceived(ids(published));

    // A second member joins: the first loses partitions while holding their deliveries. The
    // second member gets those partitions from their start, as nothing was committed.
    RecordingHandler second = new RecordingHandler().hold();
    EventConsumer secondConsumer = startConsumer(await(KafkaEventConsumer.create(vertx,
        options.withDrainTimeout(Duration.ofMillis(300)), registry)), second);
    second.await("the second member received its partitions' events", h -> !h.deliveries().isEmpty());

    // Now the first member's old deliveries complete, and it leaves committing what it owns.
    first.succeed();
    first.releaseHeld();
    await(firstConsumer.stop());
    // The second member stops without having stored anything.
    await(secondConsumer.stop());
    Set<Long> onlySecondHad = new HashSet<>(second.receivedIds());

    RecordingHandler third = new RecordingHandler();
    startConsumer(third);
    third.awaitReceived(onlySecondHad);
    Set<Long> stored = new HashSet<>(first.storedIds());
    third.await("every event stored by the first or third member", h -> {
      Set<Long> union = new HashSet<>(stored);
      union.addAll(h.storedIds());
      return union.containsAll(ids(published));
    });
    assertThat(onlySecondHad).isNotEmpty();
  }

  @Test
  @DisplayName("With too many events in flight the consumer pauses, and its lag counts what it has not fetched")
  void inFlightBoundPausesAndLagCountsTheRest() {
    RecordingHandler handler = new RecordingHandler().hold();
    KafkaEventConsumer consumer = startConsumer(await(KafkaEventConsumer.create(vertx,
        options.withMaxInFlightEvents(10).withDrainTimeout(Duration.ofMillis(300)), registry)), handler);
    List<Event> firstBatch = events().forVisitors(50, 1);
    publish(firstBatch);
    handler.await("the first events held", h -> h.heldCount() > 0);

    // One publish call per event: 120 records (one call's events share a record per partition).
    List<Event> whilePaused = events().forVisitors(120, 1);
    whilePaused.forEach(e -> publish(List.of(e)));
    Await.until("lag to count the records published while paused", () -> consumer.lag() >= 120,
        consumer::lag);
    assertThat(handler.receivedIds()).doesNotContainAnyElementsOf(ids(whilePaused));
    assertThat(consumer.healthy()).isTrue();

    handler.succeed();
    handler.releaseHeld();
    handler.awaitStored(ids(whilePaused));
    Await.until("lag back to zero", () -> consumer.lag() == 0, consumer::lag);
    await(consumer.stop());
  }

  @Test
  @DisplayName("Publishing to an unreachable broker fails fast with QueueUnavailableException and reports unhealthy")
  void unreachableBrokerFailsPublish() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    KafkaQueueOptions nowhere = KafkaQueueOptions.of("127.0.0.1:" + closedPort, "nowhere", "nobody")
        .withMaxBlock(Duration.ofMillis(300));
    KafkaEventPublisher unreachable = track(await(KafkaEventPublisher.connect(vertx, nowhere)));

    assertThatThrownBy(() -> await(unreachable.publish(events().forVisitors(1, 1))))
        .isInstanceOf(QueueUnavailableException.class);
    assertThat(unreachable.healthy()).isFalse();
  }

  @Test
  @DisplayName("A publish beyond the pending-bytes bound fails with QueueUnavailableException instead of blocking")
  void fullBufferFailsPublish() {
    KafkaEventPublisher tiny = track(await(KafkaEventPublisher.create(vertx, options.withMaxPendingBytes(64))));
    assertThatThrownBy(() -> await(tiny.publish(events().forVisitors(1, 3))))
        .isInstanceOf(QueueUnavailableException.class)
        .hasMessageContaining("buffer is full");
    assertThat(tiny.pendingBytes()).isZero();
  }

  @Test
  @DisplayName("When the broker dies after start-up, a publish fails with QueueUnavailableException once the delivery timeout passes")
  void brokerLossFailsPublishAfterDeliveryTimeout() {
    KafkaEventPublisher shortTimeout = track(await(KafkaEventPublisher.create(vertx,
        options.withDeliveryTimeout(Duration.ofMillis(1500)))));
    // Connection in place. With a 1.5 s delivery timeout a live but busy broker can let one
    // publish expire, so what counts is that one goes through.
    Await.until("a publish acknowledged while the broker is up", () -> {
      await(shortTimeout.publish(events().forVisitors(1, 1)));
      return true;
    });
    kafka.kill();
    try {
      assertThatThrownBy(() -> await(shortTimeout.publish(events().forVisitors(2, 2))))
          .isInstanceOf(QueueUnavailableException.class);
      Await.until("the publisher to report the broker unreachable", () -> !shortTimeout.healthy());
    } finally {
      kafka.start();
    }
    Await.until("the publisher to recover once the broker is back", shortTimeout::healthy);
    Await.until("a publish acknowledged once the broker is back", () -> {
      await(shortTimeout.publish(events().forVisitors(1, 1)));
      return true;
    });
  }
}
