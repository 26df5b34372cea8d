package io.trackflow.core.dedup;

import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The in-memory deduplicator fulfils the deduplicator contract")
class InMemoryDeduplicatorTest extends DeduplicatorContract {

  @Override
  protected Deduplicator create(Vertx vertx, Duration ttl) {
    return new InMemoryDeduplicator(Clock.systemUTC(), ttl.toMillis(), 100_000);
  }
}
