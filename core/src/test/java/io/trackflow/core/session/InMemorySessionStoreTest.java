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
  @DisplayName("Idle visitors are forgotten and the store never holds more visitors than its bound")
  void boundedAndForgetsIdleVisitors() throws Exception {
    InMemorySessionStore s = new InMemorySessionStore(TIMEOUT, 3);
    await(s.track(List.of(pageview("a", T0, "/"), pageview("b", T0, "/"), pageview("c", T0, "/"),
        pageview("d", T0, "/"))));
    assertThat(s.size()).isEqualTo(3);
    await(s.track(List.of(pageview("e", T0 + TIMEOUT.toMillis() + Duration.ofMinutes(10).toMillis(), "/"))));
    assertThat(s.size()).isEqualTo(1);
  }
}
