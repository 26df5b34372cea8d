package io.trackflow.core.session.local;

import io.trackflow.core.session.SessionSnapshot;
import io.trackflow.core.session.SessionState;
import io.trackflow.core.session.SessionStore;
import io.trackflow.core.session.SessionTouch;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sessions held in memory, bounded: the standalone session store and the fallback when Redis is
 * unreachable. Visitors are spread over independently locked stripes, so the collector's event
 * loops rarely wait for each other; each stripe drops its idle sessions in a sweep now and then
 * (by event time), and under memory pressure whatever it must beyond its share of the bound.
 */
public final class InMemorySessionStore implements SessionStore {

  // Kept a while past the timeout: an event may arrive late (client timestamps are accepted a
  // few minutes in the past) and still belong to the session.
  private static final long KEEP_AFTER_TIMEOUT_MILLIS = 10 * 60_000;
  /** How much event time passes between two sweeps of a stripe. */
  private static final long SWEEP_EVERY_MILLIS = 60_000;
  private static final int STRIPES = 16;

  private final long timeoutMillis;
  private final int perStripe;
  private final Stripe[] stripes = new Stripe[STRIPES];

  private static final class Stripe {
    final Map<Long, SessionState> sessions = new HashMap<>();
    long newestActivity;
    long nextSweep;
  }

  public InMemorySessionStore(Duration timeout, int maxVisitors) {
    this.timeoutMillis = timeout.toMillis();
    this.perStripe = Math.max(1, (maxVisitors + STRIPES - 1) / STRIPES);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  @Override
  public Future<List<SessionSnapshot>> track(List<SessionTouch> touches) {
    return Future.succeededFuture(trackNow(touches));
  }

  /** Synchronous form, for callers that cannot wait (the Redis adapter's fallback). */
  public List<SessionSnapshot> trackNow(List<SessionTouch> touches) {
    List<SessionSnapshot> snapshots = new ArrayList<>(touches.size());
    for (SessionTouch touch : touches) {
      Stripe stripe = stripe(touch.visitorId());
      synchronized (stripe) {
        snapshots.add(track(stripe, touch));
      }
    }
    return snapshots;
  }

  private SessionSnapshot track(Stripe stripe, SessionTouch touch) {
    long t = touch.timestampMillis();
    if (t > stripe.newestActivity) {
      stripe.newestActivity = t;
    }
    SessionState state = stripe.sessions.get(touch.visitorId());
    if (state != null && !state.expiredAt(t, timeoutMillis)) {
      state.apply(touch);
      return state.snapshot();
    }
    SessionState started = SessionState.start(newId(), touch);
    if (started == null) {
      return SessionState.outside(newId(), touch);
    }
    stripe.sessions.put(touch.visitorId(), started);
    if (stripe.sessions.size() > perStripe || stripe.newestActivity >= stripe.nextSweep) {
      sweep(stripe);
    }
    return started.snapshot();
  }

  @Override
  public Future<Void> release(List<SessionTouch> touches, List<SessionSnapshot> snapshots) {
    for (int i = 0; i < touches.size(); i++) {
      SessionTouch touch = touches.get(i);
      Stripe stripe = stripe(touch.visitorId());
      synchronized (stripe) {
        SessionState state = stripe.sessions.get(touch.visitorId());
        if (state != null && state.id() == snapshots.get(i).sessionId()) {
          state.uncount(touch.kind());
        }
      }
    }
    return Future.succeededFuture();
  }

  public int size() {
    int size = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        size += stripe.sessions.size();
      }
    }
    return size;
  }

  /** Drops idle sessions, then, if the stripe is still over its share, any until it is not. */
  private void sweep(Stripe stripe) {
    stripe.nextSweep = stripe.newestActivity + SWEEP_EVERY_MILLIS;
    long keep = timeoutMillis + KEEP_AFTER_TIMEOUT_MILLIS;
    Iterator<SessionState> it = stripe.sessions.values().iterator();
    while (it.hasNext()) {
      if (it.next().expiredAt(stripe.newestActivity, keep)) {
        it.remove();
      }
    }
    // Still full of live sessions: make room for a tenth more at once, so that a full store
    // sweeps once per that many new sessions rather than on every one.
    if (stripe.sessions.size() <= perStripe) {
      return;
    }
    int target = perStripe - Math.max(1, perStripe / 10);
    Iterator<SessionState> over = stripe.sessions.values().iterator();
    while (stripe.sessions.size() > target && over.hasNext()) {
      over.next();
      over.remove();
    }
  }

  private Stripe stripe(long visitorId) {
    // Visitor ids are hashes already; the high bits spread them evenly.
    return stripes[(int) (visitorId >>> 60)];
  }

  private static long newId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }
}
