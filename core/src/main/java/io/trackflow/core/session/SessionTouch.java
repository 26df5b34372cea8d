package io.trackflow.core.session;

import io.trackflow.core.event.Event;
import io.trackflow.core.event.VisitSource;
import java.util.Objects;

/**
 * What one event brings to its visitor's session.
 *
 * @param visitorId the visitor (its cookieless id)
 * @param timestampMillis the event's time; it also decides whether the session timed out
 * @param kind how the event counts
 * @param pathname the page, for entry and exit pages
 * @param source the event's own referrer and tags; they become the visit's when it starts one
 */
public record SessionTouch(long visitorId, long timestampMillis, Kind kind, String pathname,
    VisitSource source) {

  /** How an event counts in its session. */
  public enum Kind {
    /** A pageview: counted, sets the entry and exit pages. */
    PAGEVIEW,
    /** An interactive custom event: counted, and the session did not bounce. */
    INTERACTIVE,
    /** A custom event sent as non-interactive: counted, but does not prevent a bounce. */
    NON_INTERACTIVE,
    /** An engagement ping: keeps a live session alive, counts nothing, never starts one. */
    ENGAGEMENT;

    /** How an event of this name and interactivity counts. */
    public static Kind of(String eventName, boolean interactive) {
      if (Event.PAGEVIEW.equals(eventName)) {
        return PAGEVIEW;
      }
      if (Event.ENGAGEMENT.equals(eventName)) {
        return ENGAGEMENT;
      }
      return interactive ? INTERACTIVE : NON_INTERACTIVE;
    }
  }

  public SessionTouch {
    Objects.requireNonNull(kind, "kind");
    pathname = Objects.requireNonNullElse(pathname, "");
    source = Objects.requireNonNullElse(source, VisitSource.DIRECT);
  }
}
