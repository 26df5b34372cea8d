package io.trackflow.core.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/** Query cache port: serialised stats answers keyed by the normalised query. */
public interface QueryCache {

  /** The cached value, or a null result when absent or expired. */
  Future<Buffer> get(String key);

  Future<Void> put(String key, Buffer value, Duration ttl);

  /** Drops every entry whose key starts with the prefix (e.g. one site's answers). */
  Future<Void> invalidatePrefix(String prefix);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
