package io.trackflow.core.session;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Session store port: maps a visitor to its current session. A visitor seen again within the
 * inactivity timeout keeps its session (and the timeout restarts); otherwise a new session begins.
 */
public interface SessionStore {

  /** Inactivity after which a visitor's next event starts a new session. */
  Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /**
   * Touches each visitor (keys are opaque, typically the visitor id in hex) and answers, in
   * order, its session id. A key repeated within one call gets the same session each time. New
   * session ids are random, non-zero 64-bit numbers.
   */
  Future<List<Long>> touch(List<String> visitorKeys);

  /** True while the backing store is reachable (a local fallback may be in use otherwise). */
  default boolean healthy() {
    return true;
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
