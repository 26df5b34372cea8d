package io.trackflow.query.account;

/**
 * An invitation to join a site with a role, sent to an email. Only the token's SHA-256 is stored;
 * it is accepted at most once ({@code acceptedAt} set) and only before {@code expiresAt}.
 */
public record Invitation(long id, String domain, String email, SiteRole role, long invitedBy, long createdAt,
    long expiresAt, Long acceptedAt) {

  public boolean accepted() {
    return acceptedAt != null;
  }

  public boolean expiredAt(long now) {
    return expiresAt <= now;
  }
}
