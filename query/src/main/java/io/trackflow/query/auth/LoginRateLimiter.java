package io.trackflow.query.auth;

import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.ratelimit.AttemptLimiter.Decision;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Sliding-window limits on sign-in attempts: per client address (every attempt counts) and per
 * account (failed attempts count), so neither guessing one password from many places nor many
 * accounts from one place gets far. The counts live in the {@link AttemptLimiter}: in Redis when
 * the deployment has one, so the limits hold across query replicas. Addresses and emails are
 * hashed into the keys, so neither is stored as it was sent.
 */
public final class LoginRateLimiter {

  private final AttemptLimiter attempts;
  private final int perIp;
  private final int perAccount;
  private final Duration window;

  /** Which limit refused, and how long to wait; {@code limit} is "ip" or "account". */
  public record Verdict(boolean allowed, String limit, long retryAfterSeconds) {}

  private static final Verdict ALLOWED = new Verdict(true, "", 0);

  public LoginRateLimiter(AttemptLimiter attempts, int perIp, int perAccount, Duration window) {
    this.attempts = attempts;
    this.perIp = perIp;
    this.perAccount = perAccount;
    this.window = window;
  }

  /**
   * Counts an attempt from the address, then checks the account. An attempt the address limit
   * refuses is not counted; one the account limit refuses still counts against the address.
   */
  public Future<Verdict> attempt(String ip, String account) {
    return attempts.acquire(ipKey(ip), perIp, window).compose(byIp -> {
      if (!byIp.allowed()) {
        return Future.succeededFuture(refused("ip", byIp));
      }
      return attempts.check(accountKey(account), perAccount, window)
          .map(byAccount -> byAccount.allowed() ? ALLOWED : refused("account", byAccount));
    });
  }

  /** Counts a failed attempt against the account. */
  public Future<Void> failed(String account) {
    return attempts.record(accountKey(account), perAccount, window);
  }

  private static Verdict refused(String limit, Decision decision) {
    // Rounded up: a client that waits the whole seconds it is told must find the limit lifted.
    long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
    return new Verdict(false, limit, seconds);
  }

  private static String ipKey(String ip) {
    return "ip:" + Secrets.sha256(ip);
  }

  private static String accountKey(String account) {
    return "account:" + Secrets.sha256(account);
  }
}
