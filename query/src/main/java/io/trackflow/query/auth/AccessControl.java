package io.trackflow.query.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.ApiKey;
import io.trackflow.query.account.ShareLink;
import io.trackflow.query.account.SiteRole;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling and what they may do. Mount {@link #handler()} before the {@code /api/*}
 * routes: it resolves the caller's credential (access token, API key or share link) once per
 * request and turns away anonymous calls to non-public routes. Handlers then call
 * {@link #authorizeSite} (or {@link #requireUser}) for the exact check their route needs.
 *
 * <p>A site the caller cannot see at all answers 404 (its existence is not revealed); a site they
 * see but may not change this way answers 403; no or a bad credential answers 401.
 */
public final class AccessControl {

  /** Routes reachable without a credential. */
  public static final Set<String> PUBLIC_PATHS = Set.of(
      "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/openapi.json", "/api/event",
      // First run, invitations and share link passwords: for people who have no credential yet.
      "/api/setup", "/api/invitations/preview", "/api/invitations/accept", "/api/share/unlock");

  private static final Logger log = LoggerFactory.getLogger(AccessControl.class);
  private static final long KEY_USE_RESOLUTION_MS = 60_000L;
  private static final String PRINCIPAL_KEY = "trackflow.principal";
  private static final String SHARE_PARAM = "auth";

  private final AccountStore store;
  private final TokenService tokens;
  private final MeterRegistry registry;

  public AccessControl(AccountStore store, TokenService tokens, MeterRegistry registry) {
    this.store = store;
    this.tokens = tokens;
    this.registry = registry;
  }

  /** The handler to mount on {@code /api/*} before every protected route. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      if (PUBLIC_PATHS.contains(ctx.normalizedPath())) {
        ctx.next();
        return;
      }
      principal(ctx).onComplete(ar -> {
        if (ar.failed()) {
          challenge(ctx);
          ctx.fail(ar.cause());
        } else if (ar.result() instanceof Principal.Anonymous) {
          rejected("missing_credentials");
          challenge(ctx);
          ctx.fail(unauthorized("sign in, or send an API key or share token"));
        } else {
          ctx.next();
        }
      });
    };
  }

  /**
   * Checks that the caller may act on the site with the given permission and returns the site's
   * time zone and the caller's role. Fails with an {@link HttpFailure}: 401 without a valid
   * credential, 404 when the caller cannot see the site, 403 when the role is too weak.
   */
  public Future<SiteAccess> authorizeSite(RoutingContext ctx, String domain, Permission permission) {
    String site = normalizeDomain(domain);
    return principal(ctx).compose(p -> authorize(p, site, permission));
  }

  /** The signed-in user; API keys and share links get 403, anonymous callers 401. */
  public Future<Principal.UserSession> requireUser(RoutingContext ctx) {
    return principal(ctx).compose(p -> switch (p) {
      case Principal.UserSession user -> Future.succeededFuture(user);
      case Principal.Anonymous a -> Future.failedFuture(unauthorized("sign in to continue"));
      default -> Future.failedFuture(new HttpFailure(403, "forbidden",
          "this route needs a signed-in user; API keys and share links only read stats"));
    });
  }

  /** The caller, resolved once per request (anonymous when no credential was sent). */
  public Future<Principal> principal(RoutingContext ctx) {
    Principal known = ctx.get(PRINCIPAL_KEY);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return resolve(ctx).onSuccess(p -> ctx.put(PRINCIPAL_KEY, p));
  }

  private Future<Principal> resolve(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        rejected("bad_scheme");
        return Future.failedFuture(unauthorized("use Authorization: Bearer <token>"));
      }
      String credential = header.substring(7).trim();
      return credential.startsWith(Secrets.API_KEY_PREFIX) ? apiKey(credential) : session(credential);
    }
    List<String> share = ctx.queryParam(SHARE_PARAM);
    if (!share.isEmpty()) {
      return shareLink(share.get(0));
    }
    return Future.succeededFuture(Principal.ANONYMOUS);
  }

  private Future<Principal> session(String token) {
    return tokens.verify(token)
        .onFailure(e -> {
          // A rejected token already answers 401; any other failure is ours and must not pose as one.
          if (e instanceof TokenService.TokenRejected) {
            rejected("invalid_token");
          }
        })
        .compose(claims -> store.isSessionRevoked(claims.userId(), claims.jti(), claims.issuedAt()).compose(revoked -> {
          if (revoked) {
            rejected("revoked_token");
            return Future.failedFuture(unauthorized("the access token was revoked; sign in again"));
          }
          return Future.succeededFuture(
              new Principal.UserSession(claims.userId(), claims.email(), claims.jti(), claims.expiresAt()));
        }));
  }

  private Future<Principal> apiKey(String key) {
    return store.findApiKey(Secrets.sha256(key)).compose(found -> {
      if (found.isEmpty()) {
        rejected("unknown_api_key");
        return Future.failedFuture(unauthorized("unknown or revoked API key"));
      }
      ApiKey stored = found.get();
      long now = System.currentTimeMillis();
      // Recorded to the minute, so a busy key costs no write per request; best effort: a failed
      // bookkeeping write must not fail the request it describes.
      if (stored.lastUsedAt() == null || now - stored.lastUsedAt() >= KEY_USE_RESOLUTION_MS) {
        store.touchApiKey(stored.id(), now)
            .onFailure(e -> log.warn("Could not record the use of API key {}: {}", stored.id(), e.getMessage()));
      }
      return Future.succeededFuture(new Principal.Key(stored.id(), stored.userId(), new HashSet<>(stored.sites())));
    });
  }

  /**
   * A share link's own token, or (containing dots: a JWT) the token {@code /api/share/unlock} gave
   * for a password-protected link. Either way the link must still exist and not have expired, so
   * revoking it ends unlocked views too.
   */
  private Future<Principal> shareLink(String token) {
    if (token.indexOf('.') >= 0) {
      return tokens.verifyShare(token)
          .recover(e -> {
            if (e instanceof TokenService.TokenRejected) {
              rejected("invalid_share_session");
              return Future.failedFuture(new HttpFailure(401, "share_session_expired",
                  "the unlocked share link expired; open the link and enter its password again"));
            }
            return Future.failedFuture(e);
          })
          .compose(claims -> store.findShareLink(claims.shareTokenHash())
              .compose(found -> openShare(found.filter(link -> link.domain().equals(claims.domain())), true)));
    }
    return store.findShareLink(Secrets.sha256(token)).compose(found -> openShare(found, false));
  }

  private Future<Principal> openShare(Optional<ShareLink> found, boolean unlocked) {
    if (found.isEmpty()) {
      rejected("unknown_share");
      return Future.failedFuture(unauthorized("unknown or revoked share link"));
    }
    ShareLink link = found.get();
    if (link.expiredAt(System.currentTimeMillis())) {
      rejected("expired_share");
      return Future.failedFuture(new HttpFailure(401, "share_expired", "this share link has expired"));
    }
    if (link.passwordProtected() && !unlocked) {
      rejected("share_password_required");
      return Future.failedFuture(new HttpFailure(401, "share_password_required",
          "this share link is protected by a password: POST it with the link's token to /api/share/unlock"));
    }
    return Future.succeededFuture(new Principal.Share(link.id(), link.domain()));
  }

  private Future<SiteAccess> authorize(Principal principal, String domain, Permission permission) {
    return switch (principal) {
      case Principal.Anonymous a -> Future.failedFuture(unauthorized("sign in to continue"));
      case Principal.UserSession user -> store.membership(user.userId(), domain).compose(m -> {
        if (m.isEmpty()) {
          return Future.failedFuture(notFound(domain));
        }
        if (!permission.grantedTo(m.get().role())) {
          return Future.failedFuture(forbidden(m.get().role(), permission));
        }
        return Future.succeededFuture(new SiteAccess(domain, m.get().site().timezone(), m.get().role()));
      });
      case Principal.Key key -> {
        if (!key.sites().contains(domain)) {
          yield Future.failedFuture(notFound(domain));
        }
        if (permission != Permission.READ) {
          yield Future.failedFuture(new HttpFailure(403, "forbidden", "API keys only read stats"));
        }
        // The key acts for its user: a user who left the site takes the key's access along.
        yield store.membership(key.userId(), domain).compose(m -> m.isEmpty()
            ? Future.failedFuture(notFound(domain))
            : Future.succeededFuture(new SiteAccess(domain, m.get().site().timezone(), SiteRole.VIEWER)));
      }
      case Principal.Share share -> {
        if (!share.domain().equals(domain)) {
          yield Future.failedFuture(notFound(domain));
        }
        if (permission != Permission.READ) {
          yield Future.failedFuture(new HttpFailure(403, "forbidden", "share links are read-only"));
        }
        yield store.findSite(domain).compose(site -> site.isEmpty()
            ? Future.failedFuture(notFound(domain))
            : Future.succeededFuture(new SiteAccess(domain, site.get().timezone(), SiteRole.VIEWER)));
      }
    };
  }

  /** Domains are the tracker's keys and are stored lower-cased. */
  public static String normalizeDomain(String domain) {
    return domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
  }

  private void rejected(String reason) {
    Counter.builder("trackflow.auth.rejected")
        .description("Requests turned away for a missing, invalid or revoked credential")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  private static void challenge(RoutingContext ctx) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"trackflow\"");
    }
  }

  static HttpFailure unauthorized(String message) {
    return new HttpFailure(401, "unauthorized", message);
  }

  private static HttpFailure notFound(String domain) {
    return new HttpFailure(404, "site_not_found", "no site '" + domain + "' you have access to");
  }

  private static HttpFailure forbidden(SiteRole role, Permission permission) {
    return new HttpFailure(403, "forbidden",
        "your role " + role.label() + " does not allow this (" + permission.name().toLowerCase(Locale.ROOT) + ")");
  }
}
