package io.trackflow.collector.pipeline;

import io.trackflow.core.event.Event;
import java.util.List;

/**
 * One hit travelling through the pipeline: the raw input, what the request tells about the
 * client, the checked fields and the event being built. Mutable and confined to one event loop.
 */
public final class Hit {

  /** Position in the request's array (0 for a single event or a pixel). */
  public final int index;
  public final RawHit raw;
  /** Client IP (4 or 16 bytes), never logged or stored; null when unknown. */
  public final byte[] clientIp;
  public final String userAgent;
  /** Server time when the request arrived. */
  public final long receivedAt;
  /** The request carried {@code DNT: 1} or {@code Sec-GPC: 1}. */
  public boolean privacySignal;

  // Checked fields (ParseStep / LimitsStep).
  public String name;
  public String url;
  public String domain;
  public String referrer;
  public List<String> propKeys = List.of();
  public List<String> propValues = List.of();
  public int screenWidth = -1;
  public String clientId;
  public boolean hashRouting;
  public boolean interactive = true;
  public int scrollDepth;
  public long engagedMillis;
  public Long clientTimestamp;
  /** Revenue in millionths of the currency's unit, and its ISO 4217 code ("" for none). */
  public long revenueMicros;
  public String revenueCurrency = "";

  // Enrichment.
  public io.trackflow.collector.enrich.PageUrl page;
  public long visitorId;
  public final Event.Builder event = Event.builder();
  public String dedupKey;
  public boolean duplicate;
  public DropReason drop;

  public Hit(int index, RawHit raw, byte[] clientIp, String userAgent, long receivedAt) {
    this.index = index;
    this.raw = raw;
    this.clientIp = clientIp;
    this.userAgent = userAgent == null ? "" : userAgent;
    this.receivedAt = receivedAt;
  }

  public boolean isEngagement() {
    return Event.ENGAGEMENT.equals(name);
  }
}
