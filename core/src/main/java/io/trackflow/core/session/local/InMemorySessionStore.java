package io.trackflow.core.session.local;

import io.trackflow.core.session.SessionStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sessions held in memory, bounded: the standalone session store and the fallback when Redis is
 * unreachable. Entries are kept in order of last activity, so expired ones are dropped from the
 * head without scanning.
 */
public final class InMemorySessionStore implements SessionStore {

  private final Clock clock;
  private final long timeoutMillis;
  private final int maxVisitors;
  private final SplittableRandom random = new SplittableRandom();
  // Access-ordered: the head is the visitor idle the longest.
  private final LinkedHashMap<String, long[]> sessions = new LinkedHashMap<>(1024, 0.75f, true);

  public InMemorySessionStore(Clock clock, Duration timeout, int maxVisitors) {
    this.clock = clock;
    this.timeoutMillis = timeout.toMillis();
    this.maxVisitors = maxVisitors;
  }

  @Override
  public Future<List<Long>> touch(List<String> visitorKeys) {
    return Future.succeededFuture(touchNow(visitorKeys));
  }

  /** Synchronous form, for callers that cannot wait (the Redis adapter's fallback). */
  public synchronized List<Long> touchNow(List<String> visitorKeys) {
    long now = clock.millis();
    evictIdle(now);
    List<Long> ids = new ArrayList<>(visitorKeys.size());
    for (String key : visitorKeys) {
      long[] entry = sessions.get(key); // moves the key to the tail
      if (entry == null || now - entry[1] >= timeoutMillis) {
        entry = new long[] {newId(), now};
        sessions.put(key, entry);
      } else if (now > entry[1]) {
        entry[1] = now;
      }
      ids.add(entry[0]);
    }
    while (sessions.size() > maxVisitors) {
      Iterator<String> it = sessions.keySet().iterator();
      it.next();
      it.remove();
    }
    return ids;
  }

  public synchronized int size() {
    return sessions.size();
  }

  private long newId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }

  private void evictIdle(long now) {
    Iterator<Map.Entry<String, long[]>> it = sessions.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue()[1] >= timeoutMillis) {
        it.remove();
      } else {
        break; // access order: everything after was active more recently
      }
    }
  }
}
