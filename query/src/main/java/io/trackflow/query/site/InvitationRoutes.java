package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Invitation;
import io.trackflow.query.account.Member;
import io.trackflow.query.account.Site;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.auth.Principal;
import io.trackflow.query.auth.Secrets;
import io.trackflow.query.auth.SessionIssuer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Opening an invitation link, which needs no credential: preview what it offers, then accept it.
 * A person without an account sets a password and is signed in; someone with an account accepts
 * while signed in as the invited email. Unknown, revoked, used and expired tokens are refused,
 * each with its own message.
 */
public final class InvitationRoutes {

  private final AccountStore store;
  private final AccessControl access;
  private final PasswordHasher hasher;
  private final SessionIssuer sessions;
  private final Clock clock;

  public InvitationRoutes(AccountStore store, AccessControl access, PasswordHasher hasher, SessionIssuer sessions,
      Clock clock) {
    this.store = store;
    this.access = access;
    this.hasher = hasher;
    this.sessions = sessions;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.post("/api/invitations/preview").handler(this::preview);
    router.post("/api/invitations/accept").handler(this::accept);
  }

  private void preview(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("token"));
    String token = ApiSupport.requiredString(body, "token", 200).trim();
    Future<JsonObject> result = usable(token).compose(invitation -> Future.all(
            store.findSite(invitation.domain()), store.findUserByEmail(invitation.email()))
        .map(found -> {
          Optional<Site> site = found.resultAt(0);
          return new JsonObject()
              .put("domain", invitation.domain())
              .put("site_name", site.map(Site::name).orElse(invitation.domain()))
              .put("email", invitation.email())
              .put("role", invitation.role().label())
              .put("expires_at", Instant.ofEpochMilli(invitation.expiresAt()).toString())
              .put("account_exists", ((Optional<?>) found.resultAt(1)).isPresent());
        }));
    ApiSupport.respond(ctx, result, 200);
  }

  private void accept(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("token", "password"));
    String token = ApiSupport.requiredString(body, "token", 200).trim();
    String password = ApiSupport.newPassword(body, "password", false);
    String hash = Secrets.sha256(token);
    long now = clock.millis();
    Future<JsonObject> result = usable(token).compose(invitation -> access.principal(ctx).compose(principal -> {
      switch (principal) {
        case Principal.UserSession user -> {
          if (!user.email().equals(invitation.email())) {
            return Future.failedFuture(new HttpFailure(403, "invitation_for_another_email",
                "this invitation is for " + invitation.email() + ", but you are signed in as " + user.email()
                    + "; sign out and open the link again"));
          }
          ctx.put("trackflow.status", 200);
          return store.acceptInvitation(hash, user.userId(), now)
              .compose(member -> joined(member).map(TeamRoutes::memberJson));
        }
        case Principal.Anonymous anonymous -> {
          return store.findUserByEmail(invitation.email()).compose(existing -> {
            if (existing.isPresent()) {
              return Future.failedFuture(signInFirst(invitation));
            }
            if (password == null) {
              return Future.failedFuture(ApiSupport.badRequest("password: required to create your account"));
            }
            ctx.put("trackflow.status", 201);
            return hasher.hash(password)
                .compose(passwordHash -> store.acceptInvitationAsNewUser(hash, passwordHash, now))
                .recover(e -> Future.failedFuture(e instanceof AccountConflictException ? signInFirst(invitation) : e))
                .compose(InvitationRoutes::joined)
                .compose(member -> sessions.start(member.userId(), member.email())
                    .map(answer -> answer.put("member", TeamRoutes.memberJson(member).put("domain", member.domain()))));
          });
        }
        default -> {
          return Future.failedFuture(new HttpFailure(403, "forbidden",
              "API keys and share links cannot accept invitations; open the link in a browser"));
        }
      }
    }));
    result.onSuccess(answer -> ApiSupport.respond(ctx, Future.succeededFuture(answer), ctx.get("trackflow.status")))
        .onFailure(ctx::fail);
  }

  /** The invitation, if it can still be accepted; otherwise a failure saying why not. */
  private Future<Invitation> usable(String token) {
    long now = clock.millis();
    return store.findInvitation(Secrets.sha256(token)).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new HttpFailure(404, "invitation_not_found",
            "this invitation link is not valid or was revoked; ask for a new one"));
      }
      Invitation invitation = found.get();
      if (invitation.accepted()) {
        return Future.failedFuture(used());
      }
      if (invitation.expiredAt(now)) {
        return Future.failedFuture(new HttpFailure(410, "invitation_expired", "this invitation expired on "
            + Instant.ofEpochMilli(invitation.expiresAt()) + "; ask for a new one"));
      }
      return Future.succeededFuture(invitation);
    });
  }

  /** Empty when another request accepted (or revoked) it between the check and the write. */
  private static Future<Member> joined(Optional<Member> member) {
    return member.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(used()));
  }

  private static HttpFailure used() {
    return new HttpFailure(410, "invitation_used", "this invitation was already accepted; sign in instead");
  }

  private static HttpFailure signInFirst(Invitation invitation) {
    return new HttpFailure(409, "sign_in_required",
        "an account for " + invitation.email() + " exists: sign in with it, then accept the invitation");
  }
}
