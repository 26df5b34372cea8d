package io.trackflow.core.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.session.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory deduplicator answers like a plain insertion-ordered map of keys to expiry")
class InMemoryDeduplicatorModelTest {

  private static final long TTL = 1_000;

  /** The straightforward model: keys in insertion order, expired and overflowing ones dropped from the head. */
  private static final class Model {
    final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();
    final int maxKeys;

    Model(int maxKeys) {
      this.maxKeys = maxKeys;
    }

    List<Boolean> check(List<String> keys, long now) {
      expiries.values().removeIf(e -> e <= now);
      List<Boolean> result = new ArrayList<>();
      for (String key : keys) {
        Long expiry = expiries.get(key);
        if (expiry != null && expiry > now) {
          result.add(false);
        } else {
          expiries.remove(key);
          expiries.put(key, now + TTL);
          result.add(true);
          while (expiries.size() > maxKeys) {
            Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator();
            it.next();
            it.remove();
          }
        }
      }
      return result;
    }
  }

  @Test
  @DisplayName("Random batches over a small key space, with time passing and the bound overflowing, get the model's answers")
  void matchesTheModelWhenOverflowing() {
    checkAgainstModel(64, false, 11);
  }

  @Test
  @DisplayName("Random batches with forgotten keys and time passing, within the bound, get the model's answers")
  void matchesTheModelWithForgets() {
    checkAgainstModel(10_000, true, 12);
  }

  private static void checkAgainstModel(int maxKeys, boolean forgets, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryDeduplicator dedup = new InMemoryDeduplicator(clock, TTL, maxKeys);
    Model model = new Model(maxKeys);
    for (int round = 0; round < 20_000; round++) {
      List<String> keys = new ArrayList<>();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        keys.add(Long.toHexString(random.nextInt(300)));
      }
      if (forgets && random.nextInt(10) == 0) {
        dedup.forget(keys);
        keys.forEach(model.expiries::remove);
      } else {
        assertThat(dedup.check(keys)).as("round %d, keys %s", round, keys)
            .isEqualTo(model.check(keys, clock.millis()));
      }
      clock.advance(Duration.ofMillis(random.nextInt(40)));
    }
  }

  @Test
  @DisplayName("The bound holds: past it the oldest keys are forgotten first")
  void boundEvictsOldest() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryDeduplicator dedup = new InMemoryDeduplicator(clock, 60_000, 3);
    dedup.check(List.of("a", "b", "c", "d"));

    assertThat(dedup.size()).isEqualTo(3);
    assertThat(dedup.seen("a")).isFalse();
    assertThat(dedup.check(List.of("b", "c", "d"))).containsExactly(false, false, false);
  }
}
