package io.trackflow.core.session;

import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;

/**
 * A touched session as the event that touched it must carry it: its id, its totals including
 * that event, and the visit's source (that of the session's first event).
 */
public record SessionSnapshot(long sessionId, SessionTotals totals, VisitSource source) {}
