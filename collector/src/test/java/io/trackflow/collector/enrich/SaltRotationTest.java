package io.trackflow.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.session.MutableClock;
import io.trackflow.core.session.local.InMemorySaltStore;
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
}
