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
 * attempts, rows buffered, the consumer's lag, the newest event stored (so that freshness, now
 * minus that time, can be watched without querying the store), and the open sessions it keeps
 * (held, replayed events, loads from the store).
 */
final class WriterMetrics {

  final Counter rows;
  final DistributionSummary batchSize;
  final Timer insertSucceeded;
  final Timer insertFailed;
  final Counter retries;
  final Counter failures;
  final AtomicInteger buffered = new AtomicInteger();
  final AtomicInteger openSessions = new AtomicInteger();
  final Counter replayed;
  final Timer rebuild;
  final Counter rebuiltSessions;
  final Counter rebuildFailures;
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
    Gauge.builder("trackflow.writer.sessions.open", openSessions, AtomicInteger::get)
        .description("Open sessions the writer keeps for the visitors of its partitions")
        .register(registry);
    replayed = Counter.builder("trackflow.writer.sessions.replayed")
        .description("Events their session had applied already (a replay after a crash): given their session, not counted again")
        .register(registry);
    rebuild = Timer.builder("trackflow.writer.sessions.rebuild")
        .description("Loading the open sessions of newly assigned partitions (or older ones for a partition far behind) from the store")
        .register(registry);
    rebuiltSessions = Counter.builder("trackflow.writer.sessions.rebuilt")
        .description("Open sessions loaded from the store for newly assigned partitions")
        .register(registry);
    rebuildFailures = Counter.builder("trackflow.writer.sessions.rebuild.failures")
        .description("Loads of open sessions that failed (retried with backoff while the partitions are owned)")
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
