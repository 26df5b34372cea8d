package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InFlightTest {

  @Test
  @DisplayName("Draining waits for every batch still under way, failed ones included, and finished ones are not kept")
  void drainWaitsForRunningBatches() {
    InFlight inFlight = new InFlight();
    Promise<Void> first = Promise.promise();
    Promise<Void> second = Promise.promise();
    inFlight.track(first.future());
    inFlight.track(second.future());
    inFlight.track(Future.succeededFuture());
    assertThat(inFlight.size()).isEqualTo(2);
    Future<Void> drained = inFlight.drained();
    first.complete();
    assertThat(drained.isComplete()).isFalse();
    second.fail("broker unavailable");
    assertThat(drained.succeeded()).isTrue();
    assertThat(inFlight.size()).isZero();
  }
}
