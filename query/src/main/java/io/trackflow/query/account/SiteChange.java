package io.trackflow.query.account;

/**
 * One site change notification: which site was created, re-zoned or deleted, or {@link #UNKNOWN}
 * when a listener must assume anything may have changed (listening just (re)started, so changes
 * in between may have been missed).
 */
public record SiteChange(Kind kind, String domain) {

  /** What happened to the site. */
  public enum Kind { CREATED, UPDATED, DELETED, UNKNOWN }

  /** Anything may have changed: reload everything. */
  public static final SiteChange UNKNOWN = new SiteChange(Kind.UNKNOWN, null);

  public static SiteChange created(String domain) {
    return new SiteChange(Kind.CREATED, domain);
  }

  public static SiteChange updated(String domain) {
    return new SiteChange(Kind.UPDATED, domain);
  }

  public static SiteChange deleted(String domain) {
    return new SiteChange(Kind.DELETED, domain);
  }
}
