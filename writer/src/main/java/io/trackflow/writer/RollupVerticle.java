package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.rollup.RollupBuilder;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the {@link RollupBuilder} build, every few minutes, the rollups of UTC days that settled
 * since, and rebuild days written to after their build (docs/storage.md, "Rollups"). One run at a
 * time; a failed run is logged and the next one tries again. Writers of a cluster each run it:
 * a build replaces its day whole, and where two writers build one day at once, stats read one
 * build's rows (the later record's).
 */
final class RollupVerticle extends PeriodicJobVerticle<RollupBuilder.Outcome> {

  private static final Logger log = LoggerFactory.getLogger(RollupVerticle.class);

  /** How often the writer looks for days to build. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  /**
   * How long after its end a UTC day is built: late deliveries (queue backlog, replays) mostly
   * arrive by then; later ones make the day's next check rebuild it.
   */
  static final Duration SETTLE = Duration.ofMinutes(30);

  private final RollupBuilder builder;
  private final Counter built;

  RollupVerticle(RollupBuilder builder, Duration interval, MeterRegistry registry) {
    super(interval, registry, log, "Rollup build", "trackflow.writer.rollup.failures",
        "Rollup build runs that failed (the next run tries again)");
    this.builder = builder;
    this.built = Counter.builder("trackflow.writer.rollup.days")
        .description("UTC days whose rollups the writer built or rebuilt from the raw tables")
        .register(registry);
  }

  @Override
  Future<RollupBuilder.Outcome> runOnce() {
    return builder.run();
  }

  @Override
  void completed(RollupBuilder.Outcome outcome) {
    built.increment(outcome.built());
    if (outcome.built() + outcome.dropped() > 0) {
      log.info("Rollups: built {} day(s), dropped {}", outcome.built(), outcome.dropped());
    }
  }

  @Override
  RollupBuilder.Outcome nothing() {
    return new RollupBuilder.Outcome(0, 0);
  }
}
