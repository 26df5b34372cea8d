package io.trackflow.core.dedup.local;

import io.trackflow.core.dedup.Deduplicator;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * In-memory expiring set of keys, bounded in size: the standalone deduplicator and the local
 * cache in front of Redis. Oldest keys are evicted first when full.
 *
 * <p>Keys are held as 64-bit fingerprints in primitive arrays allocated once: a ring in insertion
 * order (one TTL for all, so it is also expiry order) and an open-addressing index into it. A
 * LinkedHashMap of hundreds of thousands of short-lived strings made every young collection scan
 * and copy them; arrays of longs cost the collector nothing. Two different keys share a
 * fingerprint with probability about {@code keys / 2^64} per lookup (below 1e-13 at 500,000 keys);
 * the keys the collector uses are themselves 64-bit event ids, which the stores already treat as
 * the event's identity.
 */
public final class InMemoryDeduplicator implements Deduplicator {

  private static final long EMPTY = 0;

  private final Clock clock;
  private final long ttlMillis;
  // Ring of slots in insertion order; a fingerprint of EMPTY marks a forgotten key's slot.
  private final long[] ringKeys;
  private final long[] ringExpiry;
  private int head;
  private int used;
  private int live;
  // Linear-probing index: fingerprint → ring slot; EMPTY marks a free entry.
  private final long[] indexKeys;
  private final int[] indexSlots;
  private final int mask;

  public InMemoryDeduplicator(Clock clock, long ttlMillis, int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
    }
    this.clock = clock;
    this.ttlMillis = ttlMillis;
    this.ringKeys = new long[maxKeys];
    this.ringExpiry = new long[maxKeys];
    // At most half full, so probe sequences stay short.
    int capacity = Integer.highestOneBit(Math.max(2, maxKeys) * 2 - 1) << 1;
    this.indexKeys = new long[capacity];
    this.indexSlots = new int[capacity];
    this.mask = capacity - 1;
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
      long fp = fingerprint(key);
      int at = find(fp);
      if (at >= 0 && ringExpiry[indexSlots[at]] > now) {
        result.add(false);
      } else {
        if (at >= 0) {
          removeAt(at);
        }
        append(fp, now + ttlMillis);
        result.add(true);
      }
    }
    return result;
  }

  /** Records keys as seen without asking (e.g. keys Redis already decided); restarts their window. */
  public synchronized void remember(List<String> keys) {
    long expiry = clock.millis() + ttlMillis;
    for (String key : keys) {
      long fp = fingerprint(key);
      int at = find(fp);
      if (at >= 0) {
        removeAt(at);
      }
      append(fp, expiry);
    }
  }

  @Override
  public synchronized Future<Void> forget(List<String> keys) {
    for (String key : keys) {
      int at = find(fingerprint(key));
      if (at >= 0) {
        removeAt(at);
      }
    }
    return Future.succeededFuture();
  }

  /** True when the key was seen within the retention window; does not record it. */
  public synchronized boolean seen(String key) {
    int at = find(fingerprint(key));
    return at >= 0 && ringExpiry[indexSlots[at]] > clock.millis();
  }

  /** Keys remembered (expired ones are dropped lazily, on the next check). */
  public synchronized int size() {
    return live;
  }

  private void evictExpired(long now) {
    // Insertion order with one TTL is expiry order: stop at the first key still valid.
    while (used > 0 && (ringKeys[head] == EMPTY || ringExpiry[head] <= now)) {
      evictHead();
    }
  }

  private void append(long fp, long expiry) {
    if (used == ringKeys.length) {
      evictHead();
    }
    int slot = head + used;
    if (slot >= ringKeys.length) {
      slot -= ringKeys.length;
    }
    ringKeys[slot] = fp;
    ringExpiry[slot] = expiry;
    used++;
    live++;
    int i = home(fp);
    while (indexKeys[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    indexKeys[i] = fp;
    indexSlots[i] = slot;
  }

  private void evictHead() {
    long fp = ringKeys[head];
    if (fp != EMPTY) {
      int at = find(fp);
      if (at >= 0 && indexSlots[at] == head) {
        removeAt(at);
      }
    }
    ringKeys[head] = EMPTY;
    head = head + 1 == ringKeys.length ? 0 : head + 1;
    used--;
  }

  /** Drops an index entry and blanks its ring slot (the slot is reclaimed when the ring passes it). */
  private void removeAt(int at) {
    ringKeys[indexSlots[at]] = EMPTY;
    live--;
    // Backward-shift deletion keeps every remaining key reachable from its home without tombstones.
    int hole = at;
    int j = at;
    while (true) {
      j = (j + 1) & mask;
      long k = indexKeys[j];
      if (k == EMPTY) {
        break;
      }
      int h = home(k);
      boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        indexKeys[hole] = k;
        indexSlots[hole] = indexSlots[j];
        hole = j;
      }
    }
    indexKeys[hole] = EMPTY;
  }

  private int find(long fp) {
    int i = home(fp);
    while (true) {
      long k = indexKeys[i];
      if (k == fp) {
        return i;
      }
      if (k == EMPTY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  private int home(long fp) {
    return (int) (fp ^ (fp >>> 32)) & mask;
  }

  /** FNV-1a over the chars, then MurmurHash3's finaliser to spread the bits; never EMPTY. */
  static long fingerprint(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == EMPTY ? 1 : h;
  }
}
