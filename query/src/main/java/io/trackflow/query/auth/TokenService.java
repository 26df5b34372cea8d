package io.trackflow.query.auth;

import io.trackflow.core.http.HttpFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Issues and verifies the short-lived access tokens (JWT, HS256 only). Only an HS256 key is
 * registered, so tokens claiming any other algorithm ({@code none}, RS256, HS512) fail; issuer,
 * audience and expiry are checked on every verification.
 */
public final class TokenService {

  public static final String ALGORITHM = "HS256";
  public static final String ISSUER = "trackflow";
  public static final String AUDIENCE = "trackflow-api";
  /** Unlocked password-protected share links: a token for one link, never valid as a user's. */
  public static final String SHARE_AUDIENCE = "trackflow-share";

  private final JWTAuth jwt;
  private final JWTAuth shareJwt;
  private final Duration ttl;
  private final Clock clock;

  /** The verified content of an access token; {@code issuedAt} in epoch milliseconds. */
  public record AccessClaims(long userId, String email, String jti, long expiresAt, long issuedAt) {}

  /** The verified content of an unlocked share link's token: which link (its token hash) and site. */
  public record ShareClaims(String shareTokenHash, String domain, long expiresAt) {}

  /** A freshly issued access token. */
  public record IssuedToken(String token, String jti, long expiresAt) {}

  /** Why a token was turned away. */
  public enum Rejection { MALFORMED, UNSIGNED, ALGORITHM, SIGNATURE, EXPIRED, ISSUER, AUDIENCE, MISSING_CLAIMS }

  /**
   * A token that is not valid: the caller gets 401. Only verdicts on the token take this type, so
   * a fault in our own code is not mistaken for a forgery (and the reason can be checked).
   */
  public static final class TokenRejected extends HttpFailure {
    private final Rejection reason;

    TokenRejected(Rejection reason) {
      super(401, "unauthorized", "the access token is invalid or expired");
      this.reason = reason;
    }

    public Rejection reason() {
      return reason;
    }
  }

  public TokenService(Vertx vertx, String secret, Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
    this.jwt = verifier(vertx, secret, AUDIENCE);
    this.shareJwt = verifier(vertx, secret, SHARE_AUDIENCE);
  }

  private static JWTAuth verifier(Vertx vertx, String secret, String audience) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
        .setJWTOptions(new JWTOptions()
            .setAlgorithm(ALGORITHM)
            .setIssuer(ISSUER)
            .setAudience(List.of(audience))
            .setLeeway(0)));
  }

  public Duration ttl() {
    return ttl;
  }

  public IssuedToken issue(long userId, String email) {
    long nowMillis = clock.millis();
    long nowSeconds = nowMillis / 1000;
    long expSeconds = nowSeconds + ttl.toSeconds();
    String jti = UUID.randomUUID().toString();
    JsonObject claims = new JsonObject()
        .put("sub", Long.toString(userId))
        .put("email", email)
        .put("jti", jti)
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("iat", nowSeconds)
        // Milliseconds: a password change revokes tokens issued before it, not those issued just after.
        .put("iat_ms", nowMillis)
        .put("exp", expSeconds);
    // Timestamps come from our clock, not the library's, so tests can issue expired tokens.
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setNoTimestamp(true));
    return new IssuedToken(token, jti, expSeconds * 1000);
  }

  /**
   * Verifies signature, algorithm, issuer, audience and expiry. A token that fails any check fails
   * with {@link TokenRejected}; any other failure is a fault, not a verdict on the token.
   */
  public Future<AccessClaims> verify(String token) {
    return verified(jwt, token, "jti")
        .compose(claims -> {
          String sub = claims.getString("sub");
          String jti = claims.getString("jti");
          long userId;
          try {
            userId = Long.parseLong(sub);
          } catch (NumberFormatException e) {
            return Future.failedFuture(new TokenRejected(Rejection.MALFORMED));
          }
          Object iatMs = claims.getValue("iat_ms");
          Object iat = claims.getValue("iat");
          long issuedAt = iatMs instanceof Number ms ? ms.longValue() : iat instanceof Number s ? s.longValue() * 1000 : 0;
          return Future.succeededFuture(new AccessClaims(userId, claims.getString("email", ""), jti,
              claims.getLong("exp") * 1000, issuedAt));
        });
  }

  /**
   * The claims of a token the library accepted for this audience, once they carry an expiry (not
   * passed), a subject and the named claims; any other token fails with {@link TokenRejected}.
   */
  private Future<JsonObject> verified(JWTAuth auth, String token, String... required) {
    return auth.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new TokenRejected(libraryVerdict(e))))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          Object exp = claims.getValue("exp");
          boolean complete = exp instanceof Number && claims.getValue("sub") instanceof String;
          for (String name : required) {
            complete &= claims.getValue(name) instanceof String;
          }
          if (!complete) {
            return Future.failedFuture(new TokenRejected(Rejection.MISSING_CLAIMS));
          }
          if (((Number) exp).longValue() * 1000 <= clock.millis()) {
            return Future.failedFuture(new TokenRejected(Rejection.EXPIRED));
          }
          return Future.succeededFuture(claims);
        });
  }

  /** A token standing for an unlocked share link until {@code expiresAt} (epoch ms). */
  public String issueShare(String shareTokenHash, String domain, long expiresAt) {
    JsonObject claims = new JsonObject()
        .put("sub", shareTokenHash)
        .put("site", domain)
        .put("iss", ISSUER)
        .put("aud", SHARE_AUDIENCE)
        .put("iat", clock.millis() / 1000)
        .put("exp", expiresAt / 1000);
    return shareJwt.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setNoTimestamp(true));
  }

  /** Verifies a share token as {@link #verify} does an access token; a user's access token fails here. */
  public Future<ShareClaims> verifyShare(String token) {
    return verified(shareJwt, token, "site").map(claims ->
        new ShareClaims(claims.getString("sub"), claims.getString("site"), claims.getLong("exp") * 1000));
  }

  /**
   * Names the check the JWT library failed. The library reports issuer, audience and expiry only
   * in its messages; anything it cannot read (bad Base64, bad JSON, empty) is malformed.
   */
  private static Rejection libraryVerdict(Throwable failure) {
    String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
    if (failure instanceof NoSuchKeyIdException) {
      return Rejection.ALGORITHM; // no key is registered for the algorithm the header names
    } else if (failure instanceof SignatureException) {
      return Rejection.SIGNATURE;
    } else if (message.contains("not signed")) {
      return Rejection.UNSIGNED;
    } else if (message.contains("expired")) {
      return Rejection.EXPIRED;
    } else if (message.contains("issuer")) {
      return Rejection.ISSUER;
    } else if (message.contains("audience")) {
      return Rejection.AUDIENCE;
    }
    return Rejection.MALFORMED;
  }
}
