package io.trackflow.core.queue;

import io.trackflow.core.event.Event;
import io.vertx.core.Future;
import java.util.List;

/** Receives a delivery of events; the returned future succeeds once they are stored. */
@FunctionalInterface
public interface DeliveryHandler {
  Future<Void> handle(List<Event> events);
}
