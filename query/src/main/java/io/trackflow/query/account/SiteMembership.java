package io.trackflow.query.account;

/** A site as one user sees it: the site and that user's role on it. */
public record SiteMembership(Site site, SiteRole role) {}
