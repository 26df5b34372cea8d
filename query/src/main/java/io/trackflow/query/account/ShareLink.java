package io.trackflow.query.account;

/**
 * A revocable read-only link to one site's stats; only the token's SHA-256 is stored. It may be
 * guarded by a password (its bcrypt hash, null when open) and may expire ({@code expiresAt} null:
 * never).
 */
public record ShareLink(long id, String domain, String label, long createdBy, long createdAt,
    String passwordHash, Long expiresAt) {

  public boolean passwordProtected() {
    return passwordHash != null;
  }

  public boolean expiredAt(long now) {
    return expiresAt != null && expiresAt <= now;
  }
}
