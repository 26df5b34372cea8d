package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionStore} adapter must have. Time is a {@link MutableClock} the
 * adapter reads, so the 30-minute timeout is tested without waiting.
 */
public abstract class SessionStoreContract {

  protected static final Duration TIMEOUT = Duration.ofMinutes(30);

  protected Vertx vertx;
  protected MutableClock clock;
  private final List<SessionStore> created = new ArrayList<>();

  /** Builds a fresh adapter reading time from {@code clock}. */
  protected abstract SessionStore create(Vertx vertx, MutableClock clock, Duration timeout) throws Exception;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (SessionStore s : created) {
      await(s.close());
    }
    await(vertx.close());
  }

  protected SessionStore store() throws Exception {
    SessionStore s = create(vertx, clock, TIMEOUT);
    created.add(s);
    return s;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String visitor() {
    return "v" + UUID.randomUUID();
  }

  private static long one(SessionStore s, String visitor) throws Exception {
    return await(s.touch(List.of(visitor))).get(0);
  }

  @Test
  @DisplayName("A visitor seen again within 30 minutes keeps its session, and every event restarts the timeout")
  void keepsSessionWhileActive() throws Exception {
    SessionStore s = store();
    String v = visitor();
    long first = one(s, v);
    clock.advance(Duration.ofMinutes(20));
    assertThat(one(s, v)).isEqualTo(first);
    clock.advance(Duration.ofMinutes(20)); // 40 minutes after the start, 20 after the last event
    assertThat(one(s, v)).isEqualTo(first);
    clock.advance(Duration.ofMinutes(29).plusSeconds(59));
    assertThat(one(s, v)).isEqualTo(first);
  }

  @Test
  @DisplayName("After 30 minutes without an event the visitor's next event starts a new session")
  void newSessionAfterTimeout() throws Exception {
    SessionStore s = store();
    String v = visitor();
    long first = one(s, v);
    clock.advance(TIMEOUT);
    long second = one(s, v);
    assertThat(second).isNotEqualTo(first);
    clock.advance(Duration.ofMinutes(5));
    assertThat(one(s, v)).isEqualTo(second);
  }

  @Test
  @DisplayName("Different visitors get different, non-zero sessions, and a visitor repeated in one call gets one session")
  void distinctVisitorsAndRepeatsInOneCall() throws Exception {
    SessionStore s = store();
    String a = visitor();
    String b = visitor();
    List<Long> ids = await(s.touch(List.of(a, b, a, b, a)));
    assertThat(ids).doesNotContain(0L);
    assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
    assertThat(ids).containsExactly(ids.get(0), ids.get(1), ids.get(0), ids.get(1), ids.get(0));
  }

  @Test
  @DisplayName("A large batch of new visitors gets as many distinct sessions, answered in order")
  void largeBatch() throws Exception {
    SessionStore s = store();
    List<String> visitors = IntStream.range(0, 500).mapToObj(i -> visitor()).toList();
    List<Long> first = await(s.touch(visitors));
    assertThat(new HashSet<>(first)).hasSize(500);
    clock.advance(Duration.ofMinutes(1));
    List<String> reversed = new ArrayList<>(visitors);
    java.util.Collections.reverse(reversed);
    List<Long> again = await(s.touch(reversed));
    List<Long> expected = new ArrayList<>(first);
    java.util.Collections.reverse(expected);
    assertThat(again).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("An adapter whose store is reachable reports itself healthy")
  void healthyWhenReachable() throws Exception {
    SessionStore s = store();
    one(s, visitor());
    assertThat(s.healthy()).isTrue();
  }
}
