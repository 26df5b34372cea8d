package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteMembership;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.SiteUpdate;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.auth.Principal;
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

/**
 * The sites API: sites and their settings, each behind its permission. A site's people are in
 * {@link TeamRoutes}, its share links in {@link ShareLinksRoutes}.
 */
public final class SitesRoutes {

  private final AccountStore store;
  private final AccessControl access;
  private final SiteDeletion deletion;

  public SitesRoutes(AccountStore store, AccessControl access, SiteDeletion deletion) {
    this.store = store;
    this.access = access;
    this.deletion = deletion;
  }

  public void mount(Router router) {
    router.get("/api/sites").handler(this::list);
    router.post("/api/sites").handler(this::create);
    router.get("/api/sites/:domain").handler(this::get);
    router.patch("/api/sites/:domain").handler(this::update);
    router.delete("/api/sites/:domain").handler(this::delete);
    router.post("/api/sites/:domain/reset").handler(this::reset);
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

  /** Longest retention period accepted: a century, in days. */
  static final int MAX_RETENTION_DAYS = 36_500;

  private void update(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("name", "timezone", "retention_days", "privacy_signals"));
    String name = ApiSupport.optionalString(body, "name", 200);
    String timezone = ApiSupport.optionalString(body, "timezone", 64);
    SiteUpdate.Retention retention = retention(body);
    Boolean privacySignals = null;
    if (body.getValue("privacy_signals") != null) {
      if (!(body.getValue("privacy_signals") instanceof Boolean b)) {
        throw ApiSupport.badRequest("privacy_signals: expected true or false");
      }
      privacySignals = b;
    }
    if (name == null && timezone == null && retention == null && privacySignals == null) {
      throw ApiSupport.badRequest("body: give at least one of name, timezone, retention_days, privacy_signals");
    }
    if (name != null && name.isBlank()) {
      throw ApiSupport.badRequest("name: must not be blank");
    }
    if (timezone != null && !SiteValidation.timezone(timezone)) {
      throw ApiSupport.badRequest("timezone: expected an IANA time zone such as Europe/Berlin");
    }
    SiteUpdate change = new SiteUpdate(name == null ? null : name.trim(), timezone, retention, privacySignals);
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.updateSite(a.domain(), change).compose(site -> found(site, a)));
    ApiSupport.respond(ctx, result, 200);
  }

  /** The retention change in the body: absent (none), null (keep everything) or whole days. */
  private static SiteUpdate.Retention retention(JsonObject body) {
    if (!body.containsKey("retention_days")) {
      return null;
    }
    Object value = body.getValue("retention_days");
    if (value == null) {
      return new SiteUpdate.Retention(null);
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < 1 || n.doubleValue() > MAX_RETENTION_DAYS) {
      throw ApiSupport.badRequest("retention_days: expected whole days from 1 to " + MAX_RETENTION_DAYS
          + ", or null to keep everything");
    }
    return new SiteUpdate.Retention(n.intValue());
  }

  private void delete(RoutingContext ctx) {
    Future<Void> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.OWN)
        .compose(a -> deletion.delete(a.domain()));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  /** Deletes the site's events and sessions and keeps the site, its settings and its people. */
  private void reset(RoutingContext ctx) {
    Future<Void> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.OWN)
        .compose(a -> deletion.resetStats(a.domain()));
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
        .put("retention_days", site.retentionDays())
        .put("privacy_signals", site.privacySignals())
        .put("created_at", Instant.ofEpochMilli(site.createdAt()).toString());
  }
}
