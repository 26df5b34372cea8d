package io.trackflow.adapters.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.cache.QueryCacheContract;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The Redis query cache fulfils the query cache contract against a real Redis")
class RedisQueryCacheIT extends QueryCacheContract {

  private final RedisService redis;
  private final String namespace;

  RedisQueryCacheIT(RedisService redis) {
    this.redis = redis;
    this.namespace = redis.newKeyPrefix();
  }

  @Override
  protected QueryCache create(Vertx vertx) {
    return RedisQueryCache.create(vertx, redis.uri(), namespace);
  }

  @Override
  protected void elapse(Duration duration) {
    // Redis expires by its own clock; the contract polls until the entry is gone.
  }

  @Test
  @DisplayName("Two query replicas share answers: what one stores the other reads")
  void sharedBetweenReplicas() throws Exception {
    QueryCache one = cache();
    QueryCache two = cache();
    await(one.put("stats:v1:shared:k", Buffer.buffer("answer"), Duration.ofMinutes(1)));
    assertThat(await(two.get("stats:v1:shared:k")).toString()).isEqualTo("answer");
  }

  @Test
  @DisplayName("Invalidation stays inside the cache's namespace: other data in the same Redis survives")
  void namespaced() throws Exception {
    QueryCache other = new RedisQueryCache(
        io.vertx.redis.client.Redis.createClient(vertx, redis.uri()), redis.newKeyPrefix(), true);
    QueryCache mine = cache();
    await(other.put("stats:v1:x:1", Buffer.buffer("theirs"), Duration.ofMinutes(1)));
    await(mine.put("stats:v1:x:1", Buffer.buffer("mine"), Duration.ofMinutes(1)));
    await(mine.invalidatePrefix("stats:v1:x:"));
    assertThat(await(mine.get("stats:v1:x:1"))).isNull();
    assertThat(await(other.get("stats:v1:x:1")).toString()).isEqualTo("theirs");
    await(other.close());
  }
}
