package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * A writer's background job run every {@code interval}: one run at a time (a run due while the
 * previous one still runs is skipped), a failed run counted and logged, and the next one tries
 * again. Subclasses say what a run does and what its outcome counts.
 *
 * @param <T> what a run answers
 */
abstract class PeriodicJobVerticle<T> extends VerticleBase {

  private final Duration interval;
  private final Counter failures;
  private final Logger log;
  private final String name;
  private long timer = -1;
  private boolean running;

  /**
   * @param name what the job is called in its log lines ("Compaction", "Rollup build")
   * @param failuresMeter the counter of failed runs
   * @param failuresDescription that counter's description
   */
  PeriodicJobVerticle(Duration interval, MeterRegistry registry, Logger log, String name, String failuresMeter,
      String failuresDescription) {
    this.interval = interval;
    this.log = log;
    this.name = name;
    this.failures = Counter.builder(failuresMeter).description(failuresDescription).register(registry);
  }

  /** One run of the job. */
  abstract Future<T> runOnce();

  /** Counts and logs a successful run's outcome. */
  abstract void completed(T outcome);

  /** What a skipped run answers. */
  abstract T nothing();

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> run());
    return Future.succeededFuture();
  }

  /** One run, unless the previous one is still running. */
  Future<T> run() {
    if (running) {
      return Future.succeededFuture(nothing());
    }
    running = true;
    return runOnce()
        .onSuccess(this::completed)
        .onFailure(e -> {
          failures.increment();
          log.warn("{} failed; trying again in {} s: {}", name, interval.toSeconds(), e.toString());
        })
        .andThen(ar -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
