package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trackflow.core.queue.EventConsumer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer's meters: rows inserted, batch sizes, insert latency per outcome, retries, failed
 * attempts, rows buffered, and the consumer's lag.
 */
final class WriterMetrics {

  final Counter rows;
  final DistributionSummary batchSize;
  final Timer insertSucceeded;
  final Timer insertFailed;
  final Counter retries;
  final Counter failures;
  final AtomicInteger buffered = new AtomicInteger();
  private final MeterRegistry registry;

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
