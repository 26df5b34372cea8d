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
  @DisplayName("With many live keys the next sweep waits until the tracked keys have doubled, then drops the expired ones")
  void sweepsOncePerDoublingOfLiveKeys() throws Exception {
    InMemoryAttemptLimiter l = new InMemoryAttemptLimiter(clock);
    Duration window = Duration.ofMinutes(1);
    for (int i = 0; i < 10_002; i++) {
      await(l.acquire("live:" + i, 5, window));
    }
    // The last acquire found 10,001 keys (over 10,000) and swept; all were live, so the next
    // sweep waits for more than twice as many: 20,002.
    clock.advance(Duration.ofMinutes(2)); // every key tracked so far has expired
    for (int i = 0; i < 10_000; i++) {
      await(l.acquire("later:" + i, 5, window));
    }
    // No sweep ran although more than 10,000 keys were tracked: the expired ones are still held.
    // (Sweeping whenever more than 10,000 are tracked would have dropped them on the first acquire.)
    assertThat(l.trackedKeys()).isEqualTo(20_002);
    await(l.acquire("later:10000", 5, window)); // finds 20,002: not more than the bound
    assertThat(l.trackedKeys()).isEqualTo(20_003);
    await(l.acquire("later:10001", 5, window)); // finds 20,003: sweeps the 10,002 expired keys
    assertThat(l.trackedKeys()).isEqualTo(10_002);
  }

  @Test
  @DisplayName("Checking a key never seen tracks nothing")
  void checkTracksNothing() throws Exception {
    InMemoryAttemptLimiter l = new InMemoryAttemptLimiter(clock);
    await(l.check("ip:x", 5, Duration.ofMinutes(1)));
    assertThat(l.trackedKeys()).isZero();
  }
}
