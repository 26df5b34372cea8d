package io.trackflow.query.account;

import java.util.Locale;
import java.util.Optional;

/** A member's role on a site, weakest first: viewers read, admins manage, owners also delete. */
public enum SiteRole {
  VIEWER, ADMIN, OWNER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(SiteRole other) {
    return compareTo(other) >= 0;
  }

  public static Optional<SiteRole> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (SiteRole role : values()) {
      if (role.label().equals(value)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
