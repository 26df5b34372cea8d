package io.trackflow.core.dedup;

import io.vertx.core.Future;
import java.util.List;

/** Deduplicator port: remembers event keys for a while so a repeated hit is stored once. */
public interface Deduplicator {

  /**
   * Marks each key as seen and tells, per key in order, whether this was its first sighting
   * within the retention window. A key repeated inside one call counts as seen from its second
   * occurrence on.
   */
  Future<List<Boolean>> firstSeen(List<String> keys);

  /**
   * Forgets keys, so they count as new again: used when events marked seen could not be
   * published, so that the client's retry is not mistaken for a duplicate. Best effort.
   */
  default Future<Void> forget(List<String> keys) {
    return Future.succeededFuture();
  }

  /** True while the backing store is reachable (a local fallback may be in use otherwise). */
  default boolean healthy() {
    return true;
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
