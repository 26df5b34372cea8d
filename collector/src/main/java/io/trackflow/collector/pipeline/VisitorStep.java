package io.trackflow.collector.pipeline;

import io.netty.util.NetUtil;
import io.trackflow.collector.enrich.SaltRotation;

/** The cookieless visitor id: today's salted hash of site, client IP and user agent. */
public final class VisitorStep implements Step {

  private final SaltRotation salts;

  public VisitorStep(SaltRotation salts) {
    this.salts = salts;
  }

  @Override
  public String name() {
    return "visitor";
  }

  @Override
  public DropReason apply(Hit hit) {
    String ip = hit.clientIp == null ? "" : NetUtil.bytesToIpAddress(hit.clientIp);
    hit.visitorId = salts.visitorId(hit.event.site(), ip, hit.userAgent);
    hit.event.visitorId(hit.visitorId);
    return null;
  }
}
