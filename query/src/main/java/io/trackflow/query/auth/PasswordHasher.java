package io.trackflow.query.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.trackflow.query.account.BoundedWorker;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt hashing and checking, on a worker pool: one hash costs tens of milliseconds of CPU,
 * which must never stall an event loop.
 */
public final class PasswordHasher {

  /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
  public static final int MAX_PASSWORD_BYTES = 72;
  public static final int MIN_PASSWORD_LENGTH = 8;

  private final BoundedWorker worker;
  private final int cost;
  /** Checked when the email is unknown, so both answers take the same time. */
  private final String decoy;

  public PasswordHasher(BoundedWorker worker, int cost) {
    this.worker = worker;
    this.cost = cost;
    this.decoy = BCrypt.withDefaults().hashToString(cost, "decoy-password".toCharArray());
  }

  public Future<String> hash(String password) {
    return worker.run(() -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()));
  }

  /** Checks the password against the hash, or against a decoy when there is no hash. */
  public Future<Boolean> verify(String password, String hash) {
    String target = hash == null ? decoy : hash;
    return worker.run(() -> {
      boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
          target.getBytes(StandardCharsets.UTF_8)).verified;
      return ok && hash != null;
    });
  }

  /** Null when acceptable, otherwise what is wrong with it. */
  public static String problem(String password) {
    if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
      return "password: at least " + MIN_PASSWORD_LENGTH + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
      return "password: at most " + MAX_PASSWORD_BYTES + " bytes";
    }
    return null;
  }
}
