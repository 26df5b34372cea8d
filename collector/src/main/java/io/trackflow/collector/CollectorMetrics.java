package io.trackflow.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trackflow.collector.pipeline.DropReason;
import java.util.EnumMap;
import java.util.Map;

/** The collector's meters, created once so the hot path only increments. */
public final class CollectorMetrics {

  private final Counter receivedPixel;
  private final Counter receivedBeacon;
  private final Counter accepted;
  private final Counter duplicate;
  private final Counter bot;
  private final Counter privacy;
  private final Counter lost;
  private final Counter queueErrors;
  private final Timer publishLatency;
  private final Map<DropReason, Counter> rejected = new EnumMap<>(DropReason.class);

  public CollectorMetrics(MeterRegistry registry) {
    receivedPixel = received(registry, "pixel");
    receivedBeacon = received(registry, "beacon");
    accepted = Counter.builder("trackflow.collector.hits.accepted")
        .description("Hits published to the queue").register(registry);
    duplicate = Counter.builder("trackflow.collector.hits.duplicate")
        .description("Hits dropped as repeats of an event already accepted").register(registry);
    bot = Counter.builder("trackflow.collector.hits.bot")
        .description("Hits dropped because the user agent is a bot or crawler").register(registry);
    privacy = Counter.builder("trackflow.collector.hits.privacy")
        .description("Hits dropped because the browser sent DNT: 1 or Sec-GPC: 1 to a site that honours them")
        .register(registry);
    lost = Counter.builder("trackflow.collector.hits.lost")
        .description("Pixel hits answered with the GIF whose publish failed afterwards").register(registry);
    queueErrors = Counter.builder("trackflow.collector.queue.errors")
        .description("Publishes the queue refused or failed (beacons got 503)").register(registry);
    publishLatency = Timer.builder("trackflow.collector.publish.latency")
        .description("Time from a batch's publish call until the queue holds it")
        .publishPercentiles(0.5, 0.99)
        .register(registry);
    for (DropReason reason : DropReason.values()) {
      if (reason != DropReason.BOT && reason != DropReason.PRIVACY_SIGNAL) {
        rejected.put(reason, Counter.builder("trackflow.collector.hits.rejected")
            .tag("reason", reason.code())
            .description("Hits rejected by validation, by reason").register(registry));
      }
    }
  }

  private static Counter received(MeterRegistry registry, String endpoint) {
    return Counter.builder("trackflow.collector.hits.received").tag("endpoint", endpoint)
        .description("Hits received, valid or not").register(registry);
  }

  public void received(boolean pixel, int count) {
    (pixel ? receivedPixel : receivedBeacon).increment(count);
  }

  public void dropped(DropReason reason) {
    if (reason == DropReason.BOT) {
      bot.increment();
    } else if (reason == DropReason.PRIVACY_SIGNAL) {
      privacy.increment();
    } else {
      rejected.get(reason).increment();
    }
  }

  public void accepted(int count) {
    accepted.increment(count);
  }

  public void duplicates(int count) {
    duplicate.increment(count);
  }

  public void lost(int count) {
    lost.increment(count);
  }

  public void queueError() {
    queueErrors.increment();
  }

  public Timer publishLatency() {
    return publishLatency;
  }
}
