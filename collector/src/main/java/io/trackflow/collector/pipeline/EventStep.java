package io.trackflow.collector.pipeline;

import io.trackflow.collector.enrich.SipHash;

/**
 * Completes the event: timestamp (the client's only within a small skew of server time), name,
 * props, flags, screen size, and the dedup key with the event id derived from it. The key is the
 * client's {@code id} when given, otherwise site, visitor, name, page and second.
 */
public final class EventStep implements Step {

  // Fixed key: event ids must be the same on every collector and across restarts.
  private static final SipHash EVENT_IDS = new SipHash(0x7472_6163_6b66_6c6fL, 0x7765_7665_6e74_6964L);

  private final Limits limits;

  public EventStep(Limits limits) {
    this.limits = limits;
  }

  @Override
  public String name() {
    return "event";
  }

  @Override
  public DropReason apply(Hit hit) {
    long ts = hit.receivedAt;
    if (hit.clientTimestamp != null
        && hit.clientTimestamp >= hit.receivedAt - limits.clientTimestampPastMillis()
        && hit.clientTimestamp <= hit.receivedAt + limits.clientTimestampFutureMillis()) {
      ts = hit.clientTimestamp;
    }
    hit.event.timestampMillis(ts).name(hit.name).props(hit.propKeys, hit.propValues)
        .interactive(hit.interactive).scrollDepth(hit.scrollDepth)
        .engagementMillis(hit.engagedMillis).screenSize(screenSize(hit.screenWidth))
        .revenue(hit.revenueMicros, hit.revenueCurrency);
    String site = hit.event.site();
    long id;
    if (hit.clientId != null) {
      id = EVENT_IDS.hash("c", site, hit.clientId);
    } else if (hit.isEngagement()) {
      id = EVENT_IDS.hash("d", site, Long.toHexString(hit.visitorId), hit.name,
          hit.event.pathname(), Long.toString(ts / 1000), Integer.toString(hit.scrollDepth),
          Long.toString(hit.engagedMillis));
    } else {
      id = EVENT_IDS.hash("d", site, Long.toHexString(hit.visitorId), hit.name,
          hit.event.pathname(), Long.toString(ts / 1000));
    }
    hit.event.eventId(id);
    hit.dedupKey = Long.toHexString(id);
    return null;
  }

  /** Plausible's screen size classes, from the viewport width. */
  static String screenSize(int width) {
    if (width < 0) {
      return "";
    }
    if (width < 576) {
      return "Mobile";
    }
    if (width < 992) {
      return "Tablet";
    }
    if (width < 1440) {
      return "Laptop";
    }
    return "Desktop";
  }
}
