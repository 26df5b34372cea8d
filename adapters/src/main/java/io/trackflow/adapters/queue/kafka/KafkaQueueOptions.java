package io.trackflow.adapters.queue.kafka;

import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import java.time.Duration;

/**
 * Everything the Kafka queue adapters need, resolved once from configuration.
 *
 * @param bootstrap bootstrap servers
 * @param topic the events topic
 * @param group the writers' consumer group
 * @param partitions partitions of the topic when it is created at start-up
 * @param maxInFlightEvents events a consumer hands out before it pauses its partitions
 * @param drainTimeout how long {@code stop()} waits for outstanding deliveries before it commits
 *     what is done and closes
 * @param sessionTimeout consumer group session timeout: how soon a dead writer's partitions move
 * @param maxBlock producer {@code max.block.ms}, the last-resort bound on a blocked send
 * @param deliveryTimeout how long a publish may wait for the broker before it fails
 * @param maxPendingBytes encoded bytes a publisher keeps unacknowledged before it refuses more
 * @param stallTimeout how long a publish may stay unacknowledged, with a broker connection open,
 *     before the publisher counts the broker as unavailable and fails new publishes at once
 */
public record KafkaQueueOptions(
    String bootstrap,
    String topic,
    String group,
    int partitions,
    int maxInFlightEvents,
    Duration drainTimeout,
    Duration sessionTimeout,
    Duration maxBlock,
    Duration deliveryTimeout,
    long maxPendingBytes,
    Duration stallTimeout) {

  /** Defaults for everything but the addresses. */
  public static KafkaQueueOptions of(String bootstrap, String topic, String group) {
    return new KafkaQueueOptions(bootstrap, topic, group, 6, 30_000, Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(15), 16L * 1024 * 1024,
        Duration.ofSeconds(5));
  }

  /** The options of a process configured for Kafka. */
  public static KafkaQueueOptions fromConfig(TrackflowConfig config) {
    String bootstrap = config.kafkaBootstrap()
        .orElseThrow(() -> new IllegalStateException("TRACKFLOW_KAFKA_BOOTSTRAP is not set"));
    // The writer inserts up to two batches while the next one fills: three must fit in flight.
    int inFlight = Math.max(3 * config.integer(Setting.WRITER_BATCH_SIZE), 1_000);
    return of(bootstrap, config.string(Setting.KAFKA_TOPIC), config.string(Setting.KAFKA_GROUP))
        .withPartitions(config.integer(Setting.KAFKA_PARTITIONS))
        .withMaxInFlightEvents(inFlight)
        .withDeliveryTimeout(Duration.ofMillis(config.integer(Setting.KAFKA_DELIVERY_TIMEOUT_MS)));
  }

  public KafkaQueueOptions withPartitions(int value) {
    return new KafkaQueueOptions(bootstrap, topic, group, value, maxInFlightEvents, drainTimeout,
        sessionTimeout, maxBlock, deliveryTimeout, maxPendingBytes, stallTimeout);
  }

  public KafkaQueueOptions withMaxInFlightEvents(int value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, value, drainTimeout,
        sessionTimeout, maxBlock, deliveryTimeout, maxPendingBytes, stallTimeout);
  }

  public KafkaQueueOptions withDrainTimeout(Duration value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, maxInFlightEvents, value,
        sessionTimeout, maxBlock, deliveryTimeout, maxPendingBytes, stallTimeout);
  }

  public KafkaQueueOptions withSessionTimeout(Duration value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, maxInFlightEvents, drainTimeout,
        value, maxBlock, deliveryTimeout, maxPendingBytes, stallTimeout);
  }

  public KafkaQueueOptions withMaxBlock(Duration value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, maxInFlightEvents, drainTimeout,
        sessionTimeout, value, deliveryTimeout, maxPendingBytes, stallTimeout);
  }

  public KafkaQueueOptions withDeliveryTimeout(Duration value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, maxInFlightEvents, drainTimeout,
        sessionTimeout, maxBlock, value, maxPendingBytes, stallTimeout);
  }

  public KafkaQueueOptions withMaxPendingBytes(long value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, maxInFlightEvents, drainTimeout,
        sessionTimeout, maxBlock, deliveryTimeout, value, stallTimeout);
  }

  public KafkaQueueOptions withStallTimeout(Duration value) {
    return new KafkaQueueOptions(bootstrap, topic, group, partitions, maxInFlightEvents, drainTimeout,
        sessionTimeout, maxBlock, deliveryTimeout, maxPendingBytes, value);
  }
}
