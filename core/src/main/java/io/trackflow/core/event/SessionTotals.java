package io.trackflow.core.event;

import java.util.Objects;

/**
 * A session as it stands once one of its events is counted: the row the sessions table keeps.
 * Every event of a session carries the totals computed when the collector took it, so a store
 * keeps the totals with the most events and a replayed delivery changes nothing.
 *
 * @param startMillis time of the session's earliest event
 * @param endMillis time of its latest event (engagement pings excluded)
 * @param events events counted so far (pageviews and custom events); 0 for an event outside
 *     any counted session (an engagement ping after the session ended)
 * @param pageviews pageviews so far
 * @param interactive custom events so far that were interactive (they prevent a bounce)
 * @param entryPage path of the earliest pageview, "" before the first
 * @param exitPage path of the latest pageview, "" before the first
 */
public record SessionTotals(long startMillis, long endMillis, int events, int pageviews,
    int interactive, String entryPage, String exitPage) {

  /** Totals of an event that belongs to no counted session. */
  public static final SessionTotals NONE = new SessionTotals(0, 0, 0, 0, 0, "", "");

  public SessionTotals {
    entryPage = Objects.requireNonNullElse(entryPage, "");
    exitPage = Objects.requireNonNullElse(exitPage, "");
  }

  /** True when the event is part of a counted session (it has a row in the sessions table). */
  public boolean counted() {
    return events > 0;
  }

  /** A session bounced: at most one pageview and no interactive custom event. */
  public boolean bounced() {
    return pageviews <= 1 && interactive == 0;
  }
}
