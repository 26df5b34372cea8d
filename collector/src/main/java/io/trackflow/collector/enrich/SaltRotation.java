package io.trackflow.collector.enrich;

import io.trackflow.core.session.SaltStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current UTC day's salt at hand for the hot path and rotates it: shortly after
 * midnight the new day's salt is fetched (created once for the cluster by the store) and salts
 * older than yesterday are deleted. Yesterday's is kept so a collector whose clock lags cannot
 * recreate it with a different value.
 */
public final class SaltRotation {

  private static final Logger log = LoggerFactory.getLogger(SaltRotation.class);

  private final SaltStore store;
  private final Clock clock;
  private volatile DaySalt current;
  private long timer = -1;

  /** A day and the hash keyed with its salt. */
  public record DaySalt(LocalDate day, SipHash hash) {}

  public SaltRotation(SaltStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Loads today's salt, then checks for a new day every {@code checkMillis}. */
  public Future<Void> start(Vertx vertx, long checkMillis) {
    return rotateIfDue().onSuccess(v -> timer = vertx.setPeriodic(checkMillis, id -> rotateIfDue()));
  }

  public void stop(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Switches to today's salt when the day changed (or none is loaded yet), and prunes old ones. */
  public Future<Void> rotateIfDue() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    DaySalt held = current;
    if (held != null && held.day().equals(today)) {
      return Future.succeededFuture();
    }
    return store.saltFor(today)
        .map(salt -> {
          current = new DaySalt(today, new SipHash(salt));
          return today;
        })
        .compose(day -> store.deleteBefore(day.minusDays(1)))
        .recover(e -> {
          if (current == null) {
            // No salt at all yet: a local one keeps hits flowing; ids differ from other
            // collectors' until the store answers again (retried at the next check).
            log.warn("Salt store unavailable ({}); using a local salt until it answers", e.toString());
            byte[] salt = new byte[SaltStore.SALT_BYTES];
            new SecureRandom().nextBytes(salt);
            current = new DaySalt(LocalDate.MIN, new SipHash(salt));
          } else {
            log.warn("Salt rotation failed ({}); keeping the salt of {}", e.toString(), current.day());
          }
          return Future.succeededFuture();
        });
  }

  /** The salt in use; null before {@link #start}. */
  public DaySalt current() {
    return current;
  }

  /** Cookieless visitor id: the salted hash of site, IP and user agent. Never 0. */
  public long visitorId(String site, String ip, String userAgent) {
    long id = current.hash().hash(site, ip, userAgent);
    return id == 0 ? 1 : id;
  }
}
