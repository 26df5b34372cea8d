package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.session.MutableClock;
import io.trackflow.core.session.SaltStore;
import io.trackflow.core.session.local.InMemorySaltStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SaltRotationTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T23:50:00Z"));
  private final InMemorySaltStore store = new InMemorySaltStore();
  private final SaltRotation rotation = new SaltRotation(store, clock);

  private void rotate() throws Exception {
    rotation.rotateIfDue().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("Within a UTC day a visitor (site, IP, user agent) keeps one id; other sites, IPs or agents get others")
  void stableWithinADay() throws Exception {
    rotate();
    long id = rotation.visitorId("example.com", "203.0.113.5", "UA");
    clock.advance(Duration.ofMinutes(9));
    rotate();
    assertThat(rotation.visitorId("example.com", "203.0.113.5", "UA")).isEqualTo(id);
    assertThat(rotation.visitorId("other.org", "203.0.113.5", "UA")).isNotEqualTo(id);
    assertThat(rotation.visitorId("example.com", "203.0.113.6", "UA")).isNotEqualTo(id);
    assertThat(rotation.visitorId("example.com", "203.0.113.5", "UA2")).isNotEqualTo(id);
  }

  @Test
  @DisplayName("After UTC midnight the salt rotates: the same visitor gets a new id and salts older than yesterday are deleted")
  void rotatesDaily() throws Exception {
    rotate();
    long before = rotation.visitorId("example.com", "203.0.113.5", "UA");
    assertThat(rotation.current().day()).isEqualTo(LocalDate.parse("2026-03-01"));
    clock.advance(Duration.ofMinutes(20)); // 00:10 on March 2nd
    rotate();
    assertThat(rotation.current().day()).isEqualTo(LocalDate.parse("2026-03-02"));
    long after = rotation.visitorId("example.com", "203.0.113.5", "UA");
    assertThat(after).isNotEqualTo(before);
    assertThat(store.days()).containsExactlyInAnyOrder(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    clock.advance(Duration.ofDays(1));
    rotate();
    assertThat(store.days()).containsExactlyInAnyOrder(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-03"));
    clock.advance(Duration.ofDays(3));
    rotate();
    assertThat(store.days()).containsExactly(LocalDate.parse("2026-03-06"));
  }

  /** A salt store that answers like the in-memory one until {@link #down} is set. */
  private static final class FlakyStore implements SaltStore {
    private final InMemorySaltStore inner = new InMemorySaltStore();
    private boolean down;

    @Override
    public Future<byte[]> saltFor(LocalDate day) {
      return down ? Future.failedFuture("salt store unreachable") : inner.saltFor(day);
    }

    @Override
    public Future<Void> deleteBefore(LocalDate day) {
      return down ? Future.failedFuture("salt store unreachable") : inner.deleteBefore(day);
    }
  }

  private static void rotate(SaltRotation r) throws Exception {
    r.rotateIfDue().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("With the salt store down from the start, a random local salt keeps visitor ids coming and stays until the store answers")
  void localSaltWhileStoreDown() throws Exception {
    FlakyStore store = new FlakyStore();
    store.down = true;
    SaltRotation first = new SaltRotation(store, clock);
    SaltRotation second = new SaltRotation(store, clock);
    rotate(first);
    rotate(second);
    assertThat(first.current().day()).isEqualTo(LocalDate.MIN);
    long id = first.visitorId("example.com", "203.0.113.5", "UA");
    assertThat(second.visitorId("example.com", "203.0.113.5", "UA")).as("each collector's local salt is random").isNotEqualTo(id);
    rotate(first);
    assertThat(first.visitorId("example.com", "203.0.113.5", "UA")).as("kept at the next check").isEqualTo(id);
    store.down = false;
    rotate(first);
    assertThat(first.current().day()).isEqualTo(LocalDate.parse("2026-03-01"));
  }

  @Test
  @DisplayName("A rotation that fails after midnight keeps the day's salt already loaded")
  void failedRotationKeepsSalt() throws Exception {
    FlakyStore store = new FlakyStore();
    SaltRotation r = new SaltRotation(store, clock);
    rotate(r);
    long id = r.visitorId("example.com", "203.0.113.5", "UA");
    store.down = true;
    clock.advance(Duration.ofMinutes(20));
    rotate(r);
    assertThat(r.current().day()).isEqualTo(LocalDate.parse("2026-03-01"));
    assertThat(r.visitorId("example.com", "203.0.113.5", "UA")).isEqualTo(id);
  }
}
