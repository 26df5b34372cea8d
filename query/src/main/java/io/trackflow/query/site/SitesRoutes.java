package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Member;
import io.trackflow.query.account.ShareLink;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteMembership;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.auth.Principal;
import io.trackflow.query.auth.Secrets;
import io.trackflow.query.auth.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The sites API: sites, their members and their share links, each behind its permission. */
public final class SitesRoutes {

  private final AccountStore store;
  private final AccessControl access;
  private final PasswordHasher hasher;
  private final SiteDeletion deletion;

  public SitesRoutes(AccountStore store, AccessControl access, PasswordHasher hasher, SiteDeletion deletion) {
    this.store = store;
    this.access = access;
    this.hasher = hasher;
    this.deletion = deletion;
  }

  public void mount(Router router) {
    router.get("/api/sites").handler(this::list);
    router.post("/api/sites").handler(this::create);
    router.get("/api/sites/:domain").handler(this::get);
    router.patch("/api/sites/:domain").handler(this::update);
    router.delete("/api/sites/:domain").handler(this::delete);
    router.get("/api/sites/:domain/members").handler(this::members);
    router.post("/api/sites/:domain/members").handler(this::addMember);
    router.delete("/api/sites/:domain/members/:email").handler(this::removeMember);
    router.get("/api/sites/:domain/shares").handler(this::shares);
    router.post("/api/sites/:domain/shares").handler(this::createShare);
    router.delete("/api/sites/:domain/shares/:id").handler(this::deleteShare);
  }

  // ---- sites

  private void list(RoutingContext ctx) {
    Future<JsonArray> result = access.principal(ctx).compose(p -> switch (p) {
      case Principal.UserSession u -> store.sitesOf(u.userId()).map(SitesRoutes::sitesJson);
      case Principal.Key k -> store.sitesOf(k.userId()).map(all -> sitesJson(all.stream()
          .filter(m -> k.sites().contains(m.site().domain()))
          .map(m -> new SiteMembership(m.site(), SiteRole.VIEWER))
          .toList()));
      case Principal.Share s -> store.findSite(s.domain()).map(site -> sitesJson(
          site.map(x -> List.of(new SiteMembership(x, SiteRole.VIEWER))).orElse(List.of())));
      case Principal.Anonymous a -> Future.failedFuture(new HttpFailure(401, "unauthorized", "sign in to continue"));
    });
    ApiSupport.respond(ctx, result, 200);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("domain", "timezone", "name"));
    String domain = SiteValidation.domain(ApiSupport.requiredString(body, "domain", 253));
    if (domain == null) {
      throw ApiSupport.badRequest("domain: expected a host name such as example.com");
    }
    String timezone = ApiSupport.requiredString(body, "timezone", 64);
    if (!SiteValidation.timezone(timezone)) {
      throw ApiSupport.badRequest("timezone: expected an IANA time zone such as Europe/Berlin");
    }
    String name = Optional.ofNullable(ApiSupport.optionalString(body, "name", 200)).map(String::trim)
        .filter(n -> !n.isEmpty()).orElse(domain);
    Future<JsonObject> result = access.requireUser(ctx)
        .compose(user -> store.createSite(new Site(domain, name, timezone, System.currentTimeMillis()), user.userId()))
        .recover(e -> Future.failedFuture(e instanceof AccountConflictException
            ? new HttpFailure(409, "site_exists", "a site with domain " + domain + " already exists")
            : e))
        .map(site -> siteJson(site, SiteRole.OWNER));
    ApiSupport.respond(ctx, result, 201);
  }

  private void get(RoutingContext ctx) {
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.READ)
        .compose(a -> store.findSite(a.domain()).compose(site -> found(site, a)));
    ApiSupport.respond(ctx, result, 200);
  }

  private void update(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("name", "timezone"));
    String name = ApiSupport.optionalString(body, "name", 200);
    String timezone = ApiSupport.optionalString(body, "timezone", 64);
    if (name == null && timezone == null) {
      throw ApiSupport.badRequest("body: give name and/or timezone");
    }
    if (name != null && name.isBlank()) {
      throw ApiSupport.badRequest("name: must not be blank");
    }
    if (timezone != null && !SiteValidation.timezone(timezone)) {
      throw ApiSupport.badRequest("timezone: expected an IANA time zone such as Europe/Berlin");
    }
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.updateSite(a.domain(), name == null ? null : name.trim(), timezone)
            .compose(site -> found(site, a)));
    ApiSupport.respond(ctx, result, 200);
  }

  private void delete(RoutingContext ctx) {
    Future<Void> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.OWN)
        .compose(a -> deletion.delete(a.domain()));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  // ---- members

  private void members(RoutingContext ctx) {
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.members(a.domain()))
        .map(list -> new JsonArray(list.stream().map(SitesRoutes::memberJson).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void addMember(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("email", "role", "password"));
    String email = SiteValidation.email(ApiSupport.requiredString(body, "email", 254));
    if (email == null) {
      throw ApiSupport.badRequest("email: expected an email address");
    }
    SiteRole role = SiteRole.parse(ApiSupport.requiredString(body, "role", 16))
        .orElseThrow(() -> ApiSupport.badRequest("role: expected viewer, admin or owner"));
    String password = ApiSupport.optionalString(body, "password", 1024);
    if (password != null && PasswordHasher.problem(password) != null) {
      throw ApiSupport.badRequest(PasswordHasher.problem(password));
    }
    Future<Member> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> {
          if (role == SiteRole.OWNER && !Permission.OWN.grantedTo(a.role())) {
            return Future.failedFuture(new HttpFailure(403, "forbidden", "only owners can make owners"));
          }
          return existingOrNewUser(email, password)
              .compose(userId -> store.members(a.domain()).compose(members -> {
                Optional<Member> current = members.stream().filter(m -> m.userId() == userId).findFirst();
                if (current.isPresent()) {
                  checkRoleChange(a, current.get(), members, role);
                }
                ctx.put("trackflow.member.new", current.isEmpty());
                return store.putMember(a.domain(), userId, role);
              }));
        });
    result.onSuccess(m -> ApiSupport.respond(ctx, Future.succeededFuture(memberJson(m)),
        Boolean.TRUE.equals(ctx.get("trackflow.member.new")) ? 201 : 200)).onFailure(ctx::fail);
  }

  private Future<Long> existingOrNewUser(String email, String password) {
    return store.findUserByEmail(email).compose(user -> {
      if (user.isPresent()) {
        return Future.succeededFuture(user.get().id());
      }
      if (password == null) {
        return Future.failedFuture(new HttpFailure(404, "user_not_found",
            "no user with email " + email + "; send a password to create the account"));
      }
      return hasher.hash(password)
          .compose(hash -> store.createUser(email, hash, false))
          // Created at the same moment by someone else: use theirs.
          .recover(e -> e instanceof AccountConflictException
              ? store.findUserByEmail(email).map(u -> u.orElseThrow())
              : Future.failedFuture(e))
          .map(u -> u.id());
    });
  }

  /** Admins cannot touch owners; the last owner cannot stop being one. */
  private static void checkRoleChange(SiteAccess caller, Member target, List<Member> members, SiteRole next) {
    if (target.role() == SiteRole.OWNER && !Permission.OWN.grantedTo(caller.role())) {
      throw new HttpFailure(403, "forbidden", "only owners can change an owner");
    }
    long owners = members.stream().filter(m -> m.role() == SiteRole.OWNER).count();
    if (target.role() == SiteRole.OWNER && next != SiteRole.OWNER && owners <= 1) {
      throw new HttpFailure(409, "last_owner", "a site keeps at least one owner");
    }
  }

  private void removeMember(RoutingContext ctx) {
    String email = ctx.pathParam("email").trim().toLowerCase(java.util.Locale.ROOT);
    Future<Boolean> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.members(a.domain()).compose(members -> {
          Member target = members.stream().filter(m -> m.email().equals(email)).findFirst()
              .orElseThrow(() -> new HttpFailure(404, "member_not_found", email + " is not a member of " + a.domain()));
          checkRoleChange(a, target, members, null);
          return store.removeMember(a.domain(), target.userId());
        }));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  // ---- share links

  private void shares(RoutingContext ctx) {
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.shareLinks(a.domain()))
        .map(list -> new JsonArray(list.stream().map(SitesRoutes::shareJson).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void createShare(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("label"));
    String label = Optional.ofNullable(ApiSupport.optionalString(body, "label", 200)).orElse("");
    String token = Secrets.randomToken();
    Future<JsonObject> result = access.requireUser(ctx)
        .compose(user -> access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
            .compose(a -> store.createShareLink(a.domain(), Secrets.sha256(token), label, user.userId())))
        // The token is shown this once; only its hash is kept.
        .map(link -> shareJson(link)
            .put("token", token)
            .put("path", "/share/" + link.domain() + "?auth=" + token));
    ApiSupport.respond(ctx, result, 201);
  }

  private void deleteShare(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Boolean> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.deleteShareLink(a.domain(), id))
        .compose(deleted -> deleted ? Future.succeededFuture(true)
            : Future.failedFuture(new HttpFailure(404, "share_not_found", "no such share link")));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  // ---- JSON

  private static Future<JsonObject> found(Optional<Site> site, SiteAccess access) {
    return site.isEmpty()
        ? Future.failedFuture(new HttpFailure(404, "site_not_found", "no site '" + access.domain() + "' you have access to"))
        : Future.succeededFuture(siteJson(site.get(), access.role()));
  }

  static JsonArray sitesJson(List<SiteMembership> sites) {
    return new JsonArray(sites.stream().map(m -> siteJson(m.site(), m.role())).toList());
  }

  static JsonObject siteJson(Site site, SiteRole role) {
    return new JsonObject()
        .put("domain", site.domain())
        .put("name", site.name())
        .put("timezone", site.timezone())
        .put("role", role.label())
        .put("created_at", Instant.ofEpochMilli(site.createdAt()).toString());
  }

  private static JsonObject memberJson(Member m) {
    return new JsonObject()
        .put("user_id", m.userId())
        .put("email", m.email())
        .put("role", m.role().label())
        .put("created_at", Instant.ofEpochMilli(m.createdAt()).toString());
  }

  private static JsonObject shareJson(ShareLink link) {
    return new JsonObject()
        .put("id", link.id())
        .put("label", link.label())
        .put("created_at", Instant.ofEpochMilli(link.createdAt()).toString());
  }
}
