package io.trackflow.query.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.User;
import io.trackflow.query.site.ApiSupport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;

/**
 * Sign-in, token refresh and sign-out. Access tokens live minutes; refresh tokens rotate on every
 * use (a reused one revokes its whole family); sign-out revokes the refresh token's family and
 * deny-lists the access token until it expires.
 */
public final class AuthRoutes {

  private final AccountStore store;
  private final PasswordHasher hasher;
  private final LoginRateLimiter limiter;
  private final ClientAddress clientAddress;
  private final AccessControl access;
  private final MeterRegistry registry;
  private final SessionIssuer sessions;
  private final Clock clock;

  public AuthRoutes(AccountStore store, SessionIssuer sessions, PasswordHasher hasher, LoginRateLimiter limiter,
      ClientAddress clientAddress, AccessControl access, MeterRegistry registry, Clock clock) {
    this.store = store;
    this.sessions = sessions;
    this.hasher = hasher;
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.access = access;
    this.registry = registry;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.post("/api/auth/login").handler(this::login);
    router.post("/api/auth/refresh").handler(this::refresh);
    router.post("/api/auth/logout").handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("email", "password"));
    String email = ApiSupport.requiredString(body, "email", 254).trim().toLowerCase(Locale.ROOT);
    String password = ApiSupport.requiredString(body, "password", 1024);
    // bcrypt never saw more than 72 bytes, so a longer password cannot be right.
    boolean checkable = password.getBytes(StandardCharsets.UTF_8).length <= PasswordHasher.MAX_PASSWORD_BYTES;
    Future<JsonObject> result = limiter.attempt(clientAddress.of(ctx.request()), email)
        .compose(verdict -> verdict.allowed()
            ? store.findUserByEmail(email)
            : Future.failedFuture(tooManyAttempts(ctx, verdict)))
        .compose(user -> hasher.verify(checkable ? password : "", user.filter(u -> checkable).map(User::passwordHash).orElse(null))
            .map(ok -> ok ? user.orElseThrow() : null))
        .compose(user -> {
          if (user == null) {
            outcome("invalid_credentials");
            // Counted before answering, so a client's next attempt already sees it.
            return limiter.failed(email).transform(counted ->
                Future.failedFuture(new HttpFailure(401, "invalid_credentials", "wrong email or password")));
          }
          outcome("success");
          return sessions.start(user.id(), user.email());
        });
    ApiSupport.respond(ctx, result, 200);
  }

  private HttpFailure tooManyAttempts(RoutingContext ctx, LoginRateLimiter.Verdict verdict) {
    outcome("rate_limited_" + verdict.limit());
    return tooManyAttempts(ctx, verdict, "sign-in attempts");
  }

  /** 429 with Retry-After, for any guess of a secret limited like sign-in (passwords of accounts and share links). */
  public static HttpFailure tooManyAttempts(RoutingContext ctx, LoginRateLimiter.Verdict verdict, String what) {
    ctx.response().putHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
    return new HttpFailure(429, "too_many_attempts",
        "too many " + what + "; retry in " + verdict.retryAfterSeconds() + " s",
        new JsonObject().put("retry_after", verdict.retryAfterSeconds()));
  }

  private void refresh(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("refresh_token"));
    String presented = ApiSupport.requiredString(body, "refresh_token", 256);
    String next = Secrets.randomToken();
    long now = clock.millis();
    Future<JsonObject> result = store.rotateRefreshToken(Secrets.sha256(presented), Secrets.sha256(next),
            now + sessions.refreshTtl().toMillis(), now)
        .compose(rotated -> rotated.isEmpty()
            ? Future.failedFuture(invalidRefresh())
            : store.findUser(rotated.get().userId()))
        .compose(user -> user.isEmpty()
            ? Future.failedFuture(invalidRefresh())
            : Future.succeededFuture(sessions.answer(user.get().id(), user.get().email(), next)));
    ApiSupport.respond(ctx, result, 200);
  }

  private void logout(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("refresh_token"));
    String refresh = ApiSupport.optionalString(body, "refresh_token", 256);
    // An expired access token must not stop the refresh token from being revoked.
    Future<Void> revokeAccess = access.principal(ctx)
        .otherwise(Principal.ANONYMOUS)
        .compose(p -> p instanceof Principal.UserSession s
            ? store.revokeAccessToken(s.jti(), s.expiresAt())
            : Future.succeededFuture());
    Future<Void> result = revokeAccess
        .compose(v -> refresh == null ? Future.succeededFuture() : store.revokeRefreshToken(Secrets.sha256(refresh)))
        .compose(v -> store.purgeExpired(clock.millis()));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  private static HttpFailure invalidRefresh() {
    return new HttpFailure(401, "invalid_refresh_token", "the session expired; sign in again");
  }

  private void outcome(String outcome) {
    Counter.builder("trackflow.auth.login")
        .description("Sign-in attempts by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
