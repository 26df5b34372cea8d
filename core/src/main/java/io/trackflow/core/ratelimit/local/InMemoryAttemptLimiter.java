package io.trackflow.core.ratelimit.local;

import io.trackflow.core.ratelimit.AttemptLimiter;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attempt limiter in this process's memory, shared by its verticle instances: a deque of attempt
 * times per key, each key read and changed inside the map's per-key {@code compute}, so callers
 * on different event loops never interleave on one key. Once many keys are tracked, those whose
 * windows are empty are swept, so addresses that tried once do not stay forever.
 */
public final class InMemoryAttemptLimiter implements AttemptLimiter {

  private static final int SWEEP_THRESHOLD = 10_000;

  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  // Doubles past the keys still live after a sweep: with many live keys (sign-ins from many
  // addresses at once) a sweep runs once per that many new keys, not on every attempt.
  private volatile int sweepAbove = SWEEP_THRESHOLD;

  public InMemoryAttemptLimiter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Decision> acquire(String key, int limit, Duration window) {
    return Future.succeededFuture(decide(key, limit, window, true));
  }

  @Override
  public Future<Decision> check(String key, int limit, Duration window) {
    return Future.succeededFuture(decide(key, limit, window, false));
  }

  @Override
  public Future<Void> record(String key, int limit, Duration window) {
    long now = clock.millis();
    sweepIfLarge(now);
    windows.compute(key, (k, w) -> {
      Window kept = w == null ? new Window() : w;
      kept.expire(now, window.toMillis());
      kept.add(now, limit);
      return kept;
    });
    return Future.succeededFuture();
  }

  /**
   * The decision, answered synchronously (shared adapters fall back to this one while their store
   * is unreachable); {@code count} counts the attempt when it is allowed.
   */
  public Decision decide(String key, int limit, Duration window, boolean count) {
    long now = clock.millis();
    long windowMillis = window.toMillis();
    if (count) {
      sweepIfLarge(now);
    }
    Decision[] decision = {Decision.ALLOWED};
    windows.compute(key, (k, w) -> {
      if (w == null && !count) {
        return null;
      }
      Window kept = w == null ? new Window() : w;
      kept.expire(now, windowMillis);
      if (kept.size() >= limit) {
        // The oldest of the newest `limit` attempts is the one whose expiry brings the key under.
        long oldest = kept.at(kept.size() - limit);
        decision[0] = Decision.refused(Duration.ofMillis(oldest + windowMillis - now));
      } else if (count) {
        kept.add(now, limit);
      }
      return kept.size() == 0 ? null : kept;
    });
    return decision[0];
  }

  private void sweepIfLarge(long now) {
    if (windows.size() <= sweepAbove) {
      return;
    }
    for (String key : windows.keySet()) {
      windows.computeIfPresent(key, (k, w) -> {
        w.expire(now, w.windowMillis);
        return w.size() == 0 ? null : w;
      });
    }
    sweepAbove = Math.max(SWEEP_THRESHOLD, 2 * windows.size());
  }

  int trackedKeys() {
    return windows.size();
  }

  /** One key's attempt times, oldest first; only touched inside the map's compute for its key. */
  private static final class Window {
    private final ArrayDeque<Long> times = new ArrayDeque<>();
    private long windowMillis;

    void expire(long now, long windowMillis) {
      this.windowMillis = windowMillis;
      while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
        times.removeFirst();
      }
    }

    void add(long now, int limit) {
      times.addLast(now);
      while (times.size() > limit) {
        times.removeFirst();
      }
    }

    int size() {
      return times.size();
    }

    /** The attempt time at {@code index}, counted from the oldest. */
    long at(int index) {
      Iterator<Long> it = times.iterator();
      for (int i = 0; i < index; i++) {
        it.next();
      }
      return it.next();
    }
  }
}
