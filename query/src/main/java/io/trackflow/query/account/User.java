package io.trackflow.query.account;

/** A person who signs in. Emails are stored lower-cased, so they are unique case-insensitively. */
public record User(long id, String email, String passwordHash, boolean instanceAdmin, long createdAt) {}
