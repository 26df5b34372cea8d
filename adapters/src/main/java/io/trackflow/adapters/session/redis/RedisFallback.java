package io.trackflow.adapters.session.redis;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch the Redis adapters share: ask Redis, and while it is unreachable answer
 * from local state instead of failing hits, trying Redis again a second after each failure.
 */
public final class RedisFallback {

  private static final Logger log = LoggerFactory.getLogger(RedisFallback.class);
  private static final long RETRY_AFTER_MILLIS = 1000;

  private final String what;
  private final Clock clock;
  private volatile boolean healthy = true;
  private volatile long retryAt;

  /**
   * @param what what Redis shares across collectors, for the log, e.g. "deduplication"
   */
  public RedisFallback(String what, Clock clock) {
    this.what = what;
    this.clock = clock;
  }

  /** True while Redis is known to be down and not due for another try. */
  public boolean waiting() {
    return clock.millis() < retryAt;
  }

  /** False from a failed Redis call until the next successful one. */
  public boolean healthy() {
    return healthy;
  }

  /** Redis's answer, or the local one when Redis is waited out or its call fails. */
  public <T> Future<T> attempt(Supplier<Future<T>> viaRedis, Supplier<T> locally) {
    if (waiting()) {
      return Future.succeededFuture(locally.get());
    }
    return viaRedis.get()
        .map(answer -> {
          if (!healthy) {
            log.info("Redis is reachable again; {} is shared across processes", what);
            healthy = true;
          }
          return answer;
        })
        .recover(e -> {
          if (healthy) {
            log.warn("Redis unreachable for {} ({}); answering locally", what, e.toString());
            healthy = false;
          }
          retryAt = clock.millis() + RETRY_AFTER_MILLIS;
          return Future.succeededFuture(locally.get());
        });
  }
}
