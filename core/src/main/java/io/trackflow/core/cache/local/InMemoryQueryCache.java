package io.trackflow.core.cache.local;

import io.trackflow.core.cache.QueryCache;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Standalone query cache: a bounded LRU map with per-entry expiry. */
public final class InMemoryQueryCache implements QueryCache {

  private record Cached(Buffer value, long expiresAt) {}

  private final Clock clock;
  private final Map<String, Cached> entries;

  public InMemoryQueryCache(Clock clock, int maxEntries) {
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > maxEntries;
      }
    };
  }

  @Override
  public synchronized Future<Buffer> get(String key) {
    Cached e = entries.get(key);
    if (e == null) {
      return Future.succeededFuture();
    }
    if (e.expiresAt() <= clock.millis()) {
      entries.remove(key);
      return Future.succeededFuture();
    }
    return Future.succeededFuture(e.value());
  }

  @Override
  public synchronized Future<Void> put(String key, Buffer value, Duration ttl) {
    entries.put(key, new Cached(value, clock.millis() + ttl.toMillis()));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> invalidatePrefix(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
    return Future.succeededFuture();
  }
}
