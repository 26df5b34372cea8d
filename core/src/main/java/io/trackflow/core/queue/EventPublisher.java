package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import java.util.List;

/** Queue port, publishing side: hands enriched events to the queue the writers consume. */
public interface EventPublisher {

  /**
   * Publishes events. The future succeeds once the queue holds them durably (Kafka acknowledged
   * with acks=all; the in-process queue took them) and fails with {@link QueueUnavailableException}
   * when the queue cannot take them now (broker down, buffer full).
   */
  Future<Void> publish(List<Event> events);

  /** True while the queue is reachable; feeds the readiness check. */
  default boolean healthy() {
    return true;
  }

  /** Flushes what is in flight and releases resources. */
  Future<Void> close();
}
