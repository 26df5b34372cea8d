package io.trackflow.query.account;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A site change listener that records what it hears, so a test can wait for one specific change
 * (kind and site) and not merely for some number of calls: stores may also announce
 * {@link SiteChange#UNKNOWN} or repeat a change.
 */
public final class HeardSiteChanges implements Consumer<SiteChange> {

  private static final long DEADLINE_SECONDS = 20;

  private final BlockingQueue<SiteChange> arriving = new LinkedBlockingQueue<>();
  private final List<SiteChange> heard = new ArrayList<>();

  @Override
  public void accept(SiteChange change) {
    arriving.add(change);
  }

  /** Waits until {@code expected} has been heard; fails with everything heard after the deadline. */
  public void await(SiteChange expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!heard.contains(expected)) {
      SiteChange next = arriving.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (next == null) {
        fail("no %s within %d s; heard only %s", expected, DEADLINE_SECONDS, heard);
      }
      heard.add(next);
    }
  }
}
