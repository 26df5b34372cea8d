package io.trackflow.query.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.QueryStack;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bounded worker pool")
class BoundedWorkerTest {

  @Test
  @DisplayName("With its backlog full, new work is refused at once with a 503 and counted, and accepted again once it drains")
  void refusesWhenFull() throws Exception {
    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BoundedWorker worker = new BoundedWorker(vertx, "test", 1, 2, registry);
    CountDownLatch release = new CountDownLatch(1);
    try {
      Future<Boolean> first = worker.run(() -> release.await(30, TimeUnit.SECONDS));
      Future<Boolean> second = worker.run(() -> true);
      Future<Boolean> third = worker.run(() -> true);
      assertThat(third.failed()).isTrue();
      assertThat(third.cause()).isInstanceOf(HttpFailure.class);
      assertThat(((HttpFailure) third.cause()).status()).isEqualTo(503);
      assertThat(registry.find("trackflow.worker.rejected").tag("pool", "test").counter().count()).isEqualTo(1);
      release.countDown();
      assertThat(QueryStack.await(first)).isTrue();
      assertThat(QueryStack.await(second)).isTrue();
      assertThat(QueryStack.await(worker.run(() -> true))).isTrue();
    } finally {
      release.countDown();
      QueryStack.await(vertx.close());
    }
  }
}
