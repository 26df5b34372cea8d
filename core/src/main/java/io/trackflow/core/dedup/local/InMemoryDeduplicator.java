package io.trackflow.core.dedup.local;

import io.trackflow.core.dedup.Deduplicator;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory expiring set of keys, bounded in size: the standalone deduplicator and the local
 * cache in front of Redis. Oldest keys are evicted first when full.
 */
public final class InMemoryDeduplicator implements Deduplicator {

  private final Clock clock;
  private final long ttlMillis;
  private final int maxKeys;
  // Insertion-ordered so expired and overflowing keys are dropped from the head.
  private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();

  public InMemoryDeduplicator(Clock clock, long ttlMillis, int maxKeys) {
    this.clock = clock;
    this.ttlMillis = ttlMillis;
    this.maxKeys = maxKeys;
  }

  @Override
  public Future<List<Boolean>> firstSeen(List<String> keys) {
    return Future.succeededFuture(check(keys));
  }

  /** Synchronous form, for callers already on the right thread. */
  public synchronized List<Boolean> check(List<String> keys) {
    long now = clock.millis();
    evictExpired(now);
    List<Boolean> result = new ArrayList<>(keys.size());
    for (String key : keys) {
      Long expiry = expiries.get(key);
      if (expiry != null && expiry > now) {
        result.add(false);
      } else {
        expiries.remove(key);
        expiries.put(key, now + ttlMillis);
        result.add(true);
      }
    }
    while (expiries.size() > maxKeys) {
      Iterator<String> it = expiries.keySet().iterator();
      it.next();
      it.remove();
    }
    return result;
  }

  /** Records keys as seen without asking (e.g. keys Redis already decided). */
  public synchronized void remember(Map<String, Boolean> decided) {
    long now = clock.millis();
    decided.keySet().forEach(k -> {
      expiries.remove(k);
      expiries.put(k, now + ttlMillis);
    });
  }

  @Override
  public Future<Void> forget(List<String> keys) {
    synchronized (this) {
      keys.forEach(expiries::remove);
    }
    return Future.succeededFuture();
  }

  /** True when the key was seen within the retention window; does not record it. */
  public synchronized boolean seen(String key) {
    Long expiry = expiries.get(key);
    return expiry != null && expiry > clock.millis();
  }

  public synchronized int size() {
    return expiries.size();
  }

  private void evictExpired(long now) {
    Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() <= now) {
        it.remove();
      } else {
        break; // entries are in insertion order with one TTL, so the rest expire later
      }
    }
  }

}
