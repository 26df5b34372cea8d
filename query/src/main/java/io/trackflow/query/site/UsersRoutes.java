package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Creating users: instance administrators only (site owners and admins add members instead). */
public final class UsersRoutes {

  private final AccountStore store;
  private final AccessControl access;
  private final PasswordHasher hasher;

  public UsersRoutes(AccountStore store, AccessControl access, PasswordHasher hasher) {
    this.store = store;
    this.access = access;
    this.hasher = hasher;
  }

  public void mount(Router router) {
    router.post("/api/users").handler(this::create);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("email", "password", "admin"));
    String email = SiteValidation.email(ApiSupport.requiredString(body, "email", 254));
    if (email == null) {
      throw ApiSupport.badRequest("email: expected an email address");
    }
    String password = ApiSupport.requiredString(body, "password", 1024);
    if (PasswordHasher.problem(password) != null) {
      throw ApiSupport.badRequest(PasswordHasher.problem(password));
    }
    Object admin = body.getValue("admin", false);
    if (!(admin instanceof Boolean makeAdmin)) {
      throw ApiSupport.badRequest("admin: expected true or false");
    }
    Future<JsonObject> result = access.requireUser(ctx)
        .compose(session -> store.findUser(session.userId()))
        .compose(caller -> caller.isPresent() && caller.get().instanceAdmin()
            ? hasher.hash(password)
            : Future.failedFuture(new HttpFailure(403, "forbidden", "only administrators create users")))
        .compose(hash -> store.createUser(email, hash, makeAdmin))
        .recover(e -> Future.failedFuture(e instanceof AccountConflictException
            ? new HttpFailure(409, "user_exists", "a user with email " + email + " already exists")
            : e))
        .map(user -> new JsonObject().put("id", user.id()).put("email", user.email()).put("admin", user.instanceAdmin()));
    ApiSupport.respond(ctx, result, 201);
  }
}
