package io.trackflow.core.session.local;

import io.trackflow.core.session.SaltStore;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Salts held in memory: the standalone salt store (one process, so nothing to share). */
public final class InMemorySaltStore implements SaltStore {

  private final SecureRandom random = new SecureRandom();
  private final ConcurrentSkipListMap<LocalDate, byte[]> salts = new ConcurrentSkipListMap<>();

  @Override
  public Future<byte[]> saltFor(LocalDate day) {
    byte[] salt = salts.computeIfAbsent(day, d -> {
      byte[] fresh = new byte[SALT_BYTES];
      random.nextBytes(fresh);
      return fresh;
    });
    return Future.succeededFuture(salt.clone());
  }

  @Override
  public Future<Void> deleteBefore(LocalDate day) {
    salts.headMap(day).clear();
    return Future.succeededFuture();
  }

  /** Days that still have a salt, for tests and diagnostics. */
  public java.util.Set<LocalDate> days() {
    return java.util.Set.copyOf(((Map<LocalDate, byte[]>) salts).keySet());
  }
}
