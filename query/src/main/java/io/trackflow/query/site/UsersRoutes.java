package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.User;
import io.trackflow.query.account.UserRemoval;
import io.trackflow.query.auth.AccountRoutes;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Instance administration: listing, creating and deleting users, for instance administrators only
 * (site owners and admins invite members instead). Deleting a user who owns sites is refused,
 * naming them, unless another user is named to take them over.
 */
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
    router.get("/api/users").handler(this::list);
    router.post("/api/users").handler(this::create);
    router.delete("/api/users/:id").handler(this::delete);
  }

  private Future<User> requireAdmin(RoutingContext ctx) {
    return access.requireUser(ctx)
        .compose(session -> store.findUser(session.userId()))
        .compose(caller -> caller.isPresent() && caller.get().instanceAdmin()
            ? Future.succeededFuture(caller.get())
            : Future.failedFuture(new HttpFailure(403, "forbidden", "only administrators manage users")));
  }

  private void list(RoutingContext ctx) {
    Future<JsonArray> result = requireAdmin(ctx)
        .compose(admin -> store.listUsers())
        .map(users -> new JsonArray(users.stream().map(AccountRoutes::userJson).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void delete(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    String transferTo = ctx.queryParams().get("transfer_to");
    Future<UserRemoval> result = requireAdmin(ctx).compose(admin -> {
      if (admin.id() == id) {
        return Future.failedFuture(new HttpFailure(409, "cannot_delete_self",
            "you cannot delete your own account; another administrator can"));
      }
      Future<Optional<Long>> heir = transferTo == null
          ? Future.succeededFuture(Optional.empty())
          : store.findUserByEmail(transferTo).compose(user -> {
            if (user.isEmpty()) {
              return Future.failedFuture(new HttpFailure(400, "invalid_request",
                  "transfer_to: no user with email " + transferTo));
            }
            if (user.get().id() == id) {
              return Future.failedFuture(ApiSupport.badRequest("transfer_to: name a user other than the one deleted"));
            }
            return Future.succeededFuture(Optional.of(user.get().id()));
          });
      return heir.compose(newOwner -> store.findUser(id).compose(target -> store.deleteUser(id, newOwner)
          .compose(removal -> {
            if (!removal.found()) {
              return Future.failedFuture(new HttpFailure(404, "user_not_found", "no user with id " + id));
            }
            if (!removal.deleted()) {
              String who = target.map(User::email).orElse("this user");
              return Future.failedFuture(new HttpFailure(409, "user_owns_sites",
                  who + " owns " + String.join(", ", removal.ownedSites()) + ": transfer ownership of those sites or "
                      + "delete them first, or pass transfer_to=<email> to make another user their owner",
                  new JsonObject().put("sites", new JsonArray(removal.ownedSites()))));
            }
            return Future.succeededFuture(removal);
          })));
    });
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("email", "password", "admin"));
    String email = ApiSupport.requiredEmail(body, "email");
    String password = ApiSupport.newPassword(body, "password", true);
    Object admin = body.getValue("admin", false);
    if (!(admin instanceof Boolean makeAdmin)) {
      throw ApiSupport.badRequest("admin: expected true or false");
    }
    Future<JsonObject> result = requireAdmin(ctx)
        .compose(caller -> hasher.hash(password))
        .compose(hash -> store.createUser(email, hash, makeAdmin))
        .recover(e -> Future.failedFuture(e instanceof AccountConflictException
            ? new HttpFailure(409, "user_exists", "a user with email " + email + " already exists")
            : e))
        .map(user -> new JsonObject().put("id", user.id()).put("email", user.email()).put("admin", user.instanceAdmin()));
    ApiSupport.respond(ctx, result, 201);
  }
}
