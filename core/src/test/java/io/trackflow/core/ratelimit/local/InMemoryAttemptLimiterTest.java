package io.trackflow.core.ratelimit.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.ratelimit.AttemptLimiterContract;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory attempt limiter fulfils the attempt limiter contract")
class InMemoryAttemptLimiterTest extends AttemptLimiterContract {

  @Override
  protected AttemptLimiter create(Vertx vertx, Clock clock) {
    return new InMemoryAttemptLimiter(clock);
  }

  @Test
  @DisplayName("Keys whose windows have emptied are swept once many are tracked")
  void sweepsIdleKeys() throws Exception {
    InMemoryAttemptLimiter l = new InMemoryAttemptLimiter(clock);
    for (int i = 0; i < 10_001; i++) {
      await(l.acquire("ip:" + i, 5, Duration.ofMinutes(1)));
    }
    clock.advance(Duration.ofMinutes(2));
    await(l.acquire("ip:new", 5, Duration.ofMinutes(1)));
    assertThat(l.trackedKeys()).isEqualTo(1);
  }

  @Test
  @DisplayName("Checking a key never seen tracks nothing")
  void checkTracksNothing() throws Exception {
    InMemoryAttemptLimiter l = new InMemoryAttemptLimiter(clock);
    await(l.check("ip:x", 5, Duration.ofMinutes(1)));
    assertThat(l.trackedKeys()).isZero();
  }
}
