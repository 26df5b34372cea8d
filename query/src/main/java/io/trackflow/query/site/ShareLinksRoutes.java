package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.ShareLink;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.AuthRoutes;
import io.trackflow.query.auth.ClientAddress;
import io.trackflow.query.auth.LoginRateLimiter;
import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.auth.Secrets;
import io.trackflow.query.auth.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * Share links: read-only views of one site's stats for people without an account. A link may
 * expire and may need a password (bcrypt-hashed like account passwords). A protected link's own
 * token reads nothing; {@code POST /api/share/unlock} with the password gives a token for that
 * link valid for a day at most, and wrong passwords count against the sign-in limits, per client
 * address and per link.
 */
public final class ShareLinksRoutes {

  /** How long an unlocked view lasts before the password is asked again. */
  static final Duration UNLOCKED_FOR = Duration.ofDays(1);

  private final AccountStore store;
  private final AccessControl access;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final LoginRateLimiter limiter;
  private final ClientAddress clientAddress;
  private final Clock clock;

  public ShareLinksRoutes(AccountStore store, AccessControl access, PasswordHasher hasher, TokenService tokens,
      LoginRateLimiter limiter, ClientAddress clientAddress, Clock clock) {
    this.store = store;
    this.access = access;
    this.hasher = hasher;
    this.tokens = tokens;
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/sites/:domain/shares").handler(this::list);
    router.post("/api/sites/:domain/shares").handler(this::create);
    router.delete("/api/sites/:domain/shares/:id").handler(this::delete);
    router.post("/api/share/unlock").handler(this::unlock);
  }

  private void list(RoutingContext ctx) {
    long now = clock.millis();
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.shareLinks(a.domain()))
        .map(links -> new JsonArray(links.stream().map(l -> shareJson(l, now)).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("label", "password", "expires_at"));
    String label = Optional.ofNullable(ApiSupport.optionalString(body, "label", 200)).orElse("");
    String password = ApiSupport.newPassword(body, "password", false);
    Long expiresAt = expiry(ApiSupport.optionalString(body, "expires_at", 40));
    String token = Secrets.randomToken();
    long now = clock.millis();
    Future<JsonObject> result = access.requireUser(ctx)
        .compose(user -> access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
            .compose(a -> (password == null ? Future.<String>succeededFuture(null) : hasher.hash(password))
                .compose(hash -> store.createShareLink(a.domain(), Secrets.sha256(token), label, user.userId(),
                    hash, expiresAt))))
        // The token is shown this once; only its hash is kept.
        .map(link -> shareJson(link, now)
            .put("token", token)
            .put("path", "/share/" + link.domain() + "?auth=" + token));
    ApiSupport.respond(ctx, result, 201);
  }

  private Long expiry(String value) {
    if (value == null) {
      return null;
    }
    try {
      long at = Instant.parse(value).toEpochMilli();
      if (at <= clock.millis()) {
        throw ApiSupport.badRequest("expires_at: must be in the future");
      }
      return at;
    } catch (DateTimeParseException e) {
      throw ApiSupport.badRequest("expires_at: expected an ISO-8601 instant such as 2030-01-31T00:00:00Z");
    }
  }

  private void delete(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Boolean> deleted = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.deleteShareLink(a.domain(), id));
    ApiSupport.respondDeleted(ctx, deleted, "share_not_found", "no such share link");
  }

  private void unlock(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("token", "password"));
    String token = ApiSupport.requiredString(body, "token", 200).trim();
    String password = ApiSupport.requiredString(body, "password", 1024);
    String tokenHash = Secrets.sha256(token);
    // Keyed by the link's hash: guesses at one link are limited wherever they come from.
    String limitKey = "share:" + tokenHash;
    long now = clock.millis();
    Future<JsonObject> result = limiter.attempt(clientAddress.of(ctx.request()), limitKey)
        .compose(verdict -> verdict.allowed()
            ? store.findShareLink(tokenHash)
            : Future.failedFuture(AuthRoutes.tooManyAttempts(ctx, verdict, "password attempts")))
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(new HttpFailure(404, "share_not_found",
                "this share link is not valid or was revoked"));
          }
          ShareLink link = found.get();
          if (link.expiredAt(now)) {
            return Future.failedFuture(new HttpFailure(410, "share_expired", "this share link has expired"));
          }
          Future<Boolean> ok = link.passwordProtected()
              ? hasher.verify(password, link.passwordHash())
              : Future.succeededFuture(true);
          return ok.compose(right -> {
            if (!right) {
              return limiter.failed(limitKey).transform(counted -> Future.failedFuture(
                  new HttpFailure(403, "wrong_password", "wrong password for this share link")));
            }
            long until = Math.min(now + UNLOCKED_FOR.toMillis(),
                link.expiresAt() == null ? Long.MAX_VALUE : link.expiresAt());
            return Future.succeededFuture(new JsonObject()
                .put("share_token", tokens.issueShare(tokenHash, link.domain(), until))
                .put("domain", link.domain())
                .put("expires_at", Instant.ofEpochMilli(until).toString()));
          });
        });
    ApiSupport.respond(ctx, result, 200);
  }

  static JsonObject shareJson(ShareLink link, long now) {
    return new JsonObject()
        .put("id", link.id())
        .put("label", link.label())
        .put("password", link.passwordProtected())
        .put("expires_at", link.expiresAt() == null ? null : Instant.ofEpochMilli(link.expiresAt()).toString())
        .put("expired", link.expiredAt(now))
        .put("created_at", Instant.ofEpochMilli(link.createdAt()).toString());
  }
}
