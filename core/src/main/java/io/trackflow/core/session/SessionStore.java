package io.trackflow.core.session;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Session store port: keeps each visitor's live session and advances it with every event,
 * atomically, so that collectors sharing the store agree on one session per visitor and on its
 * totals (the rules are {@link SessionState}'s). An event within the inactivity timeout of the
 * visitor's last activity continues the session; otherwise a counted event starts a new one.
 */
public interface SessionStore {

  /** Inactivity after which a visitor's next event starts a new session. */
  Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /**
   * Applies the touches in order and answers, per touch, the session it belongs to as that
   * event leaves it. A visitor repeated within one call sees its earlier touches applied. New
   * session ids are random, non-zero 64-bit numbers.
   */
  Future<List<SessionSnapshot>> track(List<SessionTouch> touches);

  /**
   * Takes back touches whose events could not be published (their clients retry), so the
   * retried events are not counted twice in their sessions. Best effort: a session that has
   * since been replaced is left alone.
   */
  Future<Void> release(List<SessionTouch> touches, List<SessionSnapshot> snapshots);

  /** True while the backing store is reachable (a local fallback may be in use otherwise). */
  default boolean healthy() {
    return true;
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
