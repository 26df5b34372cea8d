package io.trackflow.writer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.queue.kafka.KafkaEventConsumer;
import io.trackflow.adapters.queue.kafka.KafkaEventPublisher;
import io.trackflow.adapters.queue.kafka.KafkaQueueOptions;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.store.EventStore;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka → writer → ClickHouse for integration tests: a fresh topic, consumer group and database,
 * a publisher, writers started in this JVM, and counts read straight from ClickHouse.
 */
final class Pipeline implements AutoCloseable {

  /** One writer in this JVM: its verticle, consumer, store and meters. */
  record Writer(String deployment, KafkaEventConsumer consumer, EventStore store, SimpleMeterRegistry registry) {
    double rows() {
      return registry.get("trackflow.writer.rows").counter().count();
    }

    double failures() {
      return registry.get("trackflow.writer.failures").counter().count();
    }

    double buffered() {
      return registry.get("trackflow.writer.buffered").gauge().value();
    }
  }

  final Vertx vertx = Vertx.vertx();
  final KafkaService kafka;
  final ClickHouseService clickHouse;
  final KafkaQueueOptions queue;
  final ClickHouseOptions store;
  final KafkaEventPublisher publisher;
  private final List<Writer> writers = new ArrayList<>();

  Pipeline(KafkaService kafka, ClickHouseService clickHouse, int partitions) {
    this.kafka = kafka;
    this.clickHouse = clickHouse;
    this.queue = KafkaQueueOptions.of(kafka.bootstrapServers(), TestNames.unique("events"), TestNames.unique("writers"))
        .withPartitions(partitions)
        .withSessionTimeout(Duration.ofSeconds(2));
    this.store = ClickHouseOptions.of(clickHouse.httpUrl(), TestNames.unique("trackflow"));
    this.publisher = await(KafkaEventPublisher.create(vertx, queue));
    ClickHouseEventStore migrator = new ClickHouseEventStore(vertx, store, new SimpleMeterRegistry());
    await(migrator.migrate().eventually(migrator::close));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete within " + Await.SAFETY_NET.toSeconds() + " s", e);
    }
  }

  /** Starts a writer in this JVM consuming the pipeline's topic in its group. */
  Writer startWriter(int batchSize, Duration batchAge) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KafkaEventConsumer consumer = await(KafkaEventConsumer.create(vertx,
        queue.withMaxInFlightEvents(3 * batchSize), registry));
    ClickHouseEventStore eventStore = new ClickHouseEventStore(vertx, store, registry);
    WriterOptions options = WriterOptions.of(batchSize, batchAge).withRetry(Duration.ofMillis(100), Duration.ofSeconds(1));
    String deployment = await(vertx.deployVerticle(
        new WriterVerticle(consumer, eventStore, options, new WriterMetrics(registry, consumer))));
    Writer writer = new Writer(deployment, consumer, eventStore, registry);
    writers.add(writer);
    return writer;
  }

  void stopWriter(Writer writer) {
    await(vertx.undeploy(writer.deployment()).eventually(() -> writer.store().close()));
    writers.remove(writer);
  }

  /** Publishes in calls of {@code perCall} events, each awaited, as a collector would. */
  void publish(List<Event> events, int perCall) {
    for (int from = 0; from < events.size(); from += perCall) {
      await(publisher.publish(events.subList(from, Math.min(events.size(), from + perCall))));
    }
  }

  private long number(String sql) {
    return Long.parseLong(clickHouse.query(sql).strip());
  }

  /** Events as queries see them: duplicates collapsed by the ReplacingMergeTree. */
  long countFinal() {
    return number("SELECT count() FROM " + store.database() + ".events FINAL");
  }

  long countDistinctIds() {
    return number("SELECT uniqExact(event_id) FROM " + store.database() + ".events");
  }

  Set<Long> storedIds() {
    String all = clickHouse.query("SELECT DISTINCT event_id FROM " + store.database() + ".events FORMAT TSV");
    return Arrays.stream(all.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).map(Long::valueOf)
        .collect(Collectors.toSet());
  }

  /** True once the group's committed offsets reached the end of every partition of the topic. */
  boolean committedEverything() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, queue.bootstrap()))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(queue.group())
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < queue.partitions(); p++) {
        latest.put(new TopicPartition(queue.topic(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
          .get(10, TimeUnit.SECONDS);
      return ends.entrySet().stream().allMatch(e -> {
        OffsetAndMetadata c = committed.get(e.getKey());
        return e.getValue().offset() == 0 || (c != null && c.offset() == e.getValue().offset());
      });
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the consumer group's offsets", e);
    }
  }

  /** Waits until queries see exactly {@code expected} events. */
  void awaitQueryable(long expected) {
    Await.until(expected + " events queryable in ClickHouse", () -> countFinal() == expected, this::countFinal);
  }

  @Override
  public void close() {
    for (Writer writer : List.copyOf(writers)) {
      await(vertx.undeploy(writer.deployment()).otherwiseEmpty().eventually(() -> writer.store().close()));
    }
    await(publisher.close().otherwiseEmpty());
    await(vertx.close());
  }
}
