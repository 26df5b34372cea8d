package io.trackflow.query.auth;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.QueryStack;
import io.trackflow.query.account.AdminBootstrap;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Sign-in, refresh, sign-out and credentials over HTTP")
class AuthFlowTest {

  @TempDir
  Path dir;

  private QueryStack stack;

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private QueryStack start(int perIp, int perAccount) throws Exception {
    stack = QueryStack.start(dir, false, o -> new io.trackflow.query.QueryAssembly.Options(
        o.jwtSecret(), o.accessTokenTtl(), o.refreshTokenTtl(), o.bcryptCost(), perIp, perAccount,
        o.loginWindow(), o.trustedProxies(), o.deletedSiteSweep()), Clock.systemUTC());
    return stack;
  }

  private User admin() throws Exception {
    return await(AdminBootstrap.run(stack.store, stack.assembly.hasher(), Optional.of("Admin@Example.com"),
        Optional.of("correct horse battery"))).orElseThrow();
  }

  private HttpResponse<Buffer> login(String email, String password) throws Exception {
    return stack.call(HttpMethod.POST, "/api/auth/login", null,
        new JsonObject().put("email", email).put("password", password));
  }

  private double counter(String name, String tag, String value) {
    var c = stack.registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  @DisplayName("The first start creates the configured admin once, who signs in with any capitalisation of the email")
  void bootstrapAndLogin() throws Exception {
    start(100, 100);
    User admin = admin();
    assertThat(admin.instanceAdmin()).isTrue();
    assertThat(await(AdminBootstrap.run(stack.store, stack.assembly.hasher(), Optional.of("other@example.com"),
        Optional.of("another password")))).isEmpty();
    assertThat(await(stack.store.countUsers())).isEqualTo(1L);
    assertThat(admin.passwordHash()).startsWith("$2").doesNotContain("correct horse");

    HttpResponse<Buffer> ok = login("ADMIN@example.com", "correct horse battery");
    assertThat(ok.statusCode()).isEqualTo(200);
    JsonObject body = ok.bodyAsJsonObject();
    assertThat(body.getString("token")).contains(".");
    assertThat(body.getString("refresh_token")).hasSizeGreaterThan(30);
    assertThat(body.getJsonObject("user").getString("email")).isEqualTo("admin@example.com");
    assertThat(Instant.parse(body.getString("expires_at"))).isAfter(Instant.now().plusSeconds(14 * 60));
    assertThat(stack.call(HttpMethod.GET, "/api/sites", body.getString("token"), null).statusCode()).isEqualTo(200);
    assertThat(counter("trackflow.auth.login", "outcome", "success")).isEqualTo(1);
  }

  @Test
  @DisplayName("A wrong password and an unknown email get the same 401, and malformed bodies a 400 naming the field")
  void badCredentials() throws Exception {
    start(100, 100);
    admin();
    HttpResponse<Buffer> wrong = login("admin@example.com", "wrong password");
    HttpResponse<Buffer> unknown = login("nobody@example.com", "wrong password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo(unknown.bodyAsJsonObject().getString("code"));
    HttpResponse<Buffer> missing = stack.call(HttpMethod.POST, "/api/auth/login", null, new JsonObject().put("email", "a@b.c"));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.bodyAsJsonObject().getString("message")).startsWith("password");
    HttpResponse<Buffer> extra = stack.call(HttpMethod.POST, "/api/auth/login", null,
        new JsonObject().put("email", "a@b.c").put("password", "x").put("remember", true));
    assertThat(extra.statusCode()).isEqualTo(400);
    assertThat(extra.bodyAsJsonObject().getString("message")).startsWith("remember");
    HttpResponse<Buffer> notJson = await(stack.request(HttpMethod.POST, "/api/auth/login").sendBuffer(Buffer.buffer("{nope")));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(counter("trackflow.api.rejected", "code", "invalid_request")).isEqualTo(3);
    // bcrypt only reads 72 bytes; a longer password is simply wrong, never a server error.
    assertThat(login("admin@example.com", "x".repeat(200)).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("Failed sign-ins for one account are limited: 429 with Retry-After, even with the right password")
  void accountLimit() throws Exception {
    start(100, 3);
    admin();
    for (int i = 0; i < 3; i++) {
      assertThat(login("admin@example.com", "wrong password").statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> limited = login("admin@example.com", "correct horse battery");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(limited.getHeader("Retry-After"))).isPositive();
    assertThat(limited.bodyAsJsonObject().getString("code")).isEqualTo("too_many_attempts");
    assertThat(counter("trackflow.auth.login", "outcome", "rate_limited_account")).isEqualTo(1);
    // Other accounts from the same address are not affected by this account's limit.
    await(stack.store.createUser("b@example.com", await(stack.assembly.hasher().hash("b password 123")), false));
    assertThat(login("b@example.com", "b password 123").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("Sign-in attempts from one address are limited across accounts")
  void addressLimit() throws Exception {
    start(4, 100);
    admin();
    for (int i = 0; i < 4; i++) {
      assertThat(login("user" + i + "@example.com", "whatever-password").statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> limited = login("admin@example.com", "correct horse battery");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("Retry-After")).isNotBlank();
    assertThat(counter("trackflow.auth.login", "outcome", "rate_limited_ip")).isEqualTo(1);
  }

  @Test
  @DisplayName("Refresh tokens rotate; replaying a used one revokes the whole sign-in")
  void refreshRotation() throws Exception {
    start(100, 100);
    admin();
    JsonObject first = login("admin@example.com", "correct horse battery").bodyAsJsonObject();
    HttpResponse<Buffer> refreshed = stack.call(HttpMethod.POST, "/api/auth/refresh", null,
        new JsonObject().put("refresh_token", first.getString("refresh_token")));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    JsonObject second = refreshed.bodyAsJsonObject();
    assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
    assertThat(stack.call(HttpMethod.GET, "/api/sites", second.getString("token"), null).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> replay = stack.call(HttpMethod.POST, "/api/auth/refresh", null,
        new JsonObject().put("refresh_token", first.getString("refresh_token")));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(stack.call(HttpMethod.POST, "/api/auth/refresh", null,
        new JsonObject().put("refresh_token", second.getString("refresh_token"))).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("Signing out revokes the access token at once and the refresh token for good")
  void logout() throws Exception {
    start(100, 100);
    admin();
    JsonObject session = login("admin@example.com", "correct horse battery").bodyAsJsonObject();
    String token = session.getString("token");
    assertThat(stack.call(HttpMethod.GET, "/api/sites", token, null).statusCode()).isEqualTo(200);
    assertThat(stack.call(HttpMethod.POST, "/api/auth/logout", token,
        new JsonObject().put("refresh_token", session.getString("refresh_token"))).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> after = stack.call(HttpMethod.GET, "/api/sites", token, null);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(stack.call(HttpMethod.POST, "/api/auth/refresh", null,
        new JsonObject().put("refresh_token", session.getString("refresh_token"))).statusCode()).isEqualTo(401);
    assertThat(counter("trackflow.auth.rejected", "reason", "revoked_token")).isEqualTo(1);
  }

  @Test
  @DisplayName("An API key reads only the sites it was made for, and is kept only as a hash")
  void apiKeyScope() throws Exception {
    start(100, 100);
    User admin = admin();
    String token = stack.assembly.tokens().issue(admin.id(), admin.email()).token();
    for (String d : new String[] {"a.example", "b.example"}) {
      assertThat(stack.call(HttpMethod.POST, "/api/sites", token,
          new JsonObject().put("domain", d).put("timezone", "Europe/Berlin")).statusCode()).isEqualTo(201);
    }
    HttpResponse<Buffer> created = stack.call(HttpMethod.POST, "/api/keys", token,
        new JsonObject().put("name", "reporting").put("sites", new JsonArray().add("a.example")));
    assertThat(created.statusCode()).isEqualTo(201);
    String key = created.bodyAsJsonObject().getString("key");
    assertThat(key).startsWith("tf_");
    assertThat(await(stack.store.findApiKey(Secrets.sha256(key)))).isPresent();
    assertThat(await(stack.store.findApiKey(key))).isEmpty();
    // The listing never shows the key again.
    assertThat(stack.call(HttpMethod.GET, "/api/keys", token, null).bodyAsString()).doesNotContain(key);

    assertThat(stack.call(HttpMethod.GET, "/api/sites/a.example", key, null).statusCode()).isEqualTo(200);
    assertThat(stack.call(HttpMethod.GET, "/api/sites/b.example", key, null).statusCode()).isEqualTo(404);
    JsonArray listed = stack.call(HttpMethod.GET, "/api/sites", key, null).bodyAsJsonArray();
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("domain")).isEqualTo("a.example");
    assertThat(stack.call(HttpMethod.GET, "/api/sites", "tf_unknown", null).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("A share token reads only its own site, and stops working once revoked")
  void shareScope() throws Exception {
    start(100, 100);
    User admin = admin();
    String token = stack.assembly.tokens().issue(admin.id(), admin.email()).token();
    await(stack.store.createSite(new Site("a.example", "A", "UTC", 1L), admin.id()));
    await(stack.store.createSite(new Site("b.example", "B", "UTC", 1L), admin.id()));
    JsonObject share = stack.call(HttpMethod.POST, "/api/sites/a.example/shares", token, new JsonObject()).bodyAsJsonObject();
    String auth = share.getString("token");
    assertThat(share.getString("path")).isEqualTo("/share/a.example?auth=" + auth);

    assertThat(await(stack.request(HttpMethod.GET, "/api/sites/a.example").addQueryParam("auth", auth).send()).statusCode())
        .isEqualTo(200);
    assertThat(await(stack.request(HttpMethod.GET, "/api/sites/b.example").addQueryParam("auth", auth).send()).statusCode())
        .isEqualTo(404);
    assertThat(await(stack.request(HttpMethod.PATCH, "/api/sites/a.example").addQueryParam("auth", auth)
        .sendJsonObject(new JsonObject().put("name", "x"))).statusCode()).isEqualTo(403);
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/a.example/shares/" + share.getLong("id"), token, null).statusCode())
        .isEqualTo(204);
    assertThat(await(stack.request(HttpMethod.GET, "/api/sites/a.example").addQueryParam("auth", auth).send()).statusCode())
        .isEqualTo(401);
  }
}
