package io.trackflow.query.account;

/**
 * A change to a site's settings; a null field stays as it is.
 *
 * @param retention the new retention period, or null to leave it
 */
public record SiteUpdate(String name, String timezone, Retention retention, Boolean privacySignals) {

  /** A retention period: days kept, or null for forever. */
  public record Retention(Integer days) {}

  /** True when the change concerns what collectors act on (time zone, privacy signals). */
  public boolean changesCollection() {
    return timezone != null || privacySignals != null;
  }
}
