package io.trackflow.core.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Deduplicator} adapter must have. An adapter's test extends this and
 * says how to build one; keys are random per test so adapters over a shared server do not clash.
 */
public abstract class DeduplicatorContract {

  /** Retention used by the expiry test: short, so it is awaited rather than simulated. */
  protected static final Duration SHORT_TTL = Duration.ofMillis(300);

  protected Vertx vertx;
  private final List<Deduplicator> created = new ArrayList<>();

  /** Builds a fresh adapter that remembers keys for {@code ttl}. */
  protected abstract Deduplicator create(Vertx vertx, Duration ttl) throws Exception;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (Deduplicator d : created) {
      await(d.close());
    }
    await(vertx.close());
  }

  private Deduplicator dedup(Duration ttl) throws Exception {
    Deduplicator d = create(vertx, ttl);
    created.add(d);
    return d;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String key(String label) {
    return label + ":" + UUID.randomUUID();
  }

  @Test
  @DisplayName("A key is new the first time and a duplicate in every later call within the retention window")
  void firstSightingThenDuplicate() throws Exception {
    Deduplicator d = dedup(Duration.ofMinutes(10));
    String k = key("a");
    assertThat(await(d.firstSeen(List.of(k)))).containsExactly(true);
    assertThat(await(d.firstSeen(List.of(k)))).containsExactly(false);
    assertThat(await(d.firstSeen(List.of(k)))).containsExactly(false);
  }

  @Test
  @DisplayName("A key repeated inside one call is new at its first occurrence and a duplicate afterwards")
  void repeatedWithinOneCall() throws Exception {
    Deduplicator d = dedup(Duration.ofMinutes(10));
    String a = key("a");
    String b = key("b");
    assertThat(await(d.firstSeen(List.of(a, b, a, a, b)))).containsExactly(true, true, false, false, false);
  }

  @Test
  @DisplayName("Answers keep the order of the keys across a large batch mixing known and unknown keys")
  void preservesOrderInLargeBatches() throws Exception {
    Deduplicator d = dedup(Duration.ofMinutes(10));
    List<String> known = IntStream.range(0, 500).mapToObj(i -> key("k" + i)).toList();
    await(d.firstSeen(known));
    List<String> mixed = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      if (i % 3 == 0) {
        mixed.add(known.get(i));
        expected.add(false);
      } else {
        mixed.add(key("n" + i));
        expected.add(true);
      }
    }
    assertThat(await(d.firstSeen(mixed))).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("An empty batch answers an empty list")
  void emptyBatch() throws Exception {
    assertThat(await(dedup(Duration.ofMinutes(10)).firstSeen(List.of()))).isEmpty();
  }

  @Test
  @DisplayName("Concurrent calls carrying the same key let exactly one of them see it first")
  void concurrentCallsAgree() throws Exception {
    Deduplicator d = dedup(Duration.ofMinutes(10));
    String k = key("race");
    List<Future<List<Boolean>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(d.firstSeen(List.of(k)));
    }
    await(Future.all(calls));
    long firsts = calls.stream().filter(f -> f.result().get(0)).count();
    assertThat(firsts).isEqualTo(1);
  }

  @Test
  @DisplayName("A key is new again once its retention window has passed")
  void keysExpire() throws Exception {
    Deduplicator d = dedup(SHORT_TTL);
    String k = key("ttl");
    assertThat(await(d.firstSeen(List.of(k)))).containsExactly(true);
    assertThat(await(d.firstSeen(List.of(k)))).containsExactly(false);
    // Awaited, not slept: poll until the key is forgotten, bounded by a generous deadline.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean forgotten = false;
    while (!forgotten && System.nanoTime() < deadline) {
      await(timer(50));
      // A duplicate answer does not extend the window, so polling cannot keep the key alive.
      forgotten = isNewAgain(d, k);
    }
    assertThat(forgotten).as("key forgotten after its TTL").isTrue();
  }

  private boolean isNewAgain(Deduplicator d, String k) throws Exception {
    return await(d.firstSeen(List.of(k))).get(0);
  }

  private Future<Void> timer(long millis) {
    return vertx.timer(millis).mapEmpty();
  }

  @Test
  @DisplayName("A forgotten key counts as new again, so a retry after a failed publish is not dropped")
  void forgottenKeysAreNewAgain() throws Exception {
    Deduplicator d = dedup(Duration.ofMinutes(10));
    String a = key("a");
    String b = key("b");
    await(d.firstSeen(List.of(a, b)));
    await(d.forget(List.of(a)));
    assertThat(await(d.firstSeen(List.of(a, b)))).containsExactly(true, false);
  }

  @Test
  @DisplayName("An adapter whose store is reachable reports itself healthy")
  void healthyWhenReachable() throws Exception {
    Deduplicator d = dedup(Duration.ofMinutes(10));
    await(d.firstSeen(List.of(key("h"))));
    assertThat(d.healthy()).isTrue();
  }
}
