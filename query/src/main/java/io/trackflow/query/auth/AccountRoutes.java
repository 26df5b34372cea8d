package io.trackflow.query.auth;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.User;
import io.trackflow.query.site.ApiSupport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * The signed-in user's own account: who they are, changing the password (which ends every other
 * sign-in and starts a new one here) and signing out everywhere. Guesses of the current password
 * count against the same limits as sign-in, so a stolen access token cannot try passwords freely.
 */
public final class AccountRoutes {

  private final AccountStore store;
  private final AccessControl access;
  private final PasswordHasher hasher;
  private final SessionIssuer sessions;
  private final LoginRateLimiter limiter;
  private final ClientAddress clientAddress;
  private final Clock clock;

  public AccountRoutes(AccountStore store, AccessControl access, PasswordHasher hasher, SessionIssuer sessions,
      LoginRateLimiter limiter, ClientAddress clientAddress, Clock clock) {
    this.store = store;
    this.access = access;
    this.hasher = hasher;
    this.sessions = sessions;
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/api/account").handler(this::get);
    router.post("/api/account/password").handler(this::changePassword);
    router.post("/api/account/logout-everywhere").handler(this::logoutEverywhere);
  }

  private void get(RoutingContext ctx) {
    Future<JsonObject> result = currentUser(ctx).map(AccountRoutes::userJson);
    ApiSupport.respond(ctx, result, 200);
  }

  private void changePassword(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("current_password", "new_password"));
    String current = ApiSupport.requiredString(body, "current_password", 1024);
    String next = ApiSupport.newPassword(body, "new_password", true);
    Future<JsonObject> result = currentUser(ctx).compose(user -> limiter.attempt(clientAddress.of(ctx.request()), user.email())
        .compose(verdict -> verdict.allowed()
            ? hasher.verify(current, user.passwordHash())
            : Future.failedFuture(AuthRoutes.tooManyAttempts(ctx, verdict, "password attempts")))
        .compose(ok -> ok
            ? hasher.hash(next)
            // 403, not 401: the caller is signed in; only the password they typed is wrong.
            : limiter.failed(user.email()).transform(counted -> Future.failedFuture(
                new HttpFailure(403, "wrong_password", "the current password is not correct"))))
        .compose(hash -> store.updatePassword(user.id(), hash))
        .compose(updated -> store.revokeSessions(user.id(), clock.millis()))
        .compose(v -> sessions.start(user.id(), user.email())));
    ApiSupport.respond(ctx, result, 200);
  }

  private void logoutEverywhere(RoutingContext ctx) {
    Future<Void> result = access.requireUser(ctx)
        .compose(session -> store.revokeSessions(session.userId(), clock.millis()));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  private Future<User> currentUser(RoutingContext ctx) {
    return access.requireUser(ctx)
        .compose(session -> store.findUser(session.userId()))
        .compose(user -> user.isPresent()
            ? Future.succeededFuture(user.get())
            : Future.failedFuture(AccessControl.unauthorized("this account no longer exists")));
  }

  public static JsonObject userJson(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("email", user.email())
        .put("admin", user.instanceAdmin())
        .put("created_at", Instant.ofEpochMilli(user.createdAt()).toString());
  }
}
