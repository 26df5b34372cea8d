package io.trackflow.adapters.cache.redis;

import io.trackflow.core.cache.QueryCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Query cache in Redis, shared by every query replica: one string per answer with a
 * millisecond expiry ({@code SET … PX}); invalidation scans for the prefix and unlinks in batches.
 */
public final class RedisQueryCache implements QueryCache {

  private static final int SCAN_COUNT = 1000;

  private final Redis redis;
  private final String namespace;
  private final boolean ownsClient;

  /**
   * @param namespace prepended to every key (e.g. {@code trackflow:cache:}) so the cache can share
   *     a Redis with other data
   * @param ownsClient close the client on {@link #close()}
   */
  public RedisQueryCache(Redis redis, String namespace, boolean ownsClient) {
    this.redis = redis;
    this.namespace = namespace;
    this.ownsClient = ownsClient;
  }

  /** A cache with its own pooled client for the URL (redis://host:port). */
  public static RedisQueryCache create(Vertx vertx, String url, String namespace) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(url)
        .setMaxPoolSize(8)
        .setMaxPoolWaiting(1024)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
    return new RedisQueryCache(Redis.createClient(vertx, options), namespace, true);
  }

  @Override
  public Future<Buffer> get(String key) {
    return redis.send(Request.cmd(Command.GET).arg(namespace + key))
        .map(r -> r == null ? null : r.toBuffer());
  }

  @Override
  public Future<Void> put(String key, Buffer value, Duration ttl) {
    long millis = Math.max(1, ttl.toMillis());
    return redis.send(Request.cmd(Command.SET).arg(namespace + key).arg(value).arg("PX").arg(millis))
        .mapEmpty();
  }

  @Override
  public Future<Void> invalidatePrefix(String prefix) {
    return scan("0", glob(namespace + prefix));
  }

  /** One SCAN round, the unlink of what it found, then the next round until the cursor is 0. */
  private Future<Void> scan(String cursor, String pattern) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern)
            .arg("COUNT").arg(SCAN_COUNT))
        .compose(reply -> {
          String next = reply.get(0).toString();
          Response keys = reply.get(1);
          List<String> found = new ArrayList<>(keys.size());
          keys.forEach(k -> found.add(k.toString()));
          Future<Void> unlinked = found.isEmpty() ? Future.succeededFuture() : unlink(found);
          return unlinked.compose(v -> "0".equals(next) ? Future.succeededFuture() : scan(next, pattern));
        });
  }

  private Future<Void> unlink(List<String> keys) {
    Request unlink = Request.cmd(Command.UNLINK);
    keys.forEach(unlink::arg);
    return redis.send(unlink).mapEmpty();
  }

  /** The prefix as a SCAN pattern matching it literally, followed by anything. */
  static String glob(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() + 8);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('*').toString();
  }

  @Override
  public Future<Void> close() {
    if (ownsClient) {
      redis.close();
    }
    return Future.succeededFuture();
  }
}
