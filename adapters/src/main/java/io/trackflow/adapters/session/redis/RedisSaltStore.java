package io.trackflow.adapters.session.redis;

import io.trackflow.core.session.SaltStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Daily salts in one Redis hash (field = ISO date, value = hex salt), shared by every collector.
 * {@code HSETNX} then {@code HGET} in one pipeline: whoever asks first for a day creates its
 * salt, everyone gets the same one.
 */
public final class RedisSaltStore implements SaltStore {

  private final Redis redis;
  private final boolean ownsClient;
  private final String key;
  private final long timeoutMillis;
  private final SecureRandom random = new SecureRandom();
  private volatile boolean healthy = true;

  /** @param prefix key prefix, e.g. {@code trackflow:}; the hash is {@code <prefix>salts} */
  public RedisSaltStore(Redis redis, boolean ownsClient, String prefix, Duration timeout) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.key = prefix + "salts";
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Future<byte[]> saltFor(LocalDate day) {
    byte[] fresh = new byte[SALT_BYTES];
    synchronized (random) {
      random.nextBytes(fresh);
    }
    String field = day.toString();
    return redis.batch(List.of(
            Request.cmd(Command.HSETNX).arg(key).arg(field).arg(HexFormat.of().formatHex(fresh)),
            Request.cmd(Command.HGET).arg(key).arg(field)))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(responses -> HexFormat.of().parseHex(responses.get(1).toString()))
        .andThen(ar -> healthy = ar.succeeded());
  }

  @Override
  public Future<Void> deleteBefore(LocalDate day) {
    String cutoff = day.toString(); // ISO dates sort as strings
    return redis.send(Request.cmd(Command.HKEYS).arg(key))
        .compose(fields -> {
          Request del = Request.cmd(Command.HDEL).arg(key);
          int n = 0;
          for (Response f : fields) {
            if (f.toString().compareTo(cutoff) < 0) {
              del.arg(f.toString());
              n++;
            }
          }
          return n == 0 ? Future.succeededFuture() : redis.send(del);
        })
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .andThen(ar -> healthy = ar.succeeded())
        .mapEmpty();
  }

  @Override
  public boolean healthy() {
    return healthy;
  }

  @Override
  public Future<Void> close() {
    return ownsClient ? redis.close() : Future.succeededFuture();
  }
}
