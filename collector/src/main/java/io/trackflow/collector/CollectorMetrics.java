package io.trackflow.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trackflow.collector.pipeline.DropReason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The collector's meters. Every hit is counted once as received and once by its fate, per site
 * (the registered domain; {@code ""} for hits that never got as far as a known site), so that
 * for each site {@code received = accepted + duplicate + bot + privacy + rejected + lost + spooled}, where
 * spooled is what the spool holds now and replaying it counts as accepted (docs/reliability.md).
 * Site labels are bounded by the registered sites: an unknown domain is never a label.
 * Meters are created once per site, so the hot path only looks them up and increments.
 */
public final class CollectorMetrics {

  /** The site label of hits rejected before their site was known. */
  public static final String NO_SITE = "";

  private final MeterRegistry registry;
  private final Map<String, SiteMeters> sites = new ConcurrentHashMap<>();
  private final Counter queueErrors;
  private final Timer publishLatency;

  private final class SiteMeters {
    final String site;
    final Counter pixel;
    final Counter beacon;
    final Counter accepted;
    final Counter duplicate;
    final Counter bot;
    final Counter privacy;
    final Counter lost;
    // By DropReason ordinal, created on first use: most sites never see most reasons.
    final AtomicReferenceArray<Counter> rejected = new AtomicReferenceArray<>(DropReason.values().length);

    SiteMeters(String site) {
      this.site = site;
      pixel = received(site, "pixel");
      beacon = received(site, "beacon");
      accepted = Counter.builder("trackflow.collector.hits.accepted").tag("site", site)
          .description("Hits the queue took, directly or replayed from the spool").register(registry);
      duplicate = Counter.builder("trackflow.collector.hits.duplicate").tag("site", site)
          .description("Hits dropped as repeats of an event already accepted").register(registry);
      bot = Counter.builder("trackflow.collector.hits.bot").tag("site", site)
          .description("Hits dropped because the user agent is a bot or crawler").register(registry);
      privacy = Counter.builder("trackflow.collector.hits.privacy").tag("site", site)
          .description("Hits dropped because the browser sent DNT: 1 or Sec-GPC: 1 to a site that honours them")
          .register(registry);
      lost = Counter.builder("trackflow.collector.hits.lost").tag("site", site)
          .description("Pixel hits answered with the GIF that neither the queue nor the spool could take")
          .register(registry);
    }

    Counter rejected(DropReason reason) {
      Counter c = rejected.get(reason.ordinal());
      if (c == null) {
        // Registering twice returns the same counter, so a race between event loops is harmless.
        c = Counter.builder("trackflow.collector.hits.rejected").tag("reason", reason.code()).tag("site", site)
            .description("Hits rejected, by reason (queue_unavailable: beacons answered 503)").register(registry);
        rejected.set(reason.ordinal(), c);
      }
      return c;
    }

    private Counter received(String site, String endpoint) {
      return Counter.builder("trackflow.collector.hits.received").tag("endpoint", endpoint).tag("site", site)
          .description("Hits received, valid or not").register(registry);
    }
  }

  public CollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    queueErrors = Counter.builder("trackflow.collector.queue.errors")
        .description("Publishes the queue refused or failed, and submissions refused at once").register(registry);
    publishLatency = Timer.builder("trackflow.collector.publish.latency")
        .description("Time from a batch's publish call until the queue holds it")
        .publishPercentiles(0.5, 0.99)
        .register(registry);
    // Every name exists from the start (at zero), as dashboards and alerts expect.
    SiteMeters none = site(NO_SITE);
    for (DropReason reason : DropReason.values()) {
      if (reason != DropReason.BOT && reason != DropReason.PRIVACY_SIGNAL) {
        none.rejected(reason);
      }
    }
  }

  private SiteMeters site(String site) {
    return sites.computeIfAbsent(site == null ? NO_SITE : site, SiteMeters::new);
  }

  /** One hit received for {@code site}. */
  public void received(boolean pixel, String site) {
    SiteMeters m = site(site);
    (pixel ? m.pixel : m.beacon).increment();
  }

  /** A request refused as a whole, before any of its hits had a site: one hit, received and rejected. */
  public void rejectedRequest(boolean pixel, DropReason reason) {
    received(pixel, NO_SITE);
    dropped(reason, NO_SITE);
  }

  public void dropped(DropReason reason, String site) {
    SiteMeters m = site(site);
    if (reason == DropReason.BOT) {
      m.bot.increment();
    } else if (reason == DropReason.PRIVACY_SIGNAL) {
      m.privacy.increment();
    } else {
      m.rejected(reason).increment();
    }
  }

  public void accepted(String site) {
    site(site).accepted.increment();
  }

  public void duplicate(String site) {
    site(site).duplicate.increment();
  }

  public void lost(String site) {
    site(site).lost.increment();
  }

  public void queueError() {
    queueErrors.increment();
  }

  public Timer publishLatency() {
    return publishLatency;
  }
}
