package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, RealServices.class})
class RedisServiceIT {

  @Test
  @DisplayName("A value written with SET through vertx-redis-client to the real Redis is read back by GET")
  void setThenGet(RedisService redis, Vertx vertx, VertxTestContext context) {
    Redis client = Redis.createClient(vertx, redis.uri());
    RedisAPI api = RedisAPI.api(client);
    String key = redis.newKeyPrefix() + "salt";

    api.set(List.of(key, "s3cr3t", "EX", "60"))
        .compose(ok -> api.get(key))
        .onComplete(context.succeeding(value -> context.verify(() -> {
          assertThat(value).isNotNull();
          assertThat(value.toString()).isEqualTo("s3cr3t");
          client.close();
          context.completeNow();
        })));
  }
}
