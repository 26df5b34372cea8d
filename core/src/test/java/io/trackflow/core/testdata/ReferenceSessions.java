package io.trackflow.core.testdata;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The session rules of docs/sessions.md ("The rules") and docs/storage.md ("The sessions table"),
 * written a second time for tests, from the docs and not from the production classes. A session
 * is simply the list of events it took; every total is recomputed from that list, so each rule
 * reads as one line:
 *
 * <ul>
 *   <li>Pageviews and custom events are counted; engagement pings (name {@code engagement})
 *       count nothing and never start a session.
 *   <li>A visitor's event joins the visitor's latest session when it is less than 30 minutes
 *       after that session's last activity (the latest time of any event it took, pings
 *       included). Otherwise a counted event starts a new session and a ping belongs to none. A
 *       late event (earlier than the last activity) therefore always joins the latest session.
 *   <li>Start and end: the earliest and latest counted event time. Entry page: the path of the
 *       earliest pageview, the first taken on a tie; exit page: the latest pageview's, the last
 *       taken on a tie. The visit's source is the first taken event's.
 *   <li>Bounced: at most one pageview and no interactive custom event.
 *   <li>Midnight is not a rule here: the visitor id changes with the daily salt, so a session
 *       never outlives it.
 * </ul>
 */
public final class ReferenceSessions {

  /** Inactivity after which a visitor's next counted event starts a new session. */
  public static final long TIMEOUT_MILLIS = 30 * 60_000L;

  private ReferenceSessions() {}

  static boolean isPing(Event e) {
    return e.name().equals("engagement");
  }

  static boolean isPageview(Event e) {
    return e.name().equals("pageview");
  }

  /** One visit: the events it took, in the order it took them. */
  public static final class Session {
    private final long id;
    private final List<Event> taken = new ArrayList<>();

    Session(long id, Event first) {
      this.id = id;
      taken.add(first);
    }

    public long id() {
      return id;
    }

    /** The event that started the session; it gives the visit its source and attributes. */
    public Event first() {
      return taken.get(0);
    }

    /** The counted events (pings left out), in the order taken. */
    public List<Event> counted() {
      return taken.stream().filter(e -> !isPing(e)).toList();
    }

    public VisitSource source() {
      return first().visitSource();
    }

    public long lastActivity() {
      return taken.stream().mapToLong(Event::timestampMillis).max().orElseThrow();
    }

    public long start() {
      return counted().stream().mapToLong(Event::timestampMillis).min().orElseThrow();
    }

    public long end() {
      return counted().stream().mapToLong(Event::timestampMillis).max().orElseThrow();
    }

    public int pageviews() {
      return (int) counted().stream().filter(ReferenceSessions::isPageview).count();
    }

    public int interactive() {
      return (int) counted().stream().filter(e -> !isPageview(e) && e.interactive()).count();
    }

    /** Path of the earliest pageview; among equal times the first taken. "" without pageviews. */
    public String entryPage() {
      Event entry = null;
      for (Event e : counted()) {
        if (isPageview(e) && (entry == null || e.timestampMillis() < entry.timestampMillis())) {
          entry = e;
        }
      }
      return entry == null ? "" : entry.pathname();
    }

    /** Path of the latest pageview; among equal times the last taken. "" without pageviews. */
    public String exitPage() {
      Event exit = null;
      for (Event e : counted()) {
        if (isPageview(e) && (exit == null || e.timestampMillis() >= exit.timestampMillis())) {
          exit = e;
        }
      }
      return exit == null ? "" : exit.pathname();
    }

    public boolean bounced() {
      return pageviews() <= 1 && interactive() == 0;
    }

    /** The totals an event of this session carries, and the sessions table keeps, as of now. */
    public SessionTotals totals() {
      return new SessionTotals(start(), end(), counted().size(), pageviews(), interactive(),
          entryPage(), exitPage());
    }

    void take(Event e) {
      taken.add(e);
    }
  }

  /**
   * Visitors' live sessions, as the collector's session store keeps them: events are taken in
   * arrival order and the timeout decides.
   */
  public static final class Visitors {
    private final Map<Long, Session> latest = new HashMap<>();

    /**
     * The session the event joins or starts (a new one gets its id from {@code newId}), or
     * empty for a ping outside a live session.
     */
    public Optional<Session> take(Event e, LongSupplier newId) {
      Session session = latest.get(e.visitorId());
      if (session != null && e.timestampMillis() - session.lastActivity() < TIMEOUT_MILLIS) {
        session.take(e);
        return Optional.of(session);
      }
      if (isPing(e)) {
        return Optional.empty();
      }
      Session started = new Session(newId.getAsLong(), e);
      latest.put(e.visitorId(), started);
      return Optional.of(started);
    }
  }

  /** A session of one site, named by its id. */
  public record Key(String site, long sessionId) {}

  /**
   * Sessions of events whose session id already says which visit they belong to (generated
   * data): each (site, session id)'s events are taken in time order, then event id. Pings
   * before a session's first counted event belong to none; sessions with no counted event do
   * not exist. Pass each event once.
   */
  public static Map<Key, Session> byId(List<Event> events) {
    List<Event> ordered = new ArrayList<>(events);
    ordered.sort(Comparator.comparingLong(Event::timestampMillis).thenComparingLong(Event::eventId));
    Map<Key, Session> sessions = new LinkedHashMap<>();
    ordered.forEach(e -> takeById(sessions, e));
    return sessions;
  }

  /** The session the event's id names, after it took the event; null for a ping outside one. */
  private static Session takeById(Map<Key, Session> sessions, Event e) {
    Key key = new Key(e.site(), e.sessionId());
    Session session = sessions.get(key);
    if (session != null) {
      session.take(e);
    } else if (!isPing(e)) {
      session = new Session(e.sessionId(), e);
      sessions.put(key, session);
    }
    return session;
  }

  /**
   * Gives every event, in list order, its session's totals as of that event and its visit's
   * source, as the collector sends it; the session is the one its id names. A ping outside a
   * session keeps its own source and carries no totals.
   */
  public static void withTotals(List<Event> events) {
    Map<Key, Session> sessions = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      Session session = takeById(sessions, e);
      events.set(i, session == null
          ? e.withSession(e.sessionId(), e.visitSource(), SessionTotals.NONE)
          : e.withSession(e.sessionId(), session.source(), session.totals()));
    }
  }
}
