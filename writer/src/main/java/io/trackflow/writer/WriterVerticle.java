package io.trackflow.writer;

import io.micrometer.core.instrument.Timer;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.queue.DeliveryHandler;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.PartitionAssignment;
import io.trackflow.core.session.SessionState;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes deliveries from the queue, gives each event its session ({@link SessionKeeper}: the open
 * sessions of the partitions this writer owns, in memory), buffers them, and inserts a batch
 * once it holds {@code batchSize} rows or its oldest row is {@code batchAge} old: one {@link
 * EventStore#insert} per batch (events and the session rows they produced), at most {@code
 * inserts} batches at once. A delivery's future completes only after the insert holding its
 * events succeeded, so the queue acknowledges (commits) stored events only.
 *
 * <p>Partitions assigned are answered once their open sessions are loaded; partitions revoked
 * are answered once every delivery of them was (their waiting deliveries are inserted at once),
 * so the next owner finds the sessions stored.
 *
 * <p>A failing store is retried with capped exponential backoff, the same batch each time. While
 * it fails, deliveries stay unanswered; the consumer bounds how many it hands out and then stops
 * fetching, so memory stays bounded and the backlog waits in the queue.
 *
 * <p>{@link #stop()} inserts what is buffered at once and lets the consumer drain and commit;
 * if the store still fails by then, the unstored deliveries are left to be read again.
 */
public final class WriterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(WriterVerticle.class);

  private final EventConsumer consumer;
  private final EventStore store;
  private final WriterOptions options;
  private final WriterMetrics metrics;
  private final Clock clock;
  private final Duration sessionTimeout;

  // Touched on this verticle's context only.
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final Set<Batch> active = new LinkedHashSet<>();
  private int waitingRows;
  private long ageTimer = -1;
  private SessionKeeper sessions;
  // Deliveries accepted and not answered yet, per partition: what a revocation waits for.
  private final Map<Integer, Set<Future<Void>>> unanswered = new HashMap<>();
  // Revocations waiting for their partitions' deliveries: batches are inserted without waiting.
  private int revocations;
  private boolean stopping;
  private boolean givingUp;
  private Promise<Void> allFinished;

  private record Pending(List<Event> events, Promise<Void> stored, long arrivedNanos) {}

  /** One insert's worth of deliveries, retried as a whole. */
  private static final class Batch {
    final List<Pending> deliveries;
    final List<Event> rows;
    long retryTimer = -1;

    Batch(List<Pending> deliveries, List<Event> rows) {
      this.deliveries = deliveries;
      this.rows = rows;
    }
  }

  WriterVerticle(EventConsumer consumer, EventStore store, WriterOptions options, WriterMetrics metrics) {
    this(consumer, store, options, metrics, Clock.systemUTC(), SessionState.DEFAULT_TIMEOUT);
  }

  WriterVerticle(EventConsumer consumer, EventStore store, WriterOptions options, WriterMetrics metrics,
      Clock clock, Duration sessionTimeout) {
    this.consumer = consumer;
    this.store = store;
    this.options = options;
    this.metrics = metrics;
    this.clock = clock;
    this.sessionTimeout = sessionTimeout;
  }

  @Override
  public Future<?> start() {
    sessions = new SessionKeeper(vertx, store, clock, sessionTimeout, options, metrics);
    return consumer.start(new DeliveryHandler() {
      @Override
      public Future<Void> handle(List<Event> events) {
        return Future.failedFuture(new IllegalStateException("the writer needs each delivery's partition"));
      }

      @Override
      public Future<Void> handle(Delivery delivery) {
        return onContext(() -> accept(delivery));
      }

      @Override
      public Future<Void> assigned(PartitionAssignment assignment) {
        return onContext(() -> assign(assignment));
      }

      @Override
      public Future<Void> revoked(Set<Integer> partitions) {
        return onContext(() -> revoke(partitions));
      }
    });
  }

  /** After what this writer still holds of the partitions (an earlier ownership) settled. */
  private Future<Void> assign(PartitionAssignment assignment) {
    return settled(assignment.partitions()).compose(v -> sessions.assigned(assignment));
  }

  private Future<Void> revoke(Set<Integer> partitions) {
    sessions.revoked(partitions);
    revocations++;
    flush();
    return settled(partitions).andThen(ar -> {
      revocations--;
    });
  }

  /** Completes once every delivery of the partitions accepted so far was answered, either way. */
  private Future<Void> settled(Set<Integer> partitions) {
    List<Future<Void>> open = new ArrayList<>();
    for (int partition : partitions) {
      open.addAll(unanswered.getOrDefault(partition, Set.of()));
    }
    return Future.join(open).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Void> accept(Delivery delivery) {
    if (delivery.events().isEmpty()) {
      return Future.succeededFuture();
    }
    if (givingUp) {
      return Future.failedFuture(new IllegalStateException("writer stopped"));
    }
    Set<Future<Void>> ofPartition = unanswered.computeIfAbsent(delivery.partition(), p -> new HashSet<>());
    Future<Void> stored = sessions.sessionize(delivery).compose(this::buffer);
    ofPartition.add(stored);
    return stored.andThen(ar -> {
      ofPartition.remove(stored);
      if (ofPartition.isEmpty()) {
        unanswered.remove(delivery.partition(), ofPartition);
      }
    });
  }

  private Future<Void> buffer(List<Event> events) {
    if (givingUp) {
      return Future.failedFuture(new IllegalStateException("writer stopped"));
    }
    Pending pending = new Pending(events, Promise.promise(), System.nanoTime());
    waiting.addLast(pending);
    waitingRows += events.size();
    metrics.buffered.addAndGet(events.size());
    flush();
    return pending.stored().future();
  }

  private boolean due() {
    if (waiting.isEmpty()) {
      return false;
    }
    return stopping || revocations > 0 || waitingRows >= options.batchSize()
        || System.nanoTime() - waiting.peekFirst().arrivedNanos() >= options.batchAge().toNanos();
  }

  /** Starts batches while one is due and an insert slot is free; otherwise waits for the age. */
  private void flush() {
    boolean took = false;
    while (!givingUp && active.size() < options.inserts() && due()) {
      List<Pending> taken = new ArrayList<>();
      List<Event> rows = new ArrayList<>(Math.min(waitingRows, options.batchSize() + 1024));
      // Whole deliveries only: a delivery is acknowledged by exactly one insert.
      while (!waiting.isEmpty() && rows.size() < options.batchSize()) {
        Pending pending = waiting.pollFirst();
        taken.add(pending);
        rows.addAll(pending.events());
      }
      waitingRows -= rows.size();
      Batch batch = new Batch(taken, rows);
      active.add(batch);
      took = true;
      insert(batch, 1);
    }
    if (took || waiting.isEmpty()) {
      cancelAgeTimer(); // aimed at a row that is now in a batch
    }
    scheduleAgeFlush();
  }

  private void insert(Batch batch, int attempt) {
    Timer.Sample sample = metrics.startTimer();
    Future<Void> inserted;
    try {
      inserted = store.insert(batch.rows);
    } catch (RuntimeException e) {
      inserted = Future.failedFuture(e);
    }
    inserted.onComplete(ar -> onContext(() -> {
      if (ar.succeeded()) {
        sample.stop(metrics.insertSucceeded);
        metrics.stored(batch.rows);
        finish(batch, true);
        return;
      }
      sample.stop(metrics.insertFailed);
      metrics.failures.increment();
      if (givingUp) {
        log.warn("Insert of {} rows failed while stopping; they stay in the queue: {}", batch.rows.size(),
            ar.cause().getMessage());
        finish(batch, false);
        return;
      }
      Duration pause = options.backoff(attempt);
      log.warn("Insert of {} rows failed (attempt {}), retrying in {} ms: {}", batch.rows.size(), attempt,
          pause.toMillis(), ar.cause().getMessage());
      metrics.retries.increment();
      batch.retryTimer = vertx.setTimer(pause.toMillis(), id -> {
        batch.retryTimer = -1;
        insert(batch, attempt + 1);
      });
    }));
  }

  private void finish(Batch batch, boolean stored) {
    active.remove(batch);
    metrics.buffered.addAndGet(-batch.rows.size());
    for (Pending pending : batch.deliveries) {
      if (stored) {
        pending.stored().complete();
      } else {
        pending.stored().fail("not stored: the writer stopped while the store failed");
      }
    }
    if (givingUp) {
      if (active.isEmpty() && allFinished != null) {
        allFinished.tryComplete();
      }
      return;
    }
    flush();
  }

  private void scheduleAgeFlush() {
    // With every insert slot busy the next batch waits: a finishing insert calls flush() again.
    if (ageTimer >= 0 || waiting.isEmpty() || active.size() >= options.inserts()) {
      return;
    }
    long waited = System.nanoTime() - waiting.peekFirst().arrivedNanos();
    long delay = Math.max(1, TimeUnit.NANOSECONDS.toMillis(options.batchAge().toNanos() - waited));
    ageTimer = vertx.setTimer(delay, id -> {
      ageTimer = -1;
      flush();
    });
  }

  private void cancelAgeTimer() {
    if (ageTimer >= 0) {
      vertx.cancelTimer(ageTimer);
      ageTimer = -1;
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Runs on this verticle's context: the consumer calls where it was started (here), or hops. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    flush();
    return consumer.stop()
        .recover(e -> {
          log.warn("Queue consumer did not stop cleanly: {}", e.getMessage());
          return Future.succeededFuture();
        })
        .compose(v -> giveUpUnstored());
  }

  /** After the consumer stopped: nothing more arrives; what is still unstored is left to the queue. */
  private Future<Void> giveUpUnstored() {
    givingUp = true;
    sessions.revokeAll();
    cancelAgeTimer();
    allFinished = Promise.promise();
    for (Batch batch : List.copyOf(active)) {
      if (batch.retryTimer >= 0) {
        vertx.cancelTimer(batch.retryTimer);
        batch.retryTimer = -1;
        finish(batch, false);
      }
    }
    if (active.isEmpty()) {
      allFinished.tryComplete();
    }
    // Inserts still running are awaited: their outcome decides whether their deliveries count.
    return allFinished.future().onComplete(ar -> {
      int left = 0;
      while (!waiting.isEmpty()) {
        Pending pending = waiting.pollFirst();
        left += pending.events().size();
        pending.stored().fail("not stored: the writer stopped");
      }
      waitingRows = 0;
      metrics.buffered.addAndGet(-left);
      if (left > 0) {
        log.warn("Writer stopped with {} rows not stored; the queue delivers them again", left);
      }
    });
  }
}
