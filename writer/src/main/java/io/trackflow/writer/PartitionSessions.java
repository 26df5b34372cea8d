package io.trackflow.writer;

import io.micrometer.core.instrument.Counter;
import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Delivery;
import io.trackflow.core.session.SessionSnapshot;
import io.trackflow.core.session.SessionState;
import io.trackflow.core.session.SessionTouch;
import io.trackflow.core.session.StoredSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The open sessions of the visitors of one queue partition, owned by the writer that owns the
 * partition and touched only on its context: no locks, no round trip per event. Gives each event
 * of a delivery its session (id, visit source, totals as they stand after the event) by the rules
 * of {@link SessionState}, deciding by event time.
 *
 * <p>An event at or below the queue position its visitor's session last applied is a replay (of
 * a batch stored before a crash, before its offsets were committed): it gets the session whose
 * range of positions holds it (the current one, or an earlier one of the visitor kept for this)
 * and changes nothing. A new session's id derives from its first event, so a replay that finds no
 * state reproduces it.
 */
final class PartitionSessions {

  // Sessions are kept a while past the timeout: an event may arrive late and still belong.
  private static final long KEEP_AFTER_TIMEOUT_MILLIS = 10 * 60_000;
  /** How much event time passes between two sweeps. */
  private static final long SWEEP_EVERY_MILLIS = 60_000;

  private final int partition;
  private final long timeoutMillis;
  private final Counter replayed;
  private final Map<Long, SessionState> byVisitor = new HashMap<>();
  // Sessions a newer one of the same visitor replaced, kept until swept: replays may reach them.
  private final Map<Long, List<SessionState>> earlier = new HashMap<>();
  private long newestActivity;
  private long nextSweep;

  PartitionSessions(int partition, long timeoutMillis, Counter replayed) {
    this.partition = partition;
    this.timeoutMillis = timeoutMillis;
    this.replayed = replayed;
  }

  int size() {
    return byVisitor.size();
  }

  /**
   * Adds a stored session. Of one session the higher revision stays; of one visitor's sessions
   * the one active last is current, the others are kept for replays.
   */
  void restore(StoredSession stored) {
    long visitor = stored.visitorId();
    SessionState restored = SessionState.restore(stored);
    SessionState known = byVisitor.get(visitor);
    if (known == null) {
      byVisitor.put(visitor, restored);
    } else if (known.id() == restored.id()) {
      if (known.revision() < restored.revision()) {
        byVisitor.put(visitor, restored);
      }
    } else if (known.lastActivity() < restored.lastActivity()) {
      keepEarlier(visitor, known);
      byVisitor.put(visitor, restored);
    } else {
      keepEarlier(visitor, restored);
    }
  }

  private void keepEarlier(long visitor, SessionState session) {
    List<SessionState> kept = earlier.computeIfAbsent(visitor, v -> new ArrayList<>(2));
    for (int i = 0; i < kept.size(); i++) {
      if (kept.get(i).id() == session.id()) {
        if (kept.get(i).revision() < session.revision()) {
          kept.set(i, session);
        }
        return;
      }
    }
    kept.add(session);
  }

  /** The delivery's events, each with its session. */
  List<Event> assign(Delivery delivery) {
    List<Event> events = delivery.events();
    List<Event> assigned = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      assigned.add(assign(events.get(i), delivery.position(i)));
    }
    if (newestActivity >= nextSweep) {
      sweep();
    }
    return assigned;
  }

  private Event assign(Event e, long position) {
    long t = e.timestampMillis();
    newestActivity = Math.max(newestActivity, t);
    SessionState state = byVisitor.get(e.visitorId());
    if (state != null && state.appliedAlready(partition, position)) {
      replayed.increment();
      return replay(e, state, position);
    }
    SessionTouch touch = touch(e);
    if (state != null && !state.expiredAt(t, timeoutMillis)) {
      state.apply(touch, partition, position);
      return with(e, state.snapshot());
    }
    long id = SessionState.idFor(e.site(), e.visitorId(), e.eventId());
    SessionState started = SessionState.start(id, touch, partition, position);
    if (started == null) {
      // An engagement ping outside any live session: it belongs to no counted session.
      return with(e, SessionState.outside(id, touch));
    }
    if (state != null) {
      keepEarlier(e.visitorId(), state);
    }
    byVisitor.put(e.visitorId(), started);
    return with(e, started.snapshot());
  }

  /** An event applied before: the session that took it, as it stands now. */
  private Event replay(Event e, SessionState current, long position) {
    if (current.took(partition, position)) {
      return with(e, current.snapshot());
    }
    for (SessionState session : earlier.getOrDefault(e.visitorId(), List.of())) {
      if (session.took(partition, position)) {
        return with(e, session.snapshot());
      }
    }
    if (e.isEngagement()) {
      // Taken by no session: a ping outside any live session, as it was then.
      return with(e, SessionState.outside(SessionState.idFor(e.site(), e.visitorId(), e.eventId()), touch(e)));
    }
    // Its session is no longer known (not loaded: inactive for longer than was rebuilt).
    return with(e, current.snapshot());
  }

  private static SessionTouch touch(Event e) {
    return new SessionTouch(e.visitorId(), e.timestampMillis(), SessionTouch.Kind.of(e.name(), e.interactive()),
        e.pathname(), e.visitSource());
  }

  private static Event with(Event e, SessionSnapshot s) {
    // The visit's source replaces the event's own: every event carries its session's.
    return e.withSession(s.sessionId(), s.source(), s.totals());
  }

  /** Drops sessions no event can continue any more (by event time, so tests and replays agree). */
  private void sweep() {
    nextSweep = newestActivity + SWEEP_EVERY_MILLIS;
    long keep = timeoutMillis + KEEP_AFTER_TIMEOUT_MILLIS;
    for (Iterator<SessionState> it = byVisitor.values().iterator(); it.hasNext(); ) {
      if (it.next().expiredAt(newestActivity, keep)) {
        it.remove();
      }
    }
    for (Iterator<List<SessionState>> it = earlier.values().iterator(); it.hasNext(); ) {
      List<SessionState> kept = it.next();
      kept.removeIf(session -> session.expiredAt(newestActivity, keep));
      if (kept.isEmpty()) {
        it.remove();
      }
    }
  }
}
