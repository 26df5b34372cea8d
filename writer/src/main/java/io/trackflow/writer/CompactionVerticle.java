package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the event store, every few minutes, to merge what settled ({@link EventStore#compact()}):
 * on ClickHouse that turns finished days into single parts, which stats read without FINAL.
 * One run at a time; a failed run is logged and the next one tries again.
 */
final class CompactionVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CompactionVerticle.class);

  /** How often the writer asks the store to compact. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  private final EventStore store;
  private final Duration interval;
  private final Counter merged;
  private final Counter failures;
  private long timer = -1;
  private boolean running;

  CompactionVerticle(EventStore store, Duration interval, MeterRegistry registry) {
    this.store = store;
    this.interval = interval;
    this.merged = Counter.builder("trackflow.writer.compacted.partitions")
        .description("Table partitions the writer had the event store merge so reads need no deduplication")
        .register(registry);
    this.failures = Counter.builder("trackflow.writer.compaction.failures")
        .description("Compaction runs that failed (the next run tries again)")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> run());
    return Future.succeededFuture();
  }

  /** One compaction, unless the previous one is still running. */
  Future<Integer> run() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    return store.compact()
        .onSuccess(n -> {
          merged.increment(n);
          if (n > 0) {
            log.info("Compacted {} table partition(s)", n);
          }
        })
        .onFailure(e -> {
          failures.increment();
          log.warn("Compaction failed; trying again in {} s: {}", interval.toSeconds(), e.toString());
        })
        .andThen(ar -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
