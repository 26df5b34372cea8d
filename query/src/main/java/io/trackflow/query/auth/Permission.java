package io.trackflow.query.auth;

import io.trackflow.query.account.SiteRole;

/** What a request wants to do with a site; each needs at least one member role. */
public enum Permission {
  /** Read stats and the site's settings: viewers, share links (their site), API keys (scoped). */
  READ(SiteRole.VIEWER),
  /** Change the site, its members, share links: admins and owners. */
  MANAGE(SiteRole.ADMIN),
  /** Delete the site or hand out ownership: owners only. */
  OWN(SiteRole.OWNER);

  private final SiteRole minimum;

  Permission(SiteRole minimum) {
    this.minimum = minimum;
  }

  public boolean grantedTo(SiteRole role) {
    return role.atLeast(minimum);
  }
}
