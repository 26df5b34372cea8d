package io.trackflow.core.queue.local;

import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.DeliveryHandler;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.PartitionAssignment;
import io.trackflow.core.queue.QueueUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The standalone queue: a bounded in-memory buffer between collector and writer in one JVM.
 *
 * <p>It has one partition, assigned to the consumer when it starts: nothing is delivered before
 * the handler is ready for it. Each event gets its position when published, from a clock of
 * microseconds that never repeats a value: positions grow within the process and stay above
 * those of earlier processes (unless the wall clock went back further than the restart took),
 * so the writer can tell an event it already applied from a new one across restarts too.
 *
 * <p>Capacity counts events waiting and events delivered but not yet stored, so a slow store makes
 * publishers fail fast (503 to beacons) instead of growing memory. Publishers may call from any
 * event loop; deliveries run on the consumer's context.
 *
 * <p>Publishers do not wake the consumer for every publish: that cost a cross-thread wake-up per
 * publish (one per event-loop tick under load) for a writer that batches by the second anyway.
 * The consumer collects on a short timer of its own, and a publisher wakes it early only once a
 * whole delivery is waiting.
 */
public final class InProcessQueue implements EventPublisher, EventConsumer {

  /** How often the consumer collects what is waiting when no full delivery woke it earlier. */
  static final long COLLECT_MILLIS = 20;
  /** The one partition. */
  public static final int PARTITION = 0;
  private static final PartitionAssignment ASSIGNMENT =
      new PartitionAssignment(Set.of(PARTITION), 1, visitor -> PARTITION);
  private static final long RETRY_ASSIGNMENT_MILLIS = 200;

  private final Vertx vertx;
  private final int capacity;
  private final int maxDelivery;
  private final int maxInFlightDeliveries;
  private final Object lock = new Object();
  private final ArrayDeque<Queued> waiting = new ArrayDeque<>();
  private long lastPosition;
  private int held;
  private int inFlightDeliveries;
  private boolean draining;
  // A wake-up of the consumer is queued on its context and has not run yet.
  private boolean wakeQueued;
  private long collectTimer = -1;
  private Context consumerContext;
  private DeliveryHandler handler;
  // The handler is ready for the partition's deliveries.
  private boolean assigned;
  private Promise<Void> stopped;

  private record Queued(Event event, long position) {}

  public InProcessQueue(Vertx vertx, int capacity) {
    this(vertx, capacity, 1000, 16);
  }

  public InProcessQueue(Vertx vertx, int capacity, int maxDelivery, int maxInFlightDeliveries) {
    this.vertx = vertx;
    this.capacity = capacity;
    this.maxDelivery = maxDelivery;
    this.maxInFlightDeliveries = maxInFlightDeliveries;
  }

  @Override
  public Future<Void> publish(List<Event> events) {
    Context target = null;
    synchronized (lock) {
      if (stopped != null) {
        return Future.failedFuture(new QueueUnavailableException("queue is shutting down"));
      }
      if (held + events.size() > capacity) {
        return Future.failedFuture(new QueueUnavailableException("in-process queue is full"));
      }
      for (Event event : events) {
        // Microseconds of wall time, or one more than the last: never a repeat, rarely ahead.
        lastPosition = Math.max(lastPosition + 1, System.currentTimeMillis() * 1000);
        waiting.add(new Queued(event, lastPosition));
      }
      held += events.size();
      // Only when a delivery can be taken: with every delivery slot in use, a completing
      // delivery collects the next one anyway.
      if (consumerContext != null && assigned && !wakeQueued && waiting.size() >= maxDelivery
          && inFlightDeliveries < maxInFlightDeliveries) {
        wakeQueued = true;
        target = consumerContext;
      }
    }
    if (target != null) {
      target.runOnContext(v -> wake());
    }
    return Future.succeededFuture();
  }

  /** Events waiting or being stored; exported as a gauge. */
  public int size() {
    synchronized (lock) {
      return held;
    }
  }

  public int capacity() {
    return capacity;
  }

  @Override
  public Future<Void> start(DeliveryHandler handler) {
    Context context = vertx.getOrCreateContext();
    synchronized (lock) {
      if (this.handler != null) {
        return Future.failedFuture(new IllegalStateException("the in-process queue has one consumer"));
      }
      if (stopped != null && !stopped.future().isComplete()) {
        return Future.failedFuture(new IllegalStateException("the in-process queue is still stopping"));
      }
      // A consumer that stopped may be followed by a new one (a writer redeployed in-process).
      stopped = null;
      assigned = false;
      this.handler = handler;
      this.consumerContext = context;
    }
    context.runOnContext(v -> assign(handler));
    return Future.succeededFuture();
  }

  /** Hands the partition to the handler; delivers once it is ready (retrying if it fails). */
  private void assign(DeliveryHandler h) {
    Future<Void> ready;
    try {
      ready = h.assigned(ASSIGNMENT);
    } catch (RuntimeException e) {
      ready = Future.failedFuture(e);
    }
    ready.onComplete(ar -> {
      synchronized (lock) {
        if (this.handler != h) {
          return; // stopped meanwhile
        }
        if (ar.failed()) {
          vertx.setTimer(RETRY_ASSIGNMENT_MILLIS, id -> assign(h));
          return;
        }
        assigned = true;
        // Set on the consumer's context, so the timer fires there.
        if (collectTimer < 0) {
          collectTimer = vertx.setPeriodic(COLLECT_MILLIS, id -> deliver());
        }
      }
      deliver();
    });
  }

  private void wake() {
    synchronized (lock) {
      wakeQueued = false;
    }
    deliver();
  }

  private void deliver() {
    while (true) {
      List<Queued> batch;
      DeliveryHandler h;
      synchronized (lock) {
        if (handler == null || !assigned || waiting.isEmpty() || inFlightDeliveries >= maxInFlightDeliveries) {
          completeStopIfDrained();
          return;
        }
        batch = new ArrayList<>(Math.min(maxDelivery, waiting.size()));
        while (batch.size() < maxDelivery && !waiting.isEmpty()) {
          batch.add(waiting.poll());
        }
        inFlightDeliveries++;
        h = handler;
      }
      List<Event> events = new ArrayList<>(batch.size());
      long[] positions = new long[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        events.add(batch.get(i).event());
        positions[i] = batch.get(i).position();
      }
      Future<Void> stored;
      try {
        stored = h.handle(new Delivery(PARTITION, events, positions));
      } catch (RuntimeException e) {
        stored = Future.failedFuture(e);
      }
      stored.onComplete(ar -> {
        synchronized (lock) {
          inFlightDeliveries--;
          if (ar.succeeded()) {
            held -= batch.size();
          } else {
            // Not stored: put the events back in front, with their positions, to be delivered again.
            for (int i = batch.size() - 1; i >= 0; i--) {
              waiting.addFirst(batch.get(i));
            }
          }
        }
        if (ar.failed()) {
          // Retry after a pause instead of spinning on a failing store.
          vertx.setTimer(200, t -> deliver());
        } else {
          deliver();
        }
      });
    }
  }

  private void completeStopIfDrained() {
    if (stopped != null && draining && (waiting.isEmpty() || !assigned) && inFlightDeliveries == 0) {
      Promise<Void> p = stopped;
      draining = false;
      handler = null;
      assigned = false;
      consumerContext = null;
      if (collectTimer >= 0) {
        vertx.cancelTimer(collectTimer);
        collectTimer = -1;
      }
      vertx.runOnContext(v -> p.tryComplete());
    }
  }

  /** Delivers every event still waiting, waits until all are stored, then detaches the consumer. */
  @Override
  public Future<Void> stop() {
    Context target;
    synchronized (lock) {
      if (stopped != null) {
        return stopped.future();
      }
      stopped = Promise.promise();
      draining = true;
      target = consumerContext;
      if (target == null) {
        stopped.complete();
        return stopped.future();
      }
    }
    target.runOnContext(v -> deliver());
    return stopped.future();
  }

  @Override
  public boolean healthy() {
    return true;
  }

  @Override
  public long lag() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
