package io.trackflow.adapters.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The insert metrics both event stores report, tagged {@code store=clickhouse|duckdb}: rows
 * written, insert latency and failed inserts.
 */
public final class StoreMetrics {

  private final Counter rowsInserted;
  private final Timer insertTimer;
  private final Counter failures;
  private final MeterRegistry registry;

  public StoreMetrics(MeterRegistry registry, String store) {
    this.registry = registry;
    this.rowsInserted = Counter.builder("trackflow.store.rows.inserted")
        .description("Rows handed to the event store in successful inserts (replays included)")
        .tag("store", store)
        .register(registry);
    this.insertTimer = Timer.builder("trackflow.store.insert")
        .description("Latency of one batch insert into the event store")
        .tag("store", store)
        .publishPercentileHistogram()
        .register(registry);
    this.failures = Counter.builder("trackflow.store.insert.failures")
        .description("Batch inserts the event store failed")
        .tag("store", store)
        .register(registry);
  }

  /** Times {@code insert} and counts its rows or its failure. */
  public Future<Void> record(int rows, Supplier<Future<Void>> insert) {
    Timer.Sample sample = Timer.start(registry);
    return insert.get()
        .onSuccess(v -> {
          sample.stop(insertTimer);
          rowsInserted.increment(rows);
        })
        .onFailure(e -> {
          sample.stop(insertTimer);
          failures.increment();
        });
  }
}
