package io.trackflow.server;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls until a condition holds. End-to-end results arrive asynchronously (queue, writer batch,
 * store), so tests wait for the state they expect with a generous deadline instead of sleeping a
 * guessed time; the deadline only bounds a broken run, it is not a speed assertion.
 */
final class Await {

  static final Duration DEFAULT = Duration.ofSeconds(90);

  private Await() {}

  /** Returns the first value of {@code probe} that satisfies {@code done}. */
  static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
    return until(what, DEFAULT, probe, done);
  }

  static <T> T until(String what, Duration deadline, Supplier<T> probe, Predicate<T> done) {
    long end = System.nanoTime() + deadline.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (true) {
      try {
        last = probe.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() > end) {
        AssertionError failure = new AssertionError(
            "gave up waiting for " + what + " after " + deadline.toSeconds() + " s; last seen: "
                + (lastError != null ? lastError : last));
        if (lastError != null) {
          failure.initCause(lastError);
        }
        throw failure;
      }
      try {
        Thread.sleep(100); // polling interval, not a wait for a guessed duration
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
