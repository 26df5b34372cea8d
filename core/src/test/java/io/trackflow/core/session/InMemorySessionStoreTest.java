package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.session.local.InMemorySessionStore;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory session store fulfils the session store contract")
class InMemorySessionStoreTest extends SessionStoreContract {

  @Override
  protected SessionStore create(Vertx vertx, MutableClock clock, Duration timeout) {
    return new InMemorySessionStore(timeout, 100_000);
  }

  @Test
  @DisplayName("The store never holds more visitors than its bound")
  void bounded() throws Exception {
    InMemorySessionStore s = new InMemorySessionStore(TIMEOUT, 160);
    List<SessionTouch> many = new java.util.ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      many.add(pageview(visitor(), T0, "/"));
    }
    await(s.track(many));
    assertThat(s.size()).isBetween(100, 160);
  }

  @Test
  @DisplayName("Visitors idle past the timeout are forgotten once later events arrive")
  void forgetsIdleVisitors() throws Exception {
    InMemorySessionStore s = new InMemorySessionStore(TIMEOUT, 10_000);
    List<SessionTouch> early = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      early.add(pageview(visitor(), T0, "/"));
    }
    await(s.track(early));
    assertThat(s.size()).isEqualTo(100);
    long later = T0 + TIMEOUT.toMillis() + Duration.ofMinutes(11).toMillis();
    List<SessionTouch> oneEach = new java.util.ArrayList<>();
    for (long stripe = 0; stripe < 16; stripe++) {
      oneEach.add(pageview((stripe << 60) | 12_345L, later, "/")); // a visitor in every stripe
    }
    await(s.track(oneEach));
    assertThat(s.size()).isEqualTo(16);
  }
}
