package io.trackflow.query.account;

/**
 * A tracked site: its domain is the public key the tracker sends, its time zone an IANA id.
 *
 * @param retentionDays days of events kept (the newest, today included), or null to keep all
 * @param privacySignals whether the collector drops hits that send {@code DNT: 1} or {@code Sec-GPC: 1}
 */
public record Site(String domain, String name, String timezone, long createdAt, Integer retentionDays,
    boolean privacySignals) {

  /** A site with the default settings: everything kept, privacy signals not honoured. */
  public Site(String domain, String name, String timezone, long createdAt) {
    this(domain, name, timezone, createdAt, null, false);
  }
}
