package io.trackflow.collector;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, bounded by a generous deadline; never a fixed sleep. */
public final class Await {

  private Await() {}

  public static boolean until(BooleanSupplier condition, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      LockSupport.parkNanos(2_000_000);
    }
    return true;
  }
}
