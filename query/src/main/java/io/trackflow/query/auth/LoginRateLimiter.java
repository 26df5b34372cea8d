package io.trackflow.query.auth;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sliding-window limits on sign-in attempts: per client address (every attempt counts) and per
 * account (failed attempts count), so neither guessing one password from many places nor many
 * accounts from one place gets far. Shared by the HTTP verticle instances of a process.
 */
public final class LoginRateLimiter {

  /** Above this many tracked keys, empty windows are swept before adding more. */
  private static final int SWEEP_THRESHOLD = 10_000;

  private final int perIp;
  private final int perAccount;
  private final long windowMillis;
  private final Clock clock;
  private final Map<String, Deque<Long>> attempts = new ConcurrentHashMap<>();

  /** How long to wait when refused; zero when allowed. */
  public record Verdict(boolean allowed, String limit, long retryAfterSeconds) {}

  public LoginRateLimiter(int perIp, int perAccount, long windowMillis, Clock clock) {
    this.perIp = perIp;
    this.perAccount = perAccount;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  /** Counts an attempt from the address and says whether it may go ahead. */
  public Verdict attempt(String ip, String account) {
    long now = clock.millis();
    Verdict byIp = check("ip:" + ip, perIp, now, "ip");
    if (!byIp.allowed()) {
      return byIp;
    }
    Verdict byAccount = check("account:" + account, perAccount, now, "account");
    if (!byAccount.allowed()) {
      return byAccount;
    }
    record("ip:" + ip, now);
    return byIp;
  }

  /** Counts a failed attempt against the account. */
  public void failed(String account) {
    record("account:" + account, clock.millis());
  }

  private Verdict check(String key, int limit, long now, String name) {
    Deque<Long> window = attempts.get(key);
    if (window == null) {
      return new Verdict(true, name, 0);
    }
    synchronized (window) {
      expire(window, now);
      if (window.size() < limit) {
        return new Verdict(true, name, 0);
      }
      long retry = Math.max(1, (window.peekFirst() + windowMillis - now + 999) / 1000);
      return new Verdict(false, name, retry);
    }
  }

  private void record(String key, long now) {
    if (attempts.size() > SWEEP_THRESHOLD) {
      sweep(now);
    }
    Deque<Long> window = attempts.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (window) {
      expire(window, now);
      window.addLast(now);
    }
  }

  private void expire(Deque<Long> window, long now) {
    while (!window.isEmpty() && window.peekFirst() <= now - windowMillis) {
      window.removeFirst();
    }
  }

  private void sweep(long now) {
    attempts.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        expire(e.getValue(), now);
        return e.getValue().isEmpty();
      }
    });
  }

  int trackedKeys() {
    return attempts.size();
  }
}
