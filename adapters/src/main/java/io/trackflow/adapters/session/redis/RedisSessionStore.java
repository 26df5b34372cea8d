package io.trackflow.adapters.session.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.session.SessionStore;
import io.trackflow.core.session.local.InMemorySessionStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sessions in Redis, shared by every collector: one pipeline of script calls per batch. Each key
 * holds {@code sessionId:lastSeenMillis}; the script keeps the session when the visitor was seen
 * within the timeout (by the caller's clock, so tests control time) and starts the candidate
 * session otherwise. Keys expire a little after the timeout so idle visitors cost nothing. When
 * Redis cannot be reached an in-memory store answers instead (counted, and {@link #healthy()}
 * turns false).
 */
public final class RedisSessionStore implements SessionStore {

  /** Metric counting session look-ups answered locally because Redis was unreachable. */
  public static final String FALLBACK_METRIC = "trackflow.collector.sessions.fallback";

  // KEYS[1] visitor key; ARGV: now, timeout, candidate id, key TTL. Ids travel as strings
  // because Lua numbers cannot hold 64-bit integers exactly.
  static final String SCRIPT = """
      local v = redis.call('GET', KEYS[1])
      local now = tonumber(ARGV[1])
      if v then
        local sep = string.find(v, ':', 1, true)
        local id = string.sub(v, 1, sep - 1)
        local last = tonumber(string.sub(v, sep + 1))
        if now - last < tonumber(ARGV[2]) then
          if now > last then last = now end
          redis.call('SET', KEYS[1], id .. ':' .. last, 'PX', ARGV[4])
          return id
        end
      end
      redis.call('SET', KEYS[1], ARGV[3] .. ':' .. ARGV[1], 'PX', ARGV[4])
      return ARGV[3]
      """;

  private final Redis redis;
  private final boolean ownsClient;
  private final String prefix;
  private final Clock clock;
  private final long timeoutMillis;
  private final long keyTtlMillis;
  private final long requestTimeoutMillis;
  private final InMemorySessionStore local;
  private final Counter fallback;
  private final SplittableRandom seeds = new SplittableRandom();
  private volatile String sha;
  private final RedisFallback redisOrLocal;

  public RedisSessionStore(Redis redis, boolean ownsClient, String prefix, Clock clock,
      Duration timeout, Duration requestTimeout, int localVisitors, MeterRegistry registry) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.prefix = prefix;
    this.clock = clock;
    this.redisOrLocal = new RedisFallback("sessions", clock);
    this.timeoutMillis = timeout.toMillis();
    // Outlive the timeout a little so a slightly late event still finds its session's key.
    this.keyTtlMillis = timeoutMillis + 60_000;
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.local = new InMemorySessionStore(clock, timeout, localVisitors);
    this.fallback = Counter.builder(FALLBACK_METRIC)
        .description("Session look-ups answered in memory because Redis was unreachable")
        .register(registry);
  }

  @Override
  public Future<List<Long>> touch(List<String> visitorKeys) {
    if (visitorKeys.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return redisOrLocal.attempt(() -> scriptSha()
        .compose(s -> run(s, visitorKeys))
        .recover(e -> {
          if (String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
            sha = null; // Redis restarted and lost the script: load it again, once
            return scriptSha().compose(s -> run(s, visitorKeys));
          }
          return Future.failedFuture(e);
        }), () -> fallBack(visitorKeys));
  }

  private Future<List<Long>> run(String scriptSha, List<String> visitorKeys) {
    String now = Long.toString(clock.millis());
    String timeout = Long.toString(timeoutMillis);
    String ttl = Long.toString(keyTtlMillis);
    List<Request> requests = new ArrayList<>(visitorKeys.size());
    for (String key : visitorKeys) {
      requests.add(Request.cmd(Command.EVALSHA).arg(scriptSha).arg(1).arg(prefix + key)
          .arg(now).arg(timeout).arg(Long.toString(newId())).arg(ttl));
    }
    return redis.batch(requests)
        .timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
        .map(responses -> {
          List<Long> ids = new ArrayList<>(responses.size());
          for (Response r : responses) {
            ids.add(Long.parseLong(r.toString()));
          }
          return ids;
        });
  }

  private Future<String> scriptSha() {
    String known = sha;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT))
        .timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
        .map(r -> {
          sha = r.toString();
          return sha;
        });
  }

  private List<Long> fallBack(List<String> visitorKeys) {
    fallback.increment(visitorKeys.size());
    return local.touchNow(visitorKeys);
  }

  private synchronized long newId() {
    long id;
    do {
      id = seeds.nextLong();
    } while (id == 0);
    return id;
  }

  @Override
  public boolean healthy() {
    return redisOrLocal.healthy();
  }

  @Override
  public Future<Void> close() {
    return ownsClient ? redis.close() : Future.succeededFuture();
  }
}
