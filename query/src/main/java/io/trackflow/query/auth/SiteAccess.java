package io.trackflow.query.auth;

import io.trackflow.query.account.SiteRole;

/** An authorized request's view of a site: its domain, time zone and the caller's role. */
public record SiteAccess(String domain, String timezone, SiteRole role) {}
