package io.trackflow.core.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Attempt limiter port: sliding-window counts of attempts per key (sign-ins per client address
 * and per account). Backed by Redis, the counts are shared by every replica, so a limit holds for
 * the whole deployment rather than once per process.
 *
 * <p>A key is over its limit while it has {@code limit} or more attempts younger than the window;
 * it is under again once enough of them have aged out, which is what {@link Decision#retryAfter}
 * says. An adapter keeps at most {@code limit} attempts per key: the newest ones are all that
 * decide when the key is under its limit again.
 */
public interface AttemptLimiter {

  /** Whether an attempt may go ahead; when it may not, how long until it may. */
  record Decision(boolean allowed, Duration retryAfter) {

    public static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    public static Decision refused(Duration retryAfter) {
      return new Decision(false, retryAfter);
    }
  }

  /**
   * Counts an attempt under {@code key} if it is under {@code limit}, else refuses and counts
   * nothing. Atomic: of concurrent callers, from any replica, at most {@code limit} per window
   * are allowed.
   */
  Future<Decision> acquire(String key, int limit, Duration window);

  /** Whether {@code key} is under {@code limit}, counting nothing. */
  Future<Decision> check(String key, int limit, Duration window);

  /** Counts an attempt under {@code key} whether or not it is under {@code limit}. */
  Future<Void> record(String key, int limit, Duration window);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
