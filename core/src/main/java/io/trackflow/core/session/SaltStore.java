package io.trackflow.core.session;

import io.vertx.core.Future;
import java.time.LocalDate;

/**
 * Salt store port: one random salt per UTC day, shared by every collector, so the cookieless
 * visitor id is stable within a day and unlinkable across days once old salts are deleted.
 */
public interface SaltStore {

  /** Length in bytes of every salt (a SipHash key). */
  int SALT_BYTES = 16;

  /**
   * The salt of the given UTC day. The first caller for a day creates it at random; every later
   * caller, on any collector, gets that same salt.
   */
  Future<byte[]> saltFor(LocalDate day);

  /** Deletes the salts of every day before the given one, so old visitor ids cannot be recomputed. */
  Future<Void> deleteBefore(LocalDate day);

  /** True while the backing store is reachable. */
  default boolean healthy() {
    return true;
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
