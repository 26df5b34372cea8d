package io.trackflow.core.session;

import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;

/**
 * A session as the store's sessions table keeps it: enough for the writer that owns its visitor
 * to continue it exactly where the previous owner stopped.
 */
public record StoredSession(String site, long sessionId, long visitorId, VisitSource source,
    SessionTotals totals) {}
