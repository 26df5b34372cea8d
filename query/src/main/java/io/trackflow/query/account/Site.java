package io.trackflow.query.account;

/** A tracked site: its domain is the public key the tracker sends, its time zone an IANA id. */
public record Site(String domain, String name, String timezone, long createdAt) {}
