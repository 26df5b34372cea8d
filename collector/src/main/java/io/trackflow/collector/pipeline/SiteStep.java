package io.trackflow.collector.pipeline;

import io.trackflow.collector.site.SiteSnapshot;

/**
 * Accepts only hits for registered sites, from an in-memory snapshot (no store round trip), and
 * drops those whose browser asked not to be tracked where the site honours that.
 */
public final class SiteStep implements Step {

  private final SiteSnapshot sites;

  public SiteStep(SiteSnapshot sites) {
    this.sites = sites;
  }

  @Override
  public String name() {
    return "site";
  }

  @Override
  public DropReason apply(Hit hit) {
    String site = sites.resolve(hit.domain);
    if (site == null) {
      return DropReason.UNKNOWN_SITE;
    }
    hit.event.site(site);
    if (hit.privacySignal && sites.honoursPrivacySignals(site)) {
      return DropReason.PRIVACY_SIGNAL;
    }
    return null;
  }
}
