package io.trackflow.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.ratelimit.AttemptLimiter.Decision;
import io.trackflow.core.session.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AttemptLimiter} adapter must have. Time is a clock the test moves,
 * so windows pass without waiting; keys are random per test so adapters over a shared server do
 * not see each other's counts.
 */
public abstract class AttemptLimiterContract {

  private static final Duration WINDOW = Duration.ofMinutes(15);

  protected Vertx vertx;
  protected MutableClock clock;
  private final List<AttemptLimiter> created = new ArrayList<>();

  /** Builds an adapter over the backing store that reads time from {@code clock}. */
  protected abstract AttemptLimiter create(Vertx vertx, Clock clock) throws Exception;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AttemptLimiter l : created) {
      await(l.close());
    }
    await(vertx.close());
  }

  protected AttemptLimiter limiter() throws Exception {
    AttemptLimiter l = create(vertx, clock);
    created.add(l);
    return l;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  protected static String key() {
    return "ip:" + UUID.randomUUID();
  }

  @Test
  @DisplayName("Up to the limit attempts are allowed in a window; the next is refused until the oldest leaves it")
  void limitAndRetryAfter() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    assertThat(await(l.acquire(key, 3, WINDOW)).allowed()).isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(await(l.acquire(key, 3, WINDOW)).allowed()).isTrue();
    assertThat(await(l.acquire(key, 3, WINDOW)).allowed()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    Decision refused = await(l.acquire(key, 3, WINDOW));
    assertThat(refused.allowed()).isFalse();
    // The first attempt was 3 minutes ago: it leaves the 15-minute window in 12.
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(12));
  }

  @Test
  @DisplayName("A refused attempt counts nothing: once the window has passed, the key is free again")
  void refusedAttemptsDoNotCount() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    for (int i = 0; i < 2; i++) {
      assertThat(await(l.acquire(key, 2, WINDOW)).allowed()).isTrue();
    }
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      assertThat(await(l.acquire(key, 2, WINDOW)).allowed()).isFalse();
    }
    clock.advance(WINDOW.minusMinutes(5));
    assertThat(await(l.acquire(key, 2, WINDOW)).allowed()).isTrue();
    assertThat(await(l.acquire(key, 2, WINDOW)).allowed()).isTrue();
    assertThat(await(l.acquire(key, 2, WINDOW)).allowed()).isFalse();
  }

  @Test
  @DisplayName("The window slides: an attempt leaves it exactly one window after it was made")
  void slidingWindow() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    await(l.acquire(key, 2, WINDOW));
    clock.advance(Duration.ofMinutes(10));
    await(l.acquire(key, 2, WINDOW));
    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(await(l.check(key, 2, WINDOW))).isEqualTo(Decision.refused(Duration.ofMillis(1)));
    clock.advance(Duration.ofMillis(1));
    assertThat(await(l.acquire(key, 2, WINDOW)).allowed()).isTrue();
    assertThat(await(l.check(key, 2, WINDOW))).isEqualTo(Decision.refused(Duration.ofMinutes(10)));
  }

  @Test
  @DisplayName("Checking counts nothing")
  void checkCountsNothing() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    for (int i = 0; i < 10; i++) {
      assertThat(await(l.check(key, 1, WINDOW))).isEqualTo(Decision.ALLOWED);
    }
    assertThat(await(l.acquire(key, 1, WINDOW)).allowed()).isTrue();
    assertThat(await(l.check(key, 1, WINDOW)).allowed()).isFalse();
  }

  @Test
  @DisplayName("Recorded attempts count past the limit; the key is under again once enough have aged out")
  void recordBeyondLimit() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    for (int i = 0; i < 5; i++) {
      await(l.record(key, 3, WINDOW));
      clock.advance(Duration.ofMinutes(1));
    }
    // Attempts at 0..4 min, now 5 min, limit 3: under again when the one at 2 min leaves, in 12 min.
    assertThat(await(l.check(key, 3, WINDOW))).isEqualTo(Decision.refused(Duration.ofMinutes(12)));
    clock.advance(Duration.ofMinutes(12));
    assertThat(await(l.check(key, 3, WINDOW))).isEqualTo(Decision.ALLOWED);
  }

  @Test
  @DisplayName("Keys are counted apart")
  void keysAreIndependent() throws Exception {
    AttemptLimiter l = limiter();
    String one = key();
    String two = key();
    await(l.acquire(one, 1, WINDOW));
    assertThat(await(l.acquire(one, 1, WINDOW)).allowed()).isFalse();
    assertThat(await(l.acquire(two, 1, WINDOW)).allowed()).isTrue();
  }

  @Test
  @DisplayName("Attempts made in the same millisecond are each counted")
  void sameMillisecond() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    for (int i = 0; i < 4; i++) {
      await(l.record(key, 10, WINDOW));
    }
    assertThat(await(l.acquire(key, 5, WINDOW)).allowed()).isTrue();
    assertThat(await(l.acquire(key, 5, WINDOW)).allowed()).isFalse();
  }

  @Test
  @DisplayName("Of many concurrent attempts on one key exactly the limit are allowed")
  void concurrentAttempts() throws Exception {
    AttemptLimiter l = limiter();
    String key = key();
    List<Future<Decision>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(vertx.<Future<Decision>>executeBlocking(() -> l.acquire(key, 10, WINDOW), false)
          .compose(f -> f));
    }
    long allowed = 0;
    for (Future<Decision> f : all) {
      allowed += await(f).allowed() ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(10);
  }
}
