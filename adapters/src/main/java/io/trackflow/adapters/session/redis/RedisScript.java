package io.trackflow.adapters.session.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A Lua script called by its SHA in pipelines: loaded on first use, and loaded again once when
 * Redis answers NOSCRIPT (it restarted and lost its script cache).
 */
final class RedisScript {

  private final Redis redis;
  private final String source;
  private final long timeoutMillis;
  private volatile String sha;

  RedisScript(Redis redis, String source, Duration timeout) {
    this.redis = redis;
    this.source = source;
    this.timeoutMillis = timeout.toMillis();
  }

  /** Sends the requests built for the script's SHA as one pipeline and answers their replies. */
  Future<List<Response>> run(Function<String, List<Request>> requests) {
    return sha().compose(s -> send(requests.apply(s))).recover(e -> {
      if (String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
        sha = null;
        return sha().compose(s -> send(requests.apply(s)));
      }
      return Future.failedFuture(e);
    });
  }

  private Future<List<Response>> send(List<Request> requests) {
    return redis.batch(requests).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private Future<String> sha() {
    String known = sha;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(r -> {
          sha = r.toString();
          return sha;
        });
  }
}
