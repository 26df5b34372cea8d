package io.trackflow.core.health;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** One adapter's readiness: ready only when it is connected. */
public record ReadinessCheck(String name, Supplier<Future<Boolean>> probe) {

  public static ReadinessCheck of(String name, Supplier<Future<Boolean>> probe) {
    return new ReadinessCheck(name, probe);
  }
}
