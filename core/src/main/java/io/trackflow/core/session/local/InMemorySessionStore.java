package io.trackflow.core.session.local;

import io.trackflow.core.session.SessionSnapshot;
import io.trackflow.core.session.SessionState;
import io.trackflow.core.session.SessionStore;
import io.trackflow.core.session.SessionTouch;
import io.vertx.core.Future;
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

  // Kept a while past the timeout: an event may arrive late (client timestamps are accepted a
  // few minutes in the past) and still belong to the session.
  private static final long KEEP_AFTER_TIMEOUT_MILLIS = 10 * 60_000;

  private final long timeoutMillis;
  private final int maxVisitors;
  private final SplittableRandom random = new SplittableRandom();
  // Access-ordered: the head is the visitor idle the longest.
  private final LinkedHashMap<String, SessionState> sessions = new LinkedHashMap<>(1024, 0.75f, true);
  private long newestActivity;

  public InMemorySessionStore(Duration timeout, int maxVisitors) {
    this.timeoutMillis = timeout.toMillis();
    this.maxVisitors = maxVisitors;
  }

  @Override
  public Future<List<SessionSnapshot>> track(List<SessionTouch> touches) {
    return Future.succeededFuture(trackNow(touches));
  }

  /** Synchronous form, for callers that cannot wait (the Redis adapter's fallback). */
  public synchronized List<SessionSnapshot> trackNow(List<SessionTouch> touches) {
    List<SessionSnapshot> snapshots = new ArrayList<>(touches.size());
    for (SessionTouch touch : touches) {
      long t = touch.timestampMillis();
      newestActivity = Math.max(newestActivity, t);
      SessionState state = sessions.get(touch.visitorKey()); // moves the key to the tail
      if (state != null && !state.expiredAt(t, timeoutMillis)) {
        state.apply(touch);
        snapshots.add(state.snapshot());
        continue;
      }
      SessionState started = SessionState.start(newId(), touch);
      if (started == null) {
        snapshots.add(SessionState.outside(newId(), touch));
        continue;
      }
      sessions.put(touch.visitorKey(), started);
      snapshots.add(started.snapshot());
    }
    evict();
    return snapshots;
  }

  @Override
  public synchronized Future<Void> release(List<SessionTouch> touches, List<SessionSnapshot> snapshots) {
    for (int i = 0; i < touches.size(); i++) {
      SessionState state = sessions.get(touches.get(i).visitorKey());
      if (state != null && state.id() == snapshots.get(i).sessionId()) {
        state.uncount(touches.get(i).kind());
      }
    }
    return Future.succeededFuture();
  }

  public synchronized int size() {
    return sessions.size();
  }

  private void evict() {
    // Idle sessions leave from the head (least recently touched); then the bound applies.
    Iterator<Map.Entry<String, SessionState>> it = sessions.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().expiredAt(newestActivity, timeoutMillis + KEEP_AFTER_TIMEOUT_MILLIS)) {
        it.remove();
      } else {
        break;
      }
    }
    while (sessions.size() > maxVisitors) {
      Iterator<String> keys = sessions.keySet().iterator();
      keys.next();
      keys.remove();
    }
  }

  private long newId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }
}
