package io.trackflow.query.account;

import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.site.SiteValidation;
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On first start, with no user at all, creates the administrator named in the configuration. */
public final class AdminBootstrap {

  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

  private AdminBootstrap() {}

  /** Succeeds with the created user, or empty when users exist or no admin is configured. */
  public static Future<Optional<User>> run(AccountStore store, PasswordHasher hasher,
      Optional<String> email, Optional<String> password) {
    if (email.isEmpty() || password.isEmpty()) {
      // Without them the first account is created in the dashboard with the logged setup token.
      return Future.succeededFuture(Optional.empty());
    }
    String normalized = SiteValidation.email(email.get());
    if (normalized == null) {
      return Future.failedFuture(new IllegalArgumentException("TRACKFLOW_ADMIN_EMAIL: not an email address"));
    }
    String problem = PasswordHasher.problem(password.get());
    if (problem != null) {
      return Future.failedFuture(new IllegalArgumentException("TRACKFLOW_ADMIN_PASSWORD: " + problem.substring("password: ".length())));
    }
    return store.countUsers().compose(n -> {
      if (n > 0) {
        return Future.succeededFuture(Optional.<User>empty());
      }
      return hasher.hash(password.get())
          .compose(hash -> store.createUser(normalized, hash, true))
          .map(Optional::of)
          // Another replica created it at the same moment.
          .recover(e -> e instanceof AccountConflictException
              ? Future.succeededFuture(Optional.empty())
              : Future.failedFuture(e))
          .onSuccess(u -> u.ifPresent(x -> log.info("Created administrator {}", x.email())));
    });
  }
}
