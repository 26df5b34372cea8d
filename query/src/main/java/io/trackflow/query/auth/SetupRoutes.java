package io.trackflow.query.auth;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.site.ApiSupport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First run: while no user exists, the dashboard offers to create the owner account. Whoever
 * reaches the server first must not be able to claim it, so creating that account takes the
 * setup token printed in the log. The token is derived from the signing key, which every query
 * replica shares, so any replica accepts the one any replica printed; it is useless once a user
 * exists. The environment variables for the first admin keep working beside this.
 */
public final class SetupRoutes {

  private static final Logger log = LoggerFactory.getLogger(SetupRoutes.class);

  private final AccountStore store;
  private final PasswordHasher hasher;
  private final SessionIssuer sessions;
  private final String setupToken;

  public SetupRoutes(AccountStore store, PasswordHasher hasher, SessionIssuer sessions, String signingKey) {
    this.store = store;
    this.hasher = hasher;
    this.sessions = sessions;
    this.setupToken = token(signingKey);
  }

  /** The setup token for a signing key: an HMAC of a fixed label, 22 URL-safe characters (132 bits). */
  public static String token(String signingKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal("trackflow first-run setup".getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  public void mount(Router router) {
    router.get("/api/setup").handler(this::status);
    router.post("/api/setup").handler(this::create);
  }

  /** Logs how to create the first account when there is none yet. */
  public Future<Void> announce() {
    return store.countUsers().map(n -> {
      if (n == 0) {
        log.warn("First run: no user exists yet. Open the dashboard in a browser and create the owner account "
            + "with the setup token {} (or start with TRACKFLOW_ADMIN_EMAIL and TRACKFLOW_ADMIN_PASSWORD set)", setupToken);
      }
      return null;
    });
  }

  private void status(RoutingContext ctx) {
    ApiSupport.respond(ctx, store.countUsers().map(n -> new JsonObject().put("needed", n == 0)), 200);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("token", "email", "password"));
    String token = ApiSupport.requiredString(body, "token", 200).trim();
    String email = ApiSupport.requiredEmail(body, "email");
    String password = ApiSupport.newPassword(body, "password", true);
    Future<JsonObject> result = store.countUsers().compose(n -> {
      if (n > 0) {
        return Future.failedFuture(alreadySetUp());
      }
      if (!Secrets.constantTimeEquals(token, setupToken)) {
        return Future.failedFuture(new HttpFailure(403, "invalid_setup_token",
            "wrong setup token: copy it from the server's log, from the line starting 'First run:'"));
      }
      return hasher.hash(password)
          .compose(hash -> store.createFirstUser(email, hash))
          .compose(user -> user.isEmpty()
              ? Future.failedFuture(alreadySetUp())
              : sessions.start(user.get().id(), user.get().email()))
          .onSuccess(answer -> log.info("Created the owner account {} through first-run setup", email));
    });
    ApiSupport.respond(ctx, result, 201);
  }

  private static HttpFailure alreadySetUp() {
    return new HttpFailure(409, "already_set_up", "this server already has an account; sign in instead");
  }
}
