package io.trackflow.collector.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.collector.CollectorMetrics;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.spool.EventSpool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the spool to the queue, oldest first, one batch at a time, whenever the spool holds
 * hits and the queue is available (checked every {@value #CHECK_MILLIS} ms, and straight on after
 * each batch while there is more). A batch counts as accepted once the queue acknowledged it; then
 * the spool's cursor moves past it. A publish that fails leaves the cursor where it was, and the
 * same batch is tried again once the queue is back. Runs on the context that started it.
 */
public final class SpoolReplay {

  private static final Logger log = LoggerFactory.getLogger(SpoolReplay.class);
  static final long CHECK_MILLIS = 200;
  /** Events per replayed publish: about one batch of live traffic. */
  static final int BATCH_EVENTS = 1000;

  private final Vertx vertx;
  private final EventSpool spool;
  private final EventPublisher publisher;
  private final CollectorMetrics metrics;
  private final Counter replayed;
  private long timer = -1;
  private boolean replaying;
  private boolean stopped;
  private Future<Void> current = Future.succeededFuture();

  public SpoolReplay(Vertx vertx, EventSpool spool, EventPublisher publisher, CollectorMetrics metrics,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.spool = spool;
    this.publisher = publisher;
    this.metrics = metrics;
    this.replayed = Counter.builder("trackflow.collector.spool.replayed")
        .description("Hits replayed from the spool to the queue (also counted as accepted)").register(registry);
  }

  /** Starts replaying on the caller's context; what an earlier run left goes first. */
  public void start() {
    timer = vertx.setPeriodic(CHECK_MILLIS, id -> step());
  }

  private void step() {
    if (replaying || stopped || !spool.holding() || !publisher.healthy()) {
      return;
    }
    replaying = true;
    current = replayNext()
        .onComplete(ar -> {
          replaying = false;
          if (ar.failed()) {
            log.warn("Spool replay paused: {}", ar.cause().getMessage());
          } else if (ar.result()) {
            step();
          }
        })
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Publishes the next batch; true when one was published and there may be more. */
  private Future<Boolean> replayNext() {
    return spool.next(BATCH_EVENTS).compose(batch -> {
      if (batch.events().isEmpty()) {
        // Nothing readable yet (appends still on their way), or only damage to step over.
        return spool.acknowledge(batch).map(false);
      }
      return publisher.publish(batch.events())
          .compose(v -> spool.acknowledge(batch)
              .onFailure(e -> log.error("Spool cursor not saved; {} replayed hits may be replayed again: {}",
                  batch.events().size(), e.getMessage()))
              .otherwiseEmpty())
          .map(v -> {
            for (Event e : batch.events()) {
              metrics.accepted(e.site());
            }
            replayed.increment(batch.events().size());
            return true;
          });
    });
  }

  /** Stops replaying; completes once a batch under way has finished. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return current;
  }
}
