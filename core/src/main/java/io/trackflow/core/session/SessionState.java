package io.trackflow.core.session;

import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionTouch.Kind;
import java.time.Duration;

/**
 * One visitor's live session and the rules that advance it. The writer that owns the visitor's
 * queue partition keeps these, one per visitor, and gives every event the session it belongs to.
 *
 * <ul>
 *   <li>An event within the timeout of the session's last activity continues it (so does an
 *       event earlier than the last activity: events may arrive a little out of order); any
 *       other counted event starts a new one. Engagement pings keep a live session alive but
 *       count nothing and never start a session.
 *   <li>Start and end are the earliest and latest counted event times; the entry page is the
 *       earliest pageview's path and the exit page the latest's (a tie goes to the one seen
 *       last for the exit, first for the entry); the source is that of the first event seen.
 *   <li>Every event applied raises the revision by one, and the session remembers the queue
 *       partition and the positions of the first and the last event it took from it: an event
 *       of that partition at or below the last was applied already (a replay) and must not be
 *       applied again; if it lies in the session's range, it was this session's.
 * </ul>
 */
public final class SessionState {

  /** Inactivity after which a visitor's next event starts a new session. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  private final long id;
  private final VisitSource source;
  private long start;
  private long end;
  private long lastActivity;
  private int events;
  private int pageviews;
  private int interactive;
  private String entryPage = "";
  private long entryAt;
  private String exitPage = "";
  private long exitAt;
  private int revision;
  private int queuePartition = -1;
  private long firstPosition = -1;
  private long lastPosition = -1;

  private SessionState(long id, SessionTouch first) {
    this.id = id;
    this.source = first.source();
    this.start = first.timestampMillis();
    this.end = first.timestampMillis();
    this.lastActivity = first.timestampMillis();
    this.revision = 1;
    count(first);
  }

  private SessionState(long id, VisitSource source, SessionTotals t) {
    this.id = id;
    this.source = source;
    this.start = t.startMillis();
    this.end = t.endMillis();
    this.lastActivity = t.lastActivityMillis();
    this.events = t.events();
    this.pageviews = t.pageviews();
    this.interactive = t.interactive();
    this.entryPage = t.entryPage();
    this.entryAt = t.entryMillis();
    this.exitPage = t.exitPage();
    this.exitAt = t.exitMillis();
    this.revision = t.revision();
    this.queuePartition = t.queuePartition();
    this.firstPosition = t.firstPosition();
    this.lastPosition = t.lastPosition();
  }

  /**
   * Starts a session with its first counted event, or returns null for an engagement ping,
   * which never starts one.
   */
  public static SessionState start(long id, SessionTouch first) {
    return first.kind() == Kind.ENGAGEMENT ? null : new SessionState(id, first);
  }

  /** Starts a session with its first counted event read at a queue position; null for a ping. */
  public static SessionState start(long id, SessionTouch first, int partition, long position) {
    SessionState state = start(id, first);
    if (state != null) {
      state.queuePartition = partition;
      state.firstPosition = position;
      state.lastPosition = position;
    }
    return state;
  }

  /** The session as stored, ready to be continued. */
  public static SessionState restore(StoredSession stored) {
    return new SessionState(stored.sessionId(), stored.source(), stored.totals());
  }

  /** The snapshot an event gets when it belongs to no live session and starts none. */
  public static SessionSnapshot outside(long id, SessionTouch touch) {
    return new SessionSnapshot(id, SessionTotals.NONE, touch.source());
  }

  /**
   * The id of the session whose first event is {@code firstEventId}: the same whoever computes
   * it, so a session started again from a replay without any state gets the id it had. Never 0.
   */
  public static long idFor(String site, long visitorId, long firstEventId) {
    long h = mix(visitorId ^ mix(firstEventId ^ 0x9E3779B97F4A7C15L) ^ (long) site.hashCode() * 0xC2B2AE3D27D4EB4FL);
    return h == 0 ? 1 : h;
  }

  // SplitMix64's finaliser: every input bit affects every output bit.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** True when an event at this time no longer continues the session. */
  public boolean expiredAt(long timestampMillis, long timeoutMillis) {
    return timestampMillis - lastActivity >= timeoutMillis;
  }

  /** True when the event at this queue position was applied to the session already. */
  public boolean appliedAlready(int partition, long position) {
    return partition == queuePartition && position <= lastPosition;
  }

  /** True when the event at this queue position was one this session took. */
  public boolean took(int partition, long position) {
    return appliedAlready(partition, position) && position >= firstPosition;
  }

  /** Adds a continuing event (check {@link #expiredAt} first). */
  public void apply(SessionTouch touch) {
    long t = touch.timestampMillis();
    lastActivity = Math.max(lastActivity, t);
    revision++;
    if (touch.kind() == Kind.ENGAGEMENT) {
      return;
    }
    start = Math.min(start, t);
    end = Math.max(end, t);
    count(touch);
  }

  /** Adds a continuing event read at a queue position (check {@link #appliedAlready} first). */
  public void apply(SessionTouch touch, int partition, long position) {
    apply(touch);
    if (partition != queuePartition) {
      // The visitor's events moved to another partition (the partition count changed).
      queuePartition = partition;
      firstPosition = position;
    }
    lastPosition = position;
  }

  private void count(SessionTouch touch) {
    events++;
    long t = touch.timestampMillis();
    switch (touch.kind()) {
      case PAGEVIEW -> {
        pageviews++;
        if (pageviews == 1 || t < entryAt) {
          entryPage = touch.pathname();
          entryAt = t;
        }
        if (pageviews == 1 || t >= exitAt) {
          exitPage = touch.pathname();
          exitAt = t;
        }
      }
      case INTERACTIVE -> interactive++;
      case NON_INTERACTIVE, ENGAGEMENT -> { }
    }
  }

  public long id() {
    return id;
  }

  public VisitSource source() {
    return source;
  }

  public long lastActivity() {
    return lastActivity;
  }

  public int revision() {
    return revision;
  }

  public SessionSnapshot snapshot() {
    return new SessionSnapshot(id, new SessionTotals(start, end, events, pageviews, interactive, entryPage,
        exitPage, entryAt, exitAt, lastActivity, revision, queuePartition, firstPosition, lastPosition), source);
  }
}
