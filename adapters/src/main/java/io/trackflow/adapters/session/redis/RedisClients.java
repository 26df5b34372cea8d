package io.trackflow.adapters.session.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Builds the pooled Redis clients the collector's adapters use, failing fast when Redis is down. */
public final class RedisClients {

  private RedisClients() {}

  /** A pooled client for {@code url} (redis://host:port) with short connect timeouts. */
  public static Redis create(Vertx vertx, String url) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(url)
        .setMaxPoolSize(8)
        .setMaxPoolWaiting(1024)
        .setMaxWaitingHandlers(4096)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
    return Redis.createClient(vertx, options);
  }
}
