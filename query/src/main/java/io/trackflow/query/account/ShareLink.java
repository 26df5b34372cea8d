package io.trackflow.query.account;

/** A revocable read-only link to one site's stats; only the token's SHA-256 is stored. */
public record ShareLink(long id, String domain, String label, long createdBy, long createdAt) {}
