package io.trackflow.core.session;

import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionTouch.Kind;

/**
 * One visitor's live session and the rules that advance it. The in-memory store keeps these;
 * the Redis store's script applies the same rules (keep the two in step: the session store
 * contract runs against both).
 *
 * <ul>
 *   <li>An event within the timeout of the session's last activity continues it; any other
 *       counted event starts a new one. Engagement pings keep a live session alive but count
 *       nothing and never start a session.
 *   <li>Start and end are the earliest and latest counted event times; the entry page is the
 *       earliest pageview's path and the exit page the latest's (a tie goes to the one seen
 *       last for the exit, first for the entry); the source is that of the first event seen.
 * </ul>
 */
public final class SessionState {

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

  private SessionState(long id, SessionTouch first) {
    this.id = id;
    this.source = first.source();
    this.start = first.timestampMillis();
    this.end = first.timestampMillis();
    this.lastActivity = first.timestampMillis();
    count(first);
  }

  /**
   * Starts a session with its first counted event, or returns null for an engagement ping,
   * which never starts one.
   */
  public static SessionState start(long id, SessionTouch first) {
    return first.kind() == Kind.ENGAGEMENT ? null : new SessionState(id, first);
  }

  /** The snapshot an event gets when it belongs to no live session and starts none. */
  public static SessionSnapshot outside(long id, SessionTouch touch) {
    return new SessionSnapshot(id, SessionTotals.NONE, touch.source());
  }

  /** True when an event at this time no longer continues the session. */
  public boolean expiredAt(long timestampMillis, long timeoutMillis) {
    return timestampMillis - lastActivity >= timeoutMillis;
  }

  /** Adds a continuing event (check {@link #expiredAt} first). */
  public void apply(SessionTouch touch) {
    long t = touch.timestampMillis();
    lastActivity = Math.max(lastActivity, t);
    if (touch.kind() == Kind.ENGAGEMENT) {
      return;
    }
    start = Math.min(start, t);
    end = Math.max(end, t);
    count(touch);
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

  /**
   * Takes back one counted event that could not be published, so that its retry is not
   * counted twice. Times and pages stay: the retry sets them again.
   */
  public void uncount(Kind kind) {
    if (kind == Kind.ENGAGEMENT || events == 0) {
      return;
    }
    events--;
    if (kind == Kind.PAGEVIEW && pageviews > 0) {
      pageviews--;
    } else if (kind == Kind.INTERACTIVE && interactive > 0) {
      interactive--;
    }
  }

  public long id() {
    return id;
  }

  public long lastActivity() {
    return lastActivity;
  }

  public SessionSnapshot snapshot() {
    return new SessionSnapshot(id,
        new SessionTotals(start, end, events, pageviews, interactive, entryPage, exitPage), source);
  }
}
