package io.trackflow.query.account;

import java.util.Optional;

/**
 * A conversion a site counts: a custom event by name, or pageviews of paths matching a pattern
 * ({@code *} is any run of characters). Exactly one of {@code eventName} and {@code pagePath} is
 * set; a currency (ISO 4217) makes an event goal a revenue goal. Answers name goals by their
 * display name, unique per site.
 */
public record Goal(long id, String domain, String displayName, String eventName, String pagePath,
    String currency, long createdAt) {

  public Goal {
    if ((eventName == null) == (pagePath == null)) {
      throw new IllegalArgumentException("a goal is either an event goal or a page goal");
    }
  }

  public boolean isEvent() {
    return eventName != null;
  }

  /** The currency of a revenue goal. */
  public Optional<String> revenueCurrency() {
    return Optional.ofNullable(currency);
  }
}
