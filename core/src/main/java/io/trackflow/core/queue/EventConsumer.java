package io.trackflow.core.queue;

import io.vertx.core.Future;

/**
 * Queue port, consuming side, with at-least-once delivery.
 *
 * <p>The consumer hands deliveries to a {@link DeliveryHandler}. Several deliveries may be
 * outstanding at once; the consumer bounds them (pausing its source) and acknowledges a delivery
 * (commits its offsets) only after the handler's future for it, and for every earlier delivery of
 * the same partition, succeeded. A failed future means the events were not stored: the consumer
 * delivers them again, with the same positions.
 *
 * <p>Every delivery belongs to one partition. The consumer announces the partitions it is given
 * ({@link DeliveryHandler#assigned}) and hands out none of their deliveries before the handler
 * is ready for them, and announces the partitions it loses ({@link DeliveryHandler#revoked}),
 * committing them only once the handler answered what it had received.
 */
public interface EventConsumer {

  /** Starts consuming; the future completes once the subscription is in place. */
  Future<Void> start(DeliveryHandler handler);

  /** True while the queue is reachable; feeds the readiness check. */
  default boolean healthy() {
    return true;
  }

  /**
   * Events in the queue that this consumer has not fetched yet (Kafka: end offsets minus positions
   * of its partitions, sampled periodically), or -1 when unknown. Feeds the writer's lag gauge.
   */
  default long lag() {
    return -1;
  }

  /** Stops fetching; acknowledges what was already stored; releases resources. */
  Future<Void> stop();
}
