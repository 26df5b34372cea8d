package io.trackflow.adapters.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.session.SaltStore;
import io.trackflow.core.session.SaltStoreContract;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
@DisplayName("The Redis salt store fulfils the salt store contract against a real Redis")
class RedisSaltStoreIT extends SaltStoreContract {

  private final RedisService redis;
  private String prefix;

  RedisSaltStoreIT(RedisService redis) {
    this.redis = redis;
  }

  @Override
  protected SaltStore create(Vertx vertx) {
    if (prefix == null) {
      prefix = redis.newKeyPrefix();
    }
    return new RedisSaltStore(RedisClients.create(vertx, redis.uri()), true, prefix, Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("Two collectors sharing one Redis get the same salt for a day, whichever asks first")
  void sharedAcrossInstances() throws Exception {
    LocalDate day = LocalDate.of(2031, 5, 17);
    byte[] one = await(store().saltFor(day));
    assertThat(await(store().saltFor(day))).isEqualTo(one);
  }
}
