package io.trackflow.writer;

import io.micrometer.core.instrument.Timer;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes deliveries from the queue, buffers them, and inserts a batch once it holds {@code
 * batchSize} rows or its oldest row is {@code batchAge} old: one {@link EventStore#insert} per
 * batch, one insert at a time. A delivery's future completes only after the insert holding its
 * events succeeded, so the queue acknowledges (commits) stored events only.
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

  // Touched on this verticle's context only.
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int waitingRows;
  private List<Pending> batch;
  private int batchRows;
  private long ageTimer = -1;
  private long retryTimer = -1;
  private boolean stopping;
  private boolean givingUp;
  private Promise<Void> batchFinished;

  private record Pending(List<Event> events, Promise<Void> stored, long arrivedNanos) {}

  WriterVerticle(EventConsumer consumer, EventStore store, WriterOptions options, WriterMetrics metrics) {
    this.consumer = consumer;
    this.store = store;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    return consumer.start(this::accept);
  }

  private Future<Void> accept(List<Event> events) {
    if (Vertx.currentContext() != context) {
      // The consumer delivers where it was started (here); hop over if an adapter does not.
      Promise<Void> stored = Promise.promise();
      context.runOnContext(v -> accept(events).onComplete(stored));
      return stored.future();
    }
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    if (givingUp) {
      return Future.failedFuture(new IllegalStateException("writer stopped"));
    }
    Pending pending = new Pending(events, Promise.promise(), System.nanoTime());
    waiting.addLast(pending);
    waitingRows += events.size();
    metrics.buffered.addAndGet(events.size());
    if (due()) {
      flush();
    } else {
      scheduleAgeFlush();
    }
    return pending.stored().future();
  }

  private boolean due() {
    if (waiting.isEmpty()) {
      return false;
    }
    return stopping || waitingRows >= options.batchSize()
        || System.nanoTime() - waiting.peekFirst().arrivedNanos() >= options.batchAge().toNanos();
  }

  /** Starts the next batch unless one is being inserted. */
  private void flush() {
    if (batch != null || waiting.isEmpty()) {
      return;
    }
    List<Pending> taken = new ArrayList<>();
    List<Event> rows = new ArrayList<>(Math.min(waitingRows, options.batchSize() + 1024));
    // Whole deliveries only: a delivery is acknowledged by exactly one insert.
    while (!waiting.isEmpty() && rows.size() < options.batchSize()) {
      Pending pending = waiting.pollFirst();
      taken.add(pending);
      rows.addAll(pending.events());
    }
    waitingRows -= rows.size();
    batch = taken;
    batchRows = rows.size();
    cancelAgeTimer();
    insert(rows, 1);
  }

  private void insert(List<Event> rows, int attempt) {
    Timer.Sample sample = metrics.startTimer();
    Future<Void> inserted;
    try {
      inserted = store.insert(rows);
    } catch (RuntimeException e) {
      inserted = Future.failedFuture(e);
    }
    inserted.onComplete(ar -> onContext(() -> {
      if (ar.succeeded()) {
        sample.stop(metrics.insertSucceeded);
        metrics.rows.increment(rows.size());
        metrics.batchSize.record(rows.size());
        finishBatch(true);
        return;
      }
      sample.stop(metrics.insertFailed);
      metrics.failures.increment();
      if (givingUp) {
        log.warn("Insert of {} rows failed while stopping; they stay in the queue: {}", rows.size(),
            ar.cause().getMessage());
        finishBatch(false);
        return;
      }
      Duration pause = options.backoff(attempt);
      log.warn("Insert of {} rows failed (attempt {}), retrying in {} ms: {}", rows.size(), attempt,
          pause.toMillis(), ar.cause().getMessage());
      metrics.retries.increment();
      retryTimer = vertx.setTimer(pause.toMillis(), id -> {
        retryTimer = -1;
        insert(rows, attempt + 1);
      });
    }));
  }

  private void finishBatch(boolean stored) {
    List<Pending> done = batch;
    batch = null;
    metrics.buffered.addAndGet(-batchRows);
    batchRows = 0;
    for (Pending pending : done) {
      if (stored) {
        pending.stored().complete();
      } else {
        pending.stored().fail("not stored: the writer stopped while the store failed");
      }
    }
    if (batchFinished != null) {
      batchFinished.tryComplete();
      batchFinished = null;
    }
    if (givingUp) {
      return;
    }
    if (due()) {
      flush();
    } else {
      scheduleAgeFlush();
    }
  }

  private void scheduleAgeFlush() {
    if (ageTimer >= 0 || waiting.isEmpty()) {
      return;
    }
    long waited = System.nanoTime() - waiting.peekFirst().arrivedNanos();
    long delay = Math.max(1, TimeUnit.NANOSECONDS.toMillis(options.batchAge().toNanos() - waited));
    ageTimer = vertx.setTimer(delay, id -> {
      ageTimer = -1;
      // During an insert the next batch waits; the insert's completion checks its age.
      if (batch == null) {
        flush();
      }
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
    cancelAgeTimer();
    Future<Void> current = Future.succeededFuture();
    if (batch != null) {
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
        retryTimer = -1;
        finishBatch(false);
      } else {
        batchFinished = Promise.promise();
        current = batchFinished.future();
      }
    }
    return current.onComplete(ar -> {
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
