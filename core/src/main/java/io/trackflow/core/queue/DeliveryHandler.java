package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Receives deliveries of events, and hears which partitions the consumer owns. A handler that
 * keeps state per partition (the writer's open sessions) builds it in {@link #assigned} before
 * the partition's first delivery and drops it in {@link #revoked}.
 */
@FunctionalInterface
public interface DeliveryHandler {

  /** Receives a delivery of events; the returned future succeeds once they are stored. */
  Future<Void> handle(List<Event> events);

  /**
   * Receives a delivery with its partition and positions; consumers call this. Handlers that do
   * not need them receive the events alone.
   */
  default Future<Void> handle(Delivery delivery) {
    return handle(delivery.events());
  }

  /**
   * The consumer now owns these partitions. It hands out none of their deliveries before the
   * returned future succeeded.
   */
  default Future<Void> assigned(PartitionAssignment assignment) {
    return Future.succeededFuture();
  }

  /**
   * These partitions are being taken away (another consumer will own them). The returned future
   * completes once every delivery of them handed out so far was answered; the consumer then
   * commits what was stored, so the next owner starts right after it.
   */
  default Future<Void> revoked(Set<Integer> partitions) {
    return Future.succeededFuture();
  }
}
