package io.trackflow.core.event;

import java.util.Objects;

/**
 * A session as it stands once one of its events is applied: the row the sessions table keeps,
 * and everything a writer needs to continue the session after a restart or a change of owner.
 * The writer gives every event its session's totals as they stand after that event, so a store
 * keeps, per session, the totals with the highest {@code revision}, and a replayed delivery
 * changes nothing.
 *
 * @param startMillis time of the session's earliest counted event
 * @param endMillis time of its latest counted event (engagement pings excluded)
 * @param events events counted so far (pageviews and custom events); 0 for an event outside
 *     any counted session (an engagement ping after the session ended)
 * @param pageviews pageviews so far
 * @param interactive custom events so far that were interactive (they prevent a bounce)
 * @param entryPage path of the earliest pageview, "" before the first
 * @param exitPage path of the latest pageview, "" before the first
 * @param entryMillis time of the entry page's pageview (a later-arriving earlier pageview
 *     replaces the entry page only if it is earlier than this)
 * @param exitMillis time of the exit page's pageview
 * @param lastActivityMillis latest event time, engagement pings included: the session times out
 *     this long after it
 * @param revision how many events have changed the session (counted events and the engagement
 *     pings that kept it alive); the store keeps the row with the highest
 * @param queuePartition the queue partition of the last event applied, -1 when unknown
 * @param firstPosition position in that partition of the first event applied from it: with
 *     {@code lastPosition}, the range of the visitor's events this session took
 * @param lastPosition position of the last event applied: an event of the same partition at or
 *     below it was applied already (a replay) and is not counted again
 */
public record SessionTotals(long startMillis, long endMillis, int events, int pageviews,
    int interactive, String entryPage, String exitPage, long entryMillis, long exitMillis,
    long lastActivityMillis, int revision, int queuePartition, long firstPosition, long lastPosition) {

  /** Totals of an event that belongs to no counted session. */
  public static final SessionTotals NONE = new SessionTotals(0, 0, 0, 0, 0, "", "");

  public SessionTotals {
    entryPage = Objects.requireNonNullElse(entryPage, "");
    exitPage = Objects.requireNonNullElse(exitPage, "");
  }

  /**
   * Totals without their resume data (events decoded from the queue, rows written before the
   * writer kept sessions): entry and exit at the start and end, last activity at the end, one
   * revision per counted event, no queue position.
   */
  public SessionTotals(long startMillis, long endMillis, int events, int pageviews, int interactive,
      String entryPage, String exitPage) {
    this(startMillis, endMillis, events, pageviews, interactive, entryPage, exitPage, startMillis,
        endMillis, endMillis, events, -1, -1, -1);
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
