package io.trackflow.query.site;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.ApiKey;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.Secrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A user's API keys: read-only stats access to some of their sites, shown once at creation. */
public final class KeysRoutes {

  private static final int PREFIX_LENGTH = 10;

  private final AccountStore store;
  private final AccessControl access;

  public KeysRoutes(AccountStore store, AccessControl access) {
    this.store = store;
    this.access = access;
  }

  public void mount(Router router) {
    router.get("/api/keys").handler(this::list);
    router.post("/api/keys").handler(this::create);
    router.delete("/api/keys/:id").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    Future<JsonArray> result = access.requireUser(ctx)
        .compose(user -> store.apiKeys(user.userId()))
        .map(keys -> new JsonArray(keys.stream().map(KeysRoutes::keyJson).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("name", "sites"));
    String name = ApiSupport.requiredString(body, "name", 200).trim();
    List<String> sites = new ArrayList<>();
    for (String raw : ApiSupport.stringList(body, "sites", 1000)) {
      String domain = SiteValidation.domain(raw);
      if (domain == null) {
        throw ApiSupport.badRequest("sites: '" + raw + "' is not a domain");
      }
      sites.add(domain);
    }
    String key = Secrets.newApiKey();
    Future<JsonObject> result = access.requireUser(ctx)
        .compose(user -> {
          // A key can only reach sites its user can read.
          Future<Void> check = Future.succeededFuture();
          for (String domain : sites) {
            check = check.compose(v -> store.membership(user.userId(), domain).compose(m -> m.isPresent()
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(new HttpFailure(404, "site_not_found", "no site '" + domain + "' you have access to"))));
          }
          return check.compose(v -> store.createApiKey(user.userId(), name, key.substring(0, PREFIX_LENGTH),
              Secrets.sha256(key), sites));
        })
        .map(created -> keyJson(created).put("key", key));
    ApiSupport.respond(ctx, result, 201);
  }

  private void delete(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Boolean> deleted = access.requireUser(ctx)
        .compose(user -> store.deleteApiKey(user.userId(), id));
    ApiSupport.respondDeleted(ctx, deleted, "key_not_found", "no such API key");
  }

  private static JsonObject keyJson(ApiKey key) {
    return new JsonObject()
        .put("id", key.id())
        .put("name", key.name())
        .put("prefix", key.prefix())
        .put("sites", new JsonArray(key.sites()))
        .put("created_at", Instant.ofEpochMilli(key.createdAt()).toString())
        .put("last_used_at", key.lastUsedAt() == null ? null : Instant.ofEpochMilli(key.lastUsedAt()).toString());
  }
}
