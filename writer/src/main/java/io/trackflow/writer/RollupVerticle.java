package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.rollup.RollupBuilder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the {@link RollupBuilder} build, every few minutes, the rollups of UTC days that settled
 * since, and rebuild days written to after their build (docs/storage.md, "Rollups"). One run at a
 * time; a failed run is logged and the next one tries again. Writers of a cluster each run it: a
 * build replaces its day whole, so two writers building one day leave the same rows.
 */
final class RollupVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RollupVerticle.class);

  /** How often the writer looks for days to build. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  /**
   * How long after its end a UTC day is built: late deliveries (queue backlog, replays) mostly
   * arrive by then; later ones make the day's next check rebuild it.
   */
  static final Duration SETTLE = Duration.ofMinutes(30);

  private final RollupBuilder builder;
  private final Duration interval;
  private final Counter built;
  private final Counter failures;
  private long timer = -1;
  private boolean running;

  RollupVerticle(RollupBuilder builder, Duration interval, MeterRegistry registry) {
    this.builder = builder;
    this.interval = interval;
    this.built = Counter.builder("trackflow.writer.rollup.days")
        .description("UTC days whose rollups the writer built or rebuilt from the raw tables")
        .register(registry);
    this.failures = Counter.builder("trackflow.writer.rollup.failures")
        .description("Rollup build runs that failed (the next run tries again)")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> run());
    return Future.succeededFuture();
  }

  /** One run, unless the previous one is still running. */
  Future<RollupBuilder.Outcome> run() {
    if (running) {
      return Future.succeededFuture(new RollupBuilder.Outcome(0, 0));
    }
    running = true;
    return builder.run()
        .onSuccess(outcome -> {
          built.increment(outcome.built());
          if (outcome.built() + outcome.dropped() > 0) {
            log.info("Rollups: built {} day(s), dropped {}", outcome.built(), outcome.dropped());
          }
        })
        .onFailure(e -> {
          failures.increment();
          log.warn("Rollup build failed; trying again in {} s: {}", interval.toSeconds(), e.toString());
        })
        .andThen(ar -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
