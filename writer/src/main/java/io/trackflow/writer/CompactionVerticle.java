package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the event store, every few minutes, to merge what settled ({@link EventStore#compact()}):
 * on ClickHouse that turns finished days into single parts, which stats read without FINAL.
 * One run at a time; a failed run is logged and the next one tries again.
 */
final class CompactionVerticle extends PeriodicJobVerticle<Integer> {

  private static final Logger log = LoggerFactory.getLogger(CompactionVerticle.class);

  /** How often the writer asks the store to compact. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  private final EventStore store;
  private final Counter merged;

  CompactionVerticle(EventStore store, Duration interval, MeterRegistry registry) {
    super(interval, registry, log, "Compaction", "trackflow.writer.compaction.failures",
        "Compaction runs that failed (the next run tries again)");
    this.store = store;
    this.merged = Counter.builder("trackflow.writer.compacted.partitions")
        .description("Table partitions the writer had the event store merge so reads need no deduplication")
        .register(registry);
  }

  @Override
  Future<Integer> runOnce() {
    return store.compact();
  }

  @Override
  void completed(Integer partitions) {
    merged.increment(partitions);
    if (partitions > 0) {
      log.info("Compacted {} table partition(s)", partitions);
    }
  }

  @Override
  Integer nothing() {
    return 0;
  }
}
