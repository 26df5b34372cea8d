package io.trackflow.adapters.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.session.redis.RedisClients;
import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.ratelimit.AttemptLimiterContract;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The Redis attempt limiter fulfils the attempt limiter contract against a real Redis")
class RedisAttemptLimiterIT extends AttemptLimiterContract {

  private static final Duration WINDOW = Duration.ofMinutes(15);

  private final RedisService redis;
  private final String prefix;

  RedisAttemptLimiterIT(RedisService redis) {
    this.redis = redis;
    this.prefix = redis.newKeyPrefix();
  }

  @Override
  protected AttemptLimiter create(Vertx vertx, Clock clock) {
    return new RedisAttemptLimiter(RedisClients.create(vertx, redis.uri()), true, prefix,
        Duration.ofSeconds(2), clock, new SimpleMeterRegistry());
  }

  @Test
  @DisplayName("Two query replicas share the counts: attempts on one use up the limit on the other")
  void sharedBetweenReplicas() throws Exception {
    AttemptLimiter one = limiter();
    AttemptLimiter two = limiter();
    String key = key();
    assertThat(await(one.acquire(key, 3, WINDOW)).allowed()).isTrue();
    assertThat(await(two.acquire(key, 3, WINDOW)).allowed()).isTrue();
    await(one.record(key, 3, WINDOW));
    assertThat(await(two.acquire(key, 3, WINDOW)).allowed()).isFalse();
    assertThat(await(one.check(key, 3, WINDOW)).allowed()).isFalse();
  }

  @Test
  @DisplayName("With Redis unreachable the process's own counts decide, and the fallback is counted")
  void fallsBackLocallyWhenRedisIsDown() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    RedisAttemptLimiter down = new RedisAttemptLimiter(
        RedisClients.create(vertx, "redis://127.0.0.1:" + closedPort), true, prefix,
        Duration.ofSeconds(2), clock, registry);
    try {
      String key = key();
      assertThat(await(down.acquire(key, 2, WINDOW)).allowed()).isTrue();
      assertThat(await(down.acquire(key, 2, WINDOW)).allowed()).isTrue();
      assertThat(await(down.acquire(key, 2, WINDOW)).allowed()).isFalse();
      assertThat(registry.counter(RedisAttemptLimiter.FALLBACK_METRIC).count()).isEqualTo(3);
    } finally {
      await(down.close());
    }
  }

  @Test
  @DisplayName("A key expires from Redis with its window, so abandoned addresses leave nothing behind")
  void keyExpiresWithWindow() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    await(l.acquire(key, 3, WINDOW));
    Redis client = Redis.createClient(vertx, redis.uri());
    try {
      long ttl = await(client.send(Request.cmd(Command.PTTL)
          .arg(prefix + key))).toLong();
      assertThat(ttl).isPositive().isLessThanOrEqualTo(WINDOW.toMillis());
    } finally {
      client.close();
    }
  }
}
