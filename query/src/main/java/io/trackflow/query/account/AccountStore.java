package io.trackflow.query.account;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Account store port: users, sites, memberships, share links, API keys and the token state of
 * sign-ins. PostgreSQL in cluster, embedded DuckDB standalone; one contract test suite runs
 * against both. Emails and domains are matched lower-cased. Unique violations fail with
 * {@link AccountConflictException}. Times are epoch milliseconds.
 */
public interface AccountStore {

  /** Creates or upgrades the schema (versioned, recorded in {@code schema_migrations}). */
  Future<Void> migrate();

  /** Schema versions applied so far, oldest first. */
  Future<List<Integer>> appliedMigrations();

  // ---- users

  Future<User> createUser(String email, String passwordHash, boolean instanceAdmin);

  Future<Optional<User>> findUserByEmail(String email);

  Future<Optional<User>> findUser(long id);

  Future<Long> countUsers();

  // ---- sites and memberships

  /** Creates the site and makes the user its owner, in one transaction. */
  Future<Site> createSite(Site site, long ownerId);

  Future<Optional<Site>> findSite(String domain);

  /** Every site (the collector's list). */
  Future<List<Site>> listSites();

  /** Changes the given settings (null fields stay as they are); empty when no such site. */
  Future<Optional<Site>> updateSite(String domain, SiteUpdate update);

  /** Changes the name and/or time zone (a null leaves it as it is); empty when no such site. */
  default Future<Optional<Site>> updateSite(String domain, String name, String timezone) {
    return updateSite(domain, new SiteUpdate(name, timezone, null, null));
  }

  /** Deletes the site with its memberships, share links, API key scopes, goals, funnels and import records. */
  Future<Boolean> deleteSite(String domain);

  /** The sites a user belongs to, with the user's role, ordered by domain. */
  Future<List<SiteMembership>> sitesOf(long userId);

  /** One site as a user sees it; empty when the site does not exist or the user is no member. */
  Future<Optional<SiteMembership>> membership(long userId, String domain);

  Future<List<Member>> members(String domain);

  /** Adds the user to the site or changes their role. */
  Future<Member> putMember(String domain, long userId, SiteRole role);

  Future<Boolean> removeMember(String domain, long userId);

  // ---- share links

  /** An open share link that never expires. */
  default Future<ShareLink> createShareLink(String domain, String tokenHash, String label, long createdBy) {
    return createShareLink(domain, tokenHash, label, createdBy, null, null);
  }

  /** A share link, guarded by a password when {@code passwordHash} is set, expiring when {@code expiresAt} is. */
  Future<ShareLink> createShareLink(String domain, String tokenHash, String label, long createdBy,
      String passwordHash, Long expiresAt);

  Future<List<ShareLink>> shareLinks(String domain);

  Future<Optional<ShareLink>> findShareLink(String tokenHash);

  Future<Boolean> deleteShareLink(String domain, long id);

  // ---- API keys

  Future<ApiKey> createApiKey(long userId, String name, String prefix, String keyHash, List<String> sites);

  Future<List<ApiKey>> apiKeys(long userId);

  Future<Optional<ApiKey>> findApiKey(String keyHash);

  Future<Boolean> deleteApiKey(long userId, long id);

  /**
   * Records that the key was used at {@code now}; a use within a minute of the recorded one is not
   * written again, so a busy key costs no write per request.
   */
  Future<Void> touchApiKey(long id, long now);

  // ---- goals and funnels

  /** A site's goals, oldest first. */
  Future<List<Goal>> goals(String domain);

  /**
   * Stores a goal (its id and creation time are assigned). A goal with the same display name, or
   * the same event name or page path, on the site conflicts.
   */
  Future<Goal> createGoal(Goal goal);

  /** Deletes a goal; fails with {@link GoalInUseException} while funnels use it. */
  Future<Boolean> deleteGoal(String domain, long id);

  /** A site's funnels with their steps, oldest first. */
  Future<List<Funnel>> funnels(String domain);

  /** Stores a funnel of the site's goals, in order; a funnel of that name on the site conflicts. */
  Future<Funnel> createFunnel(String domain, String name, List<Long> goalIds);

  Future<Boolean> deleteFunnel(String domain, long id);

  // ---- sign-in state

  Future<Void> storeRefreshToken(RefreshToken token);

  /**
   * Consumes a refresh token and stores its successor in the same family, atomically. Empty when
   * the token is unknown or expired; when it was already consumed, the whole family is revoked.
   */
  Future<Optional<RefreshToken>> rotateRefreshToken(String tokenHash, String newTokenHash, long newExpiresAt, long now);

  /** Revokes the family the token belongs to (sign-out). */
  Future<Void> revokeRefreshToken(String tokenHash);

  /** Deny-lists an access token id until it would have expired anyway. */
  Future<Void> revokeAccessToken(String jti, long expiresAt);

  Future<Boolean> isAccessTokenRevoked(String jti);

  /** Drops expired refresh tokens and deny-list entries. */
  Future<Void> purgeExpired(long now);

  // ---- team: first run, invitations, ownership, account and instance administration

  /**
   * Creates the first user as instance administrator, only while no user exists at all; empty
   * when one does (also when another request created one at the same moment).
   */
  Future<Optional<User>> createFirstUser(String email, String passwordHash);

  /** Every user, ordered by email. */
  Future<List<User>> listUsers();

  /**
   * Deletes the user with their memberships, API keys and sign-ins. Sites they own would be left
   * without an owner: with {@code newOwner} empty the deletion is refused (naming those sites);
   * otherwise that user becomes their owner, in the same transaction.
   */
  Future<UserRemoval> deleteUser(long userId, Optional<Long> newOwner);

  /** Replaces the password hash; false when no such user. */
  Future<Boolean> updatePassword(long userId, String passwordHash);

  /**
   * Ends every sign-in of the user: deletes all their refresh tokens and refuses access tokens
   * issued before {@code cutoff} (see {@link #isSessionRevoked}).
   */
  Future<Void> revokeSessions(long userId, long cutoff);

  /**
   * Whether an access token may no longer be used: its id was deny-listed, its user no longer
   * exists, or it was issued (epoch ms) before the user's sessions were revoked.
   */
  Future<Boolean> isSessionRevoked(long userId, String jti, long issuedAt);

  /**
   * Makes {@code newOwnerId} (who must already be a member) the site's only owner; the previous
   * owner stays as admin. False when the site does not exist or the user is no member.
   */
  Future<Boolean> transferOwnership(String domain, long newOwnerId);

  /**
   * Stores an invitation; a pending (not accepted) invitation of the same email to the same site
   * is replaced, so inviting again re-sends.
   */
  Future<Invitation> createInvitation(String domain, String email, SiteRole role, String tokenHash, long invitedBy,
      long expiresAt);

  /** The site's invitations not yet accepted (pending or expired), oldest first. */
  Future<List<Invitation>> invitations(String domain);

  Future<Optional<Invitation>> findInvitation(String tokenHash);

  /** Revokes an invitation; false when the site has no such invitation. */
  Future<Boolean> deleteInvitation(String domain, long id);

  /**
   * Accepts an invitation for an existing user, at most once: in one transaction the invitation
   * is marked accepted and the user becomes a member with its role (a member with a stronger role
   * keeps it). Empty when the token is unknown, revoked, already accepted or expired at {@code now}.
   */
  Future<Optional<Member>> acceptInvitation(String tokenHash, long userId, long now);

  /**
   * Like {@link #acceptInvitation}, for a person without an account: creates the user (the
   * invitation's email, this password hash) in the same transaction. Fails with
   * {@link AccountConflictException} when the email has an account by then.
   */
  Future<Optional<Member>> acceptInvitationAsNewUser(String tokenHash, String passwordHash, long now);

  // ---- imports

  /** Records a new, running import of the site by the user, at {@code now}. */
  Future<SiteImport> createImport(String domain, long createdBy, long now);

  /** Stores an import's new state (status, rows, errors, dates, times); false when it is gone. */
  Future<Boolean> updateImport(SiteImport state);

  /** One import of the site; empty when the site has no such import. */
  Future<Optional<SiteImport>> findImport(String domain, long id);

  /** The site's imports, newest first. */
  Future<List<SiteImport>> imports(String domain);

  /** Forgets an import; false when the site has no such import. */
  Future<Boolean> deleteImport(String domain, long id);

  // ---- change notification

  /**
   * Registers a callback run after sites change (created, deleted, time zone or privacy signals
   * changed) — by this
   * process or, for a shared store, by any process — with the site and what happened, at least
   * once per change. It may also hear {@link SiteChange#UNKNOWN}. Runs on the context that
   * registered it.
   */
  void onSitesChanged(Consumer<SiteChange> listener);

  Future<Void> close();
}
