package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Invitation;
import io.trackflow.query.account.Member;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.auth.Secrets;
import io.trackflow.query.auth.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A site's people: members and their roles, invitations, and ownership. Every site has exactly
 * one owner: a site is created with its creator as owner, ownership only moves by transfer (the
 * previous owner stays as admin), and the owner can neither be removed nor re-roled. Owners and
 * admins invite by email with the viewer or admin role; the invitation link is shown once (only
 * its hash is stored), is valid for {@link #INVITATION_TTL} and can be revoked.
 */
public final class TeamRoutes {

  public static final Duration INVITATION_TTL = Duration.ofDays(7);
  /** Where the dashboard accepts an invitation; the token travels in the fragment, which servers never log. */
  public static final String INVITE_PATH = "/invite#";

  private final AccountStore store;
  private final AccessControl access;
  private final Clock clock;

  public TeamRoutes(AccountStore store, AccessControl access, Clock clock) {
    this.store = store;
    this.access = access;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/sites/:domain/members").handler(this::members);
    router.patch("/api/sites/:domain/members/:email").handler(this::changeRole);
    router.delete("/api/sites/:domain/members/:email").handler(this::removeMember);
    router.post("/api/sites/:domain/transfer-ownership").handler(this::transfer);
    router.get("/api/sites/:domain/invitations").handler(this::invitations);
    router.post("/api/sites/:domain/invitations").handler(this::invite);
    router.delete("/api/sites/:domain/invitations/:id").handler(this::revoke);
  }

  // ---- members

  private void members(RoutingContext ctx) {
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.members(a.domain()))
        .map(TeamRoutes::membersJson);
    ApiSupport.respond(ctx, result, 200);
  }

  private void changeRole(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("role"));
    SiteRole role = memberRole(ApiSupport.requiredString(body, "role", 16));
    String email = pathEmail(ctx);
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> member(a, email).compose(target -> {
          if (target.role() == SiteRole.OWNER) {
            return Future.failedFuture(ownerStays(a.domain()));
          }
          return store.putMember(a.domain(), target.userId(), role);
        }))
        .map(TeamRoutes::memberJson);
    ApiSupport.respond(ctx, result, 200);
  }

  private void removeMember(RoutingContext ctx) {
    String email = pathEmail(ctx);
    Future<Boolean> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> member(a, email).compose(target -> target.role() == SiteRole.OWNER
            ? Future.failedFuture(ownerStays(a.domain()))
            : store.removeMember(a.domain(), target.userId())));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  private void transfer(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("email"));
    String email = ApiSupport.requiredEmail(body, "email");
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.OWN)
        .compose(a -> member(a, email)
            .compose(target -> store.transferOwnership(a.domain(), target.userId()))
            .compose(done -> store.members(a.domain())))
        .map(TeamRoutes::membersJson);
    ApiSupport.respond(ctx, result, 200);
  }

  private Future<Member> member(SiteAccess site, String email) {
    return store.members(site.domain()).compose(members -> members.stream()
        .filter(m -> m.email().equals(email))
        .findFirst()
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new HttpFailure(404, "member_not_found",
            email + " is not a member of " + site.domain() + "; invite them first"))));
  }

  private static HttpFailure ownerStays(String domain) {
    return new HttpFailure(409, "owner_stays", "the owner of " + domain
        + " stays until ownership is transferred: POST /api/sites/" + domain + "/transfer-ownership");
  }

  private static String pathEmail(RoutingContext ctx) {
    return ctx.pathParam("email").trim().toLowerCase(Locale.ROOT);
  }

  /** Viewer or admin: ownership is never given by a role change or an invitation. */
  private static SiteRole memberRole(String value) {
    SiteRole role = SiteRole.parse(value)
        .orElseThrow(() -> ApiSupport.badRequest("role: expected viewer or admin"));
    if (role == SiteRole.OWNER) {
      throw ApiSupport.badRequest("role: expected viewer or admin; ownership moves by transfer-ownership");
    }
    return role;
  }

  // ---- invitations

  private void invitations(RoutingContext ctx) {
    long now = clock.millis();
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.invitations(a.domain()))
        .map(list -> new JsonArray(list.stream().map(i -> invitationJson(i, now)).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void invite(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("email", "role"));
    String email = ApiSupport.requiredEmail(body, "email");
    SiteRole role = memberRole(ApiSupport.requiredString(body, "role", 16));
    String token = Secrets.randomToken();
    long now = clock.millis();
    Future<JsonObject> result = access.requireUser(ctx)
        .compose(user -> access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
            .compose(a -> store.members(a.domain()).compose(members -> {
              if (members.stream().anyMatch(m -> m.email().equals(email))) {
                return Future.failedFuture(new HttpFailure(409, "already_member",
                    email + " is already a member of " + a.domain() + "; change their role instead"));
              }
              return store.createInvitation(a.domain(), email, role, Secrets.sha256(token), user.userId(),
                  now + INVITATION_TTL.toMillis());
            })))
        // The link is shown this once; only the token's hash is kept. No mail server is configured
        // in TrackFlow, so the inviter passes the link on.
        .map(invitation -> invitationJson(invitation, now)
            .put("token", token)
            .put("path", INVITE_PATH + token)
            .put("mailed", false));
    ApiSupport.respond(ctx, result, 201);
  }

  private void revoke(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Boolean> deleted = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.deleteInvitation(a.domain(), id));
    ApiSupport.respondDeleted(ctx, deleted, "invitation_not_found", "no pending invitation with id " + id);
  }

  // ---- JSON

  static JsonArray membersJson(List<Member> members) {
    return new JsonArray(members.stream().map(TeamRoutes::memberJson).toList());
  }

  static JsonObject memberJson(Member m) {
    return new JsonObject()
        .put("user_id", m.userId())
        .put("email", m.email())
        .put("role", m.role().label())
        .put("created_at", Instant.ofEpochMilli(m.createdAt()).toString());
  }

  static JsonObject invitationJson(Invitation i, long now) {
    return new JsonObject()
        .put("id", i.id())
        .put("email", i.email())
        .put("role", i.role().label())
        .put("created_at", Instant.ofEpochMilli(i.createdAt()).toString())
        .put("expires_at", Instant.ofEpochMilli(i.expiresAt()).toString())
        .put("expired", i.expiredAt(now));
  }
}
