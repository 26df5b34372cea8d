package io.trackflow.adapters.ratelimit.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.adapters.session.redis.RedisFallback;
import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.ratelimit.local.InMemoryAttemptLimiter;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attempt limiter over Redis, shared by every query replica: one sorted set per key, scored by
 * attempt time, read and changed by one script call so that the check and the count are atomic
 * across replicas. Times come from this process's clock (replicas' clocks are assumed to agree to
 * well under a window). The set keeps only the newest {@code limit} attempts and expires with its
 * window, so an abandoned key costs nothing for long.
 *
 * <p>While Redis is unreachable, decisions come from this process's own counts (a sign-in is
 * never refused or let through unlimited because Redis is down); the fallback is counted.
 */
public final class RedisAttemptLimiter implements AttemptLimiter {

  /** Metric counting decisions taken locally because Redis was unreachable. */
  public static final String FALLBACK_METRIC = "trackflow.auth.limiter.fallback";

  // KEYS[1]: the key; ARGV: mode (acquire | check | record), now ms, window ms, limit, member.
  // Answers 0 when allowed (or recorded), else the ms until the key is under its limit.
  static final String SCRIPT = """
      local key, mode = KEYS[1], ARGV[1]
      local now, window, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
      local n = redis.call('ZCARD', key)
      if mode ~= 'record' and n >= limit then
        local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
        return tonumber(oldest[2]) + window - now
      end
      if mode ~= 'check' then
        redis.call('ZADD', key, now, ARGV[5])
        redis.call('ZREMRANGEBYRANK', key, 0, -(limit + 1))
        redis.call('PEXPIRE', key, window)
      end
      return 0
      """;

  private final Redis redis;
  private final boolean ownsClient;
  private final String prefix;
  private final long timeoutMillis;
  private final Clock clock;
  private final InMemoryAttemptLimiter local;
  private final RedisFallback redisOrLocal;
  private final Counter fallback;
  // Tells apart attempts of the same millisecond, from this process and from others.
  private final String memberPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param prefix prefix of every key, e.g. {@code trackflow:login:}
   * @param timeout how long a Redis call may take before the local counts decide
   */
  public RedisAttemptLimiter(Redis redis, boolean ownsClient, String prefix, Duration timeout, Clock clock,
      MeterRegistry registry) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.prefix = prefix;
    this.timeoutMillis = timeout.toMillis();
    this.clock = clock;
    this.local = new InMemoryAttemptLimiter(clock);
    this.redisOrLocal = new RedisFallback("sign-in limits", clock);
    this.fallback = Counter.builder(FALLBACK_METRIC)
        .description("Sign-in limit decisions taken from local counts because Redis was unreachable")
        .register(registry);
  }

  @Override
  public Future<Decision> acquire(String key, int limit, Duration window) {
    return call("acquire", key, limit, window);
  }

  @Override
  public Future<Decision> check(String key, int limit, Duration window) {
    return call("check", key, limit, window);
  }

  @Override
  public Future<Void> record(String key, int limit, Duration window) {
    return call("record", key, limit, window).mapEmpty();
  }

  private Future<Decision> call(String mode, String key, int limit, Duration window) {
    long now = clock.millis();
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(prefix + key)
        .arg(mode).arg(now).arg(window.toMillis()).arg(limit)
        .arg(memberPrefix + sequence.incrementAndGet());
    return redisOrLocal.attempt(
        () -> redis.send(eval).timeout(timeoutMillis, TimeUnit.MILLISECONDS).map(reply -> {
          long wait = reply.toLong();
          // Local counts follow along, so a fallback starts from this process's recent attempts.
          if ("record".equals(mode) || ("acquire".equals(mode) && wait == 0)) {
            localCount(mode, key, limit, window);
          }
          return wait == 0 ? Decision.ALLOWED : Decision.refused(Duration.ofMillis(wait));
        }),
        () -> {
          fallback.increment();
          return localCount(mode, key, limit, window);
        });
  }

  private Decision localCount(String mode, String key, int limit, Duration window) {
    if ("record".equals(mode)) {
      local.record(key, limit, window);
      return Decision.ALLOWED;
    }
    return local.decide(key, limit, window, "acquire".equals(mode));
  }

  @Override
  public Future<Void> close() {
    return ownsClient ? redis.close() : Future.succeededFuture();
  }
}
