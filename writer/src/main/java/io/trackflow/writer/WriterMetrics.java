package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.EventConsumer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer's meters: rows inserted, batch sizes, insert latency per outcome, retries, failed
 * attempts, rows buffered, the consumer's lag, and the newest event stored (so that freshness,
 * now minus that time, can be watched without querying the store).
 */
final class WriterMetrics {

  final Counter rows;
  final DistributionSummary batchSize;
  final Timer insertSucceeded;
  final Timer insertFailed;
  final Counter retries;
  final Counter failures;
  final AtomicInteger buffered = new AtomicInteger();
  private final AtomicLong newestStoredMillis = new AtomicLong(NOTHING_STORED);
  private final MeterRegistry registry;

  private static final long NOTHING_STORED = Long.MIN_VALUE;

  WriterMetrics(MeterRegistry registry, EventConsumer consumer) {
    this.registry = registry;
    rows = Counter.builder("trackflow.writer.rows")
        .description("Rows the writer inserted (a replayed delivery counts again)")
        .baseUnit("rows")
        .register(registry);
    batchSize = DistributionSummary.builder("trackflow.writer.batch.size")
        .description("Rows per inserted batch")
        .baseUnit("rows")
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue(100_000.0)
        .register(registry);
    insertSucceeded = insertTimer(registry, "success");
    insertFailed = insertTimer(registry, "failure");
    retries = Counter.builder("trackflow.writer.retries")
        .description("Insert attempts repeated after a failure")
        .register(registry);
    failures = Counter.builder("trackflow.writer.failures")
        .description("Insert attempts that failed")
        .register(registry);
    Gauge.builder("trackflow.writer.buffered", buffered, AtomicInteger::get)
        .description("Rows held by the writer: waiting for a batch or being inserted")
        .baseUnit("rows")
        .register(registry);
    Gauge.builder("trackflow.writer.lag", consumer, c -> {
          long lag = c.lag();
          return lag < 0 ? Double.NaN : lag;
        })
        .description("Queue entries not fetched by this writer yet (Kafka: records behind the end offsets)")
        .strongReference(true)
        .register(registry);
    // NaN until this process stored something: a freshly started writer must not look hours behind.
    Gauge.builder("trackflow.writer.newest.event.timestamp", newestStoredMillis, newest -> {
          long millis = newest.get();
          return millis == NOTHING_STORED ? Double.NaN : millis / 1000.0;
        })
        .description("Time of the newest event this writer has stored (Unix seconds); NaN before its first insert")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Counts a batch the store accepted and moves the newest stored time forward. */
  void stored(List<Event> batch) {
    rows.increment(batch.size());
    batchSize.record(batch.size());
    long newestInBatch = batch.stream().mapToLong(Event::timestampMillis).max().orElse(NOTHING_STORED);
    // Batches may finish out of order (several inserts at once): keep the maximum.
    newestStoredMillis.accumulateAndGet(newestInBatch, Math::max);
  }

  private static Timer insertTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("trackflow.writer.insert")
        .description("Latency of one batch insert attempt")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry);
  }

  Timer.Sample startTimer() {
    return Timer.start(registry);
  }
}
