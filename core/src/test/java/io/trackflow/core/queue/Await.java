package io.trackflow.core.queue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that an external system reaches eventually (rows in a store, a consumer
 * group rebalanced). The limit is a safety net against a hung test, never a speed assertion: it
 * is generous, and running into it fails with what was being waited for and the last observation.
 */
public final class Await {

  /** Long enough for a loaded CI machine; reaching it means "never", not "slow". */
  public static final Duration SAFETY_NET = Duration.ofSeconds(120);

  private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  // Conditions are often queries against a real store: polling them in a tight loop would take
  // CPU from the system under test on a two-core machine.
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private Await() {}

  /** Polls {@code condition} until it holds. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, condition, () -> "");
  }

  /** Polls {@code condition} until it holds; {@code observed} describes the state on failure. */
  public static void until(String what, BooleanSupplier condition, Supplier<?> observed) {
    long deadline = System.nanoTime() + SAFETY_NET.toNanos();
    RuntimeException last = null;
    long pause = FIRST_POLL_NANOS;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
        last = null;
      } catch (RuntimeException e) {
        // The system under observation may be briefly unreachable (a restarting server).
        last = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError failure = new AssertionError("never happened within " + SAFETY_NET.toSeconds()
            + " s: " + what + describe(observed));
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(MAX_POLL_NANOS, pause * 3 / 2);
    }
  }

  private static String describe(Supplier<?> observed) {
    try {
      String text = String.valueOf(observed.get());
      return text.isEmpty() ? "" : " (last observed: " + text + ")";
    } catch (RuntimeException e) {
      return " (observation failed: " + e + ")";
    }
  }
}
