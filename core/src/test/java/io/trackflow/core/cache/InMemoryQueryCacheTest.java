package io.trackflow.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.session.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory query cache fulfils the query cache contract")
class InMemoryQueryCacheTest extends QueryCacheContract {

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  @Override
  protected QueryCache create(Vertx vertx) {
    return new InMemoryQueryCache(clock, 10_000);
  }

  @Override
  protected void elapse(Duration duration) {
    clock.advance(duration);
  }

  @Test
  @DisplayName("Beyond its capacity the cache forgets the least recently used entry")
  void boundedLru() throws Exception {
    QueryCache c = new InMemoryQueryCache(clock, 2);
    await(c.put("a", Buffer.buffer("a"), Duration.ofMinutes(1)));
    await(c.put("b", Buffer.buffer("b"), Duration.ofMinutes(1)));
    await(c.get("a"));
    await(c.put("c", Buffer.buffer("c"), Duration.ofMinutes(1)));
    assertThat(await(c.get("b"))).isNull();
    assertThat(await(c.get("a"))).isNotNull();
    assertThat(await(c.get("c"))).isNotNull();
  }
}
