package io.trackflow.adapters.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.session.MutableClock;
import io.trackflow.core.session.SessionSnapshot;
import io.trackflow.core.session.SessionStore;
import io.trackflow.core.session.SessionStoreContract;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The Redis session store fulfils the session store contract against a real Redis")
class RedisSessionStoreIT extends SessionStoreContract {

  private final RedisService redis;
  private String prefix;

  RedisSessionStoreIT(RedisService redis) {
    this.redis = redis;
  }

  @Override
  protected SessionStore create(Vertx vertx, MutableClock clock, Duration timeout) {
    if (prefix == null) {
      prefix = redis.newKeyPrefix();
    }
    return new RedisSessionStore(RedisClients.create(vertx, redis.uri()), true, prefix, clock,
        timeout, Duration.ofSeconds(2), 1000, new SimpleMeterRegistry());
  }

  @Test
  @DisplayName("Two collectors sharing one Redis give a visitor the same session")
  void sharedAcrossInstances() throws Exception {
    SessionStore one = store();
    SessionStore two = store();
    SessionSnapshot first = one(one, pageview(424242L, T0, "/"));
    SessionSnapshot second = one(two, pageview(424242L, T0 + 600_000, "/next"));
    assertThat(second.sessionId()).isEqualTo(first.sessionId());
    assertThat(second.totals().pageviews()).isEqualTo(2);
    assertThat(second.totals().entryPage()).isEqualTo("/");
  }

  @Test
  @DisplayName("With Redis unreachable sessions are tracked in memory, counted as fallback, and the store reports unhealthy")
  void fallsBackLocallyWhenRedisIsDown() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int closedPort = closedPort();
    RedisSessionStore s = new RedisSessionStore(
        RedisClients.create(vertx, "redis://127.0.0.1:" + closedPort), true, "t:", clock,
        TIMEOUT, Duration.ofSeconds(2), 1000, registry);
    try {
      long id = one(s, pageview(7L, T0, "/")).sessionId();
      assertThat(s.healthy()).isFalse();
      clock.advance(Duration.ofMinutes(1));
      SessionSnapshot again = one(s, pageview(7L, T0 + 60_000, "/a"));
      assertThat(again.sessionId()).isEqualTo(id);
      assertThat(again.totals().pageviews()).isEqualTo(2);
      assertThat(registry.counter(RedisSessionStore.FALLBACK_METRIC).count()).isEqualTo(2);
    } finally {
      await(s.close());
    }
  }

  /** A loopback port nobody listens on: bound once, then released. */
  static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
