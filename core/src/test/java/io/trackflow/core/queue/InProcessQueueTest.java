package io.trackflow.core.queue;

import io.trackflow.core.queue.local.InProcessQueue;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The in-process queue honours the queue contract")
class InProcessQueueTest extends EventQueueContract {

  private InProcessQueue queue;

  @Override
  protected void createQueue(Vertx vertx) {
    // Small deliveries and a low in-flight bound so the tests exercise several deliveries.
    queue = new InProcessQueue(vertx, 10_000, 25, 4);
  }

  @Override
  protected EventPublisher publisher() {
    return queue;
  }

  @Override
  protected EventConsumer newConsumer() {
    return queue;
  }

  @Override
  protected int partitions() {
    return 1; // one FIFO for every visitor
  }

  @Override
  protected int partitionOf(long visitorId) {
    return 0;
  }
}
