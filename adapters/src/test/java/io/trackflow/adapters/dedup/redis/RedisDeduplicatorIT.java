package io.trackflow.adapters.dedup.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.session.redis.RedisClients;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.dedup.DeduplicatorContract;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The Redis deduplicator fulfils the deduplicator contract against a real Redis")
class RedisDeduplicatorIT extends DeduplicatorContract {

  private final RedisService redis;

  RedisDeduplicatorIT(RedisService redis) {
    this.redis = redis;
  }

  @Override
  protected Deduplicator create(Vertx vertx, Duration ttl) {
    return new RedisDeduplicator(RedisClients.create(vertx, redis.uri()), true,
        redis.newKeyPrefix(), ttl, 10_000, Duration.ofSeconds(2), Clock.systemUTC(),
        new SimpleMeterRegistry());
  }

  @Test
  @DisplayName("Two collectors sharing one Redis see each other's keys, so a retry sent to another collector is a duplicate")
  void sharedAcrossInstances() throws Exception {
    String prefix = redis.newKeyPrefix();
    RedisDeduplicator one = new RedisDeduplicator(RedisClients.create(vertx, redis.uri()), true,
        prefix, Duration.ofMinutes(5), 100, Duration.ofSeconds(2), Clock.systemUTC(), new SimpleMeterRegistry());
    RedisDeduplicator two = new RedisDeduplicator(RedisClients.create(vertx, redis.uri()), true,
        prefix, Duration.ofMinutes(5), 100, Duration.ofSeconds(2), Clock.systemUTC(), new SimpleMeterRegistry());
    try {
      assertThat(await(one.firstSeen(List.of("x", "y")))).containsExactly(true, true);
      assertThat(await(two.firstSeen(List.of("y", "z")))).containsExactly(false, true);
    } finally {
      await(one.close());
      await(two.close());
    }
  }

  @Test
  @DisplayName("With Redis unreachable it keeps answering from its local cache, counts the fallback and reports unhealthy")
  void fallsBackLocallyWhenRedisIsDown() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int closedPort = closedPort();
    RedisDeduplicator d = new RedisDeduplicator(
        RedisClients.create(vertx, "redis://127.0.0.1:" + closedPort), true, "t:",
        Duration.ofMinutes(5), 100, Duration.ofSeconds(2), Clock.systemUTC(), registry);
    try {
      assertThat(await(d.firstSeen(List.of("a", "b", "a")))).containsExactly(true, true, false);
      assertThat(d.healthy()).isFalse();
      assertThat(await(d.firstSeen(List.of("a", "c")))).containsExactly(false, true);
      assertThat(registry.counter(RedisDeduplicator.FALLBACK_METRIC).count()).isGreaterThanOrEqualTo(4);
    } finally {
      await(d.close());
    }
  }

  /** A loopback port nobody listens on: bound once, then released. */
  static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
