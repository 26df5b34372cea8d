package io.trackflow.writer;

import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import java.time.Duration;

/**
 * How the writer batches and retries.
 *
 * @param batchSize a batch is inserted once it holds this many rows
 * @param batchAge a batch is inserted once its oldest row waited this long
 * @param firstRetry pause before the first retry of a failed insert; doubles per attempt
 * @param maxRetry the cap of that pause
 */
public record WriterOptions(int batchSize, Duration batchAge, Duration firstRetry, Duration maxRetry) {

  public WriterOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
  }

  public static WriterOptions fromConfig(TrackflowConfig config) {
    return new WriterOptions(config.integer(Setting.WRITER_BATCH_SIZE),
        Duration.ofMillis(config.integer(Setting.WRITER_BATCH_AGE_MS)),
        Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /** Pause before retry number {@code attempt} (1-based): 100 ms, 200 ms, … capped. */
  Duration backoff(int attempt) {
    long millis = firstRetry.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(millis, maxRetry.toMillis()));
  }
}
