package io.trackflow.query.account;

/** One member of a site. */
public record Member(String domain, long userId, String email, SiteRole role, long createdAt) {}
