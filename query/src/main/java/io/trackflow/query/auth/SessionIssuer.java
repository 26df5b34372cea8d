package io.trackflow.query.auth;

import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.RefreshToken;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Starts a sign-in (a new refresh token family and an access token) and writes the answer every
 * route that signs someone in gives: sign-in, first-run setup, accepting an invitation as a new
 * person, and a password change (which ends every other sign-in).
 */
public final class SessionIssuer {

  private final AccountStore store;
  private final TokenService tokens;
  private final Duration refreshTtl;
  private final Clock clock;

  public SessionIssuer(AccountStore store, TokenService tokens, Duration refreshTtl, Clock clock) {
    this.store = store;
    this.tokens = tokens;
    this.refreshTtl = refreshTtl;
    this.clock = clock;
  }

  /** Stores a new refresh token family for the user and answers with both tokens. */
  public Future<JsonObject> start(long userId, String email) {
    String refresh = Secrets.randomToken();
    long now = clock.millis();
    return store.storeRefreshToken(new RefreshToken(Secrets.sha256(refresh), userId,
            UUID.randomUUID().toString(), now + refreshTtl.toMillis(), now))
        .map(v -> answer(userId, email, refresh));
  }

  /** The answer for a user holding this refresh token: a fresh access token beside it. */
  public JsonObject answer(long userId, String email, String refreshToken) {
    TokenService.IssuedToken token = tokens.issue(userId, email);
    return new JsonObject()
        .put("token", token.token())
        .put("token_type", "Bearer")
        .put("expires_at", Instant.ofEpochMilli(token.expiresAt()).toString())
        .put("expires_in", tokens.ttl().toSeconds())
        .put("refresh_token", refreshToken)
        .put("user", new JsonObject().put("email", email));
  }

  public Duration refreshTtl() {
    return refreshTtl;
  }
}
