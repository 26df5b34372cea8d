package io.trackflow.core.site;

/**
 * What the collector knows of a site: its domain (the tracker's public key), time zone, and
 * whether it honours the browser's privacy signals (Do-Not-Track, Global Privacy Control).
 */
public record SiteInfo(String domain, String timezone, boolean privacySignals) {

  /** A site that does not honour privacy signals (the default). */
  public SiteInfo(String domain, String timezone) {
    this(domain, timezone, false);
  }
}
