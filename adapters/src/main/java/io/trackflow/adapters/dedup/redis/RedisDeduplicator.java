package io.trackflow.adapters.dedup.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.adapters.session.redis.RedisFallback;
import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Deduplicator over Redis: one script call per batch that runs {@code SET key 1 NX PX ttl} for
 * each of its keys, so a batch costs one round trip and one command (a pipeline of one
 * {@code SET} per key cost this client about as much as the rest of a hit's work). The keys
 * travel as the script's {@code KEYS}, so this needs a standalone Redis (or keys of one hash
 * slot). A local expiring set in front answers keys this process has already seen without asking
 * Redis. When Redis cannot be reached the local set decides alone
 * (collectors keep accepting), the fallback is counted and {@link #healthy()} turns false; Redis
 * is tried again after a short back-off.
 */
public final class RedisDeduplicator implements Deduplicator {

  /** Metric counting keys decided locally because Redis was unreachable. */
  public static final String FALLBACK_METRIC = "trackflow.collector.dedup.fallback";

  // KEYS: the batch's keys (prefixed), ARGV[1]: TTL in ms. Answers 1 per key it set (first
  // sighting), 0 per key that existed; a key repeated in KEYS is 0 from its second occurrence.
  static final String SCRIPT = """
      local firsts = {}
      for i, key in ipairs(KEYS) do
        firsts[i] = redis.call('SET', key, '1', 'NX', 'PX', ARGV[1]) and 1 or 0
      end
      return firsts
      """;

  private final Redis redis;
  private final String prefix;
  private final long ttlMillis;
  private final long timeoutMillis;
  private final Clock clock;
  private final InMemoryDeduplicator local;
  private final Counter fallback;
  private final boolean ownsClient;
  private final RedisFallback redisOrLocal;

  /**
   * @param redis client to use; closed with this adapter when {@code ownsClient}
   * @param prefix prefix of every key, e.g. {@code trackflow:dedup:}
   * @param ttl how long a key is remembered
   * @param localKeys bound of the local set in front of Redis
   */
  public RedisDeduplicator(Redis redis, boolean ownsClient, String prefix, Duration ttl,
      int localKeys, Duration timeout, Clock clock, MeterRegistry registry) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.prefix = prefix;
    this.ttlMillis = ttl.toMillis();
    this.timeoutMillis = timeout.toMillis();
    this.clock = clock;
    this.redisOrLocal = new RedisFallback("deduplication", clock);
    this.local = new InMemoryDeduplicator(clock, ttlMillis, localKeys);
    this.fallback = Counter.builder(FALLBACK_METRIC)
        .description("Dedup keys decided by the local cache alone because Redis was unreachable")
        .register(registry);
  }

  @Override
  public Future<List<Boolean>> firstSeen(List<String> keys) {
    Boolean[] answers = new Boolean[keys.size()];
    List<Integer> asked = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (local.seen(keys.get(i))) {
        answers[i] = false;
      } else {
        asked.add(i);
      }
    }
    if (asked.isEmpty()) {
      return Future.succeededFuture(Arrays.asList(answers));
    }
    return redisOrLocal.attempt(() -> setIfAbsent(keys, asked, answers),
        () -> decideLocally(keys, asked, answers));
  }

  private Future<List<Boolean>> setIfAbsent(List<String> keys, List<Integer> asked, Boolean[] answers) {
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(asked.size());
    for (int i : asked) {
      eval.arg(prefix + keys.get(i));
    }
    eval.arg(ttlMillis);
    return redis.send(eval)
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> {
          List<String> decided = new ArrayList<>(asked.size());
          for (int j = 0; j < asked.size(); j++) {
            answers[asked.get(j)] = response.get(j).toInteger() == 1;
            decided.add(keys.get(asked.get(j)));
          }
          local.remember(decided);
          return Arrays.asList(answers);
        });
  }

  private List<Boolean> decideLocally(List<String> keys, List<Integer> asked, Boolean[] answers) {
    List<String> askedKeys = new ArrayList<>(asked.size());
    asked.forEach(i -> askedKeys.add(keys.get(i)));
    List<Boolean> local = this.local.check(askedKeys);
    for (int j = 0; j < asked.size(); j++) {
      answers[asked.get(j)] = local.get(j);
    }
    fallback.increment(asked.size());
    return Arrays.asList(answers);
  }

  @Override
  public Future<Void> forget(List<String> keys) {
    local.forget(keys);
    if (keys.isEmpty() || redisOrLocal.waiting()) {
      return Future.succeededFuture();
    }
    Request del = Request.cmd(Command.DEL);
    keys.forEach(k -> del.arg(prefix + k));
    return redis.send(del).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
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
