package io.trackflow.query.auth;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.QueryAssembly;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Accounts: first-run setup, password change, signing out everywhere, instance administration")
class AccountApiTest {

  @TempDir
  Path dir;

  private QueryStack stack;

  @BeforeEach
  void start() throws Exception {
    // Tight limits on guesses, so the current-password check can be seen to count them.
    stack = QueryStack.start(dir, false, o -> new QueryAssembly.Options(o.jwtSecret(), o.accessTokenTtl(),
        o.refreshTokenTtl(), o.bcryptCost(), 100, 3, o.loginWindow(), o.trustedProxies(), o.deletedSiteSweep()),
        Clock.systemUTC());
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private User user(String email, boolean admin) throws Exception {
    return await(stack.store.createUser(email, await(stack.assembly.hasher().hash("password of " + email)), admin));
  }

  private JsonObject login(String email, String password) throws Exception {
    HttpResponse<Buffer> response = stack.call(HttpMethod.POST, "/api/auth/login", null,
        new JsonObject().put("email", email).put("password", password));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private int status(HttpMethod method, String path, String bearer, JsonObject body) throws Exception {
    return stack.call(method, path, bearer, body).statusCode();
  }

  private int refresh(JsonObject session) throws Exception {
    return status(HttpMethod.POST, "/api/auth/refresh", null,
        new JsonObject().put("refresh_token", session.getString("refresh_token")));
  }

  @Test
  @DisplayName("With no user yet, the owner account is created once, only with the setup token derived from the signing key")
  void firstRunSetup() throws Exception {
    assertThat(stack.call(HttpMethod.GET, "/api/setup", null, null).bodyAsJsonObject().getBoolean("needed")).isTrue();
    JsonObject owner = new JsonObject().put("email", "Owner@Example.com").put("password", "owner password");
    HttpResponse<Buffer> wrong = stack.call(HttpMethod.POST, "/api/setup", null, owner.copy().put("token", "guessed"));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo("invalid_setup_token");
    assertThat(await(stack.store.countUsers())).isZero();

    String token = SetupRoutes.token(QueryStack.SECRET);
    assertThat(token).hasSize(22).isNotEqualTo(SetupRoutes.token(QueryStack.SECRET + "x"));
    HttpResponse<Buffer> created = stack.call(HttpMethod.POST, "/api/setup", null, owner.copy().put("token", token));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String session = created.bodyAsJsonObject().getString("token");
    JsonObject me = stack.call(HttpMethod.GET, "/api/account", session, null).bodyAsJsonObject();
    assertThat(me.getString("email")).isEqualTo("owner@example.com");
    assertThat(me.getBoolean("admin")).isTrue();

    assertThat(stack.call(HttpMethod.GET, "/api/setup", null, null).bodyAsJsonObject().getBoolean("needed")).isFalse();
    HttpResponse<Buffer> again = stack.call(HttpMethod.POST, "/api/setup", null,
        new JsonObject().put("email", "thief@example.com").put("password", "thief password").put("token", token));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("already_set_up");
    assertThat(await(stack.store.countUsers())).isEqualTo(1);
  }

  @Test
  @DisplayName("Changing the password needs the current one, ends every other sign-in, and keeps this one going")
  void changePassword() throws Exception {
    user("me@example.com", false);
    JsonObject laptop = login("me@example.com", "password of me@example.com");
    JsonObject phone = login("me@example.com", "password of me@example.com");

    HttpResponse<Buffer> wrong = stack.call(HttpMethod.POST, "/api/account/password", laptop.getString("token"),
        new JsonObject().put("current_password", "not it").put("new_password", "brand new password"));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo("wrong_password");
    HttpResponse<Buffer> weak = stack.call(HttpMethod.POST, "/api/account/password", laptop.getString("token"),
        new JsonObject().put("current_password", "password of me@example.com").put("new_password", "short"));
    assertThat(weak.statusCode()).isEqualTo(400);
    assertThat(weak.bodyAsJsonObject().getString("message")).startsWith("new_password");

    HttpResponse<Buffer> changed = stack.call(HttpMethod.POST, "/api/account/password", laptop.getString("token"),
        new JsonObject().put("current_password", "password of me@example.com").put("new_password", "brand new password"));
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
    JsonObject renewed = changed.bodyAsJsonObject();

    assertThat(status(HttpMethod.GET, "/api/account", phone.getString("token"), null)).isEqualTo(401);
    assertThat(status(HttpMethod.GET, "/api/account", laptop.getString("token"), null)).isEqualTo(401);
    assertThat(refresh(phone)).isEqualTo(401);
    assertThat(refresh(laptop)).isEqualTo(401);
    assertThat(status(HttpMethod.GET, "/api/account", renewed.getString("token"), null)).isEqualTo(200);
    assertThat(refresh(renewed)).isEqualTo(200);
    assertThat(status(HttpMethod.POST, "/api/auth/login", null,
        new JsonObject().put("email", "me@example.com").put("password", "password of me@example.com"))).isEqualTo(401);
    login("me@example.com", "brand new password");
  }

  @Test
  @DisplayName("Guesses of the current password are limited like sign-ins: 429 with Retry-After")
  void currentPasswordGuessesLimited() throws Exception {
    user("me@example.com", false);
    String token = login("me@example.com", "password of me@example.com").getString("token");
    JsonObject guess = new JsonObject().put("current_password", "guess").put("new_password", "brand new password");
    for (int i = 0; i < 3; i++) {
      assertThat(status(HttpMethod.POST, "/api/account/password", token, guess)).isEqualTo(403);
    }
    HttpResponse<Buffer> limited = stack.call(HttpMethod.POST, "/api/account/password", token,
        guess.copy().put("current_password", "password of me@example.com"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("Retry-After")).isNotBlank();
  }

  @Test
  @DisplayName("Signing out everywhere ends every access and refresh token of the user, and nobody else's")
  void logoutEverywhere() throws Exception {
    user("me@example.com", false);
    user("other@example.com", false);
    JsonObject one = login("me@example.com", "password of me@example.com");
    JsonObject two = login("me@example.com", "password of me@example.com");
    JsonObject other = login("other@example.com", "password of other@example.com");
    assertThat(status(HttpMethod.POST, "/api/account/logout-everywhere", one.getString("token"), null)).isEqualTo(204);
    assertThat(status(HttpMethod.GET, "/api/account", one.getString("token"), null)).isEqualTo(401);
    assertThat(status(HttpMethod.GET, "/api/account", two.getString("token"), null)).isEqualTo(401);
    assertThat(refresh(one)).isEqualTo(401);
    assertThat(refresh(two)).isEqualTo(401);
    assertThat(status(HttpMethod.GET, "/api/account", other.getString("token"), null)).isEqualTo(200);
    assertThat(refresh(other)).isEqualTo(200);
    assertThat(status(HttpMethod.GET, "/api/account", login("me@example.com", "password of me@example.com")
        .getString("token"), null)).isEqualTo(200);
  }

  @Test
  @DisplayName("An administrator lists users and deletes one; sites the user owns are refused by name or handed over")
  void adminDeletesUsers() throws Exception {
    User admin = user("admin@example.com", true);
    User owner = user("owner@example.com", false);
    User heir = user("heir@example.com", false);
    await(stack.store.createSite(new Site("owned.example", "Owned", "UTC", 1L), owner.id()));
    String adminToken = stack.assembly.tokens().issue(admin.id(), admin.email()).token();
    String ownerToken = login("owner@example.com", "password of owner@example.com").getString("token");

    JsonArray users = stack.call(HttpMethod.GET, "/api/users", adminToken, null).bodyAsJsonArray();
    assertThat(users.stream().map(u -> ((JsonObject) u).getString("email")))
        .containsExactly("admin@example.com", "heir@example.com", "owner@example.com");
    assertThat(users.encode()).doesNotContain("$2");
    assertThat(status(HttpMethod.GET, "/api/users", ownerToken, null)).isEqualTo(403);

    HttpResponse<Buffer> refused = stack.call(HttpMethod.DELETE, "/api/users/" + owner.id(), adminToken, null);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("user_owns_sites");
    assertThat(refused.bodyAsJsonObject().getString("message")).contains("owned.example").contains("transfer_to");
    assertThat(refused.bodyAsJsonObject().getJsonObject("details").getJsonArray("sites")).containsExactly("owned.example");
    assertThat(status(HttpMethod.DELETE, "/api/users/" + owner.id() + "?transfer_to=nobody@example.com", adminToken, null))
        .isEqualTo(400);
    assertThat(status(HttpMethod.DELETE, "/api/users/" + admin.id(), adminToken, null)).isEqualTo(409);

    assertThat(status(HttpMethod.DELETE, "/api/users/" + owner.id() + "?transfer_to=heir@example.com", adminToken, null))
        .isEqualTo(204);
    assertThat(await(stack.store.membership(heir.id(), "owned.example")).orElseThrow().role()).isEqualTo(SiteRole.OWNER);
    assertThat(status(HttpMethod.GET, "/api/sites", ownerToken, null)).isEqualTo(401);
    assertThat(status(HttpMethod.DELETE, "/api/users/" + owner.id(), adminToken, null)).isEqualTo(404);
  }

  @Test
  @DisplayName("An API key's listing shows its prefix, sites and when it was last used, never the key")
  void apiKeyLastUsed() throws Exception {
    User me = user("me@example.com", false);
    await(stack.store.createSite(new Site("a.example", "A", "UTC", 1L), me.id()));
    String token = stack.assembly.tokens().issue(me.id(), me.email()).token();
    JsonObject created = stack.call(HttpMethod.POST, "/api/keys", token,
        new JsonObject().put("name", "ci").put("sites", new JsonArray().add("a.example"))).bodyAsJsonObject();
    String key = created.getString("key");
    JsonObject listed = stack.call(HttpMethod.GET, "/api/keys", token, null).bodyAsJsonArray().getJsonObject(0);
    assertThat(listed.getString("prefix")).isEqualTo(key.substring(0, 10));
    assertThat(listed.getValue("last_used_at")).isNull();
    assertThat(status(HttpMethod.GET, "/api/sites/a.example", key, null)).isEqualTo(200);
    String lastUsed = awaitLastUse(token);
    assertThat(lastUsed).isNotNull();
    assertThat(stack.call(HttpMethod.GET, "/api/keys", token, null).bodyAsString()).doesNotContain(key);
    assertThat(status(HttpMethod.DELETE, "/api/keys/" + listed.getLong("id"), token, null)).isEqualTo(204);
    assertThat(status(HttpMethod.GET, "/api/sites/a.example", key, null)).isEqualTo(401);
  }

  /** The use is recorded beside the request, not before its answer: wait for it, with a deadline. */
  private String awaitLastUse(String token) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Object value = stack.call(HttpMethod.GET, "/api/keys", token, null).bodyAsJsonArray().getJsonObject(0)
          .getValue("last_used_at");
      if (value != null || System.nanoTime() > deadline) {
        return (String) value;
      }
      await(stack.vertx.timer(20));
    }
  }
}
