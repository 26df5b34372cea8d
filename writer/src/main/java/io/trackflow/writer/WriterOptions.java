package io.trackflow.writer;

import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import java.time.Duration;

/**
 * How the writer batches and retries.
 *
 * @param batchSize a batch is inserted once it holds this many rows
 * @param batchAge a batch is inserted once its oldest row waited this long
 * @param inserts how many batch inserts may run at once (each batch is still one insert)
 * @param firstRetry pause before the first retry of a failed insert; doubles per attempt
 * @param maxRetry the cap of that pause
 */
public record WriterOptions(int batchSize, Duration batchAge, int inserts, Duration firstRetry, Duration maxRetry) {

  /** Two inserts at once: one batch is encoded and sent while the store writes the other. */
  public static final int DEFAULT_INSERTS = 2;

  public WriterOptions {
    if (batchSize < 1 || inserts < 1) {
      throw new IllegalArgumentException("batch size and inserts must be positive: " + batchSize + ", " + inserts);
    }
  }

  /** The defaults for everything but size and age. */
  public static WriterOptions of(int batchSize, Duration batchAge) {
    return new WriterOptions(batchSize, batchAge, DEFAULT_INSERTS, Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  public static WriterOptions fromConfig(TrackflowConfig config) {
    return of(config.integer(Setting.WRITER_BATCH_SIZE), Duration.ofMillis(config.integer(Setting.WRITER_BATCH_AGE_MS)));
  }

  public WriterOptions withInserts(int value) {
    return new WriterOptions(batchSize, batchAge, value, firstRetry, maxRetry);
  }

  public WriterOptions withRetry(Duration first, Duration max) {
    return new WriterOptions(batchSize, batchAge, inserts, first, max);
  }

  /** Pause before retry number {@code attempt} (1-based): 100 ms, 200 ms, … capped. */
  Duration backoff(int attempt) {
    long millis = firstRetry.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(millis, maxRetry.toMillis()));
  }
}
