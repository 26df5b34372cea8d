package io.trackflow.query.site;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.QueryAssembly;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.User;
import io.trackflow.query.auth.Secrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Share links with a password or an expiry")
class ShareLinksApiTest {

  private static final String SITE = "shared.example";

  @TempDir
  Path dir;

  private QueryStack stack;
  private String ownerToken;

  @BeforeEach
  void start() throws Exception {
    // Three wrong passwords per link and window, so the limit is reached quickly.
    stack = QueryStack.start(dir, true, o -> new QueryAssembly.Options(o.jwtSecret(), o.accessTokenTtl(),
        o.refreshTokenTtl(), o.bcryptCost(), 100, 3, o.loginWindow(), o.trustedProxies(), o.deletedSiteSweep()),
        Clock.systemUTC());
    User owner = await(stack.store.createUser("owner@example.com", "unused", false));
    ownerToken = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
    await(stack.store.createSite(new Site(SITE, "Shared", "UTC", 1L), owner.id()));
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private JsonObject create(JsonObject body) throws Exception {
    HttpResponse<Buffer> created = stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/shares", ownerToken, body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject();
  }

  /** A read of the site's stats with the given ?auth= value. */
  private HttpResponse<Buffer> read(String auth) throws Exception {
    return await(stack.request(HttpMethod.POST, "/api/v2/query").addQueryParam("auth", auth)
        .sendJsonObject(new JsonObject().put("site_id", SITE).put("metrics", new JsonArray().add("visitors"))
            .put("date_range", "7d")));
  }

  private HttpResponse<Buffer> unlock(String token, String password) throws Exception {
    return stack.call(HttpMethod.POST, "/api/share/unlock", null,
        new JsonObject().put("token", token).put("password", password));
  }

  private static String code(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getString("code");
  }

  @Test
  @DisplayName("A share link with a password refuses its own token until unlocked with the password; the password is kept hashed")
  void passwordRequired() throws Exception {
    JsonObject link = create(new JsonObject().put("label", "board").put("password", "share password"));
    String token = link.getString("token");
    assertThat(link.getBoolean("password")).isTrue();
    String stored = await(stack.store.findShareLink(Secrets.sha256(token))).orElseThrow().passwordHash();
    assertThat(stored).startsWith("$2").doesNotContain("share password");

    HttpResponse<Buffer> locked = read(token);
    assertThat(locked.statusCode()).isEqualTo(401);
    assertThat(code(locked)).isEqualTo("share_password_required");
    assertThat(await(stack.request(HttpMethod.GET, "/api/sites/" + SITE + "/realtime").addQueryParam("auth", token).send())
        .statusCode()).isEqualTo(401);

    HttpResponse<Buffer> wrong = unlock(token, "not the password");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(code(wrong)).isEqualTo("wrong_password");
    HttpResponse<Buffer> unlocked = unlock(token, "share password");
    assertThat(unlocked.statusCode()).as(unlocked.bodyAsString()).isEqualTo(200);
    String session = unlocked.bodyAsJsonObject().getString("share_token");
    assertThat(read(session).statusCode()).isEqualTo(200);
    assertThat(await(stack.request(HttpMethod.PATCH, "/api/sites/" + SITE).addQueryParam("auth", session)
        .sendJsonObject(new JsonObject().put("name", "x"))).statusCode()).isEqualTo(403);
    // The unlocked token is no user's access token, and a user's access token is no unlocked share.
    assertThat(stack.call(HttpMethod.GET, "/api/sites", session, null).statusCode()).isEqualTo(401);
    assertThat(read(ownerToken).statusCode()).isEqualTo(401);

    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/shares/" + link.getLong("id"), ownerToken, null)
        .statusCode()).isEqualTo(204);
    assertThat(read(session).statusCode()).isEqualTo(401);
    assertThat(unlock(token, "share password").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("Wrong share link passwords are limited like sign-ins: 429 with Retry-After, even for the right one")
  void guessesLimited() throws Exception {
    String token = create(new JsonObject().put("password", "share password")).getString("token");
    for (int i = 0; i < 3; i++) {
      assertThat(unlock(token, "guess " + i).statusCode()).isEqualTo(403);
    }
    HttpResponse<Buffer> limited = unlock(token, "share password");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("Retry-After")).isNotBlank();
  }

  @Test
  @DisplayName("A share link stops working at its expiry; one in the past or malformed is refused at creation")
  void expiry() throws Exception {
    String inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonObject open = create(new JsonObject().put("expires_at", inAnHour));
    assertThat(open.getString("expires_at")).isEqualTo(inAnHour);
    assertThat(read(open.getString("token")).statusCode()).isEqualTo(200);

    String expired = Secrets.randomToken();
    await(stack.store.createShareLink(SITE, Secrets.sha256(expired), "old", 1L, null, System.currentTimeMillis() - 1));
    HttpResponse<Buffer> refused = read(expired);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(code(refused)).isEqualTo("share_expired");
    assertThat(unlock(expired, "anything").statusCode()).isEqualTo(410);

    assertThat(stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/shares", ownerToken,
        new JsonObject().put("expires_at", "2001-01-01T00:00:00Z")).statusCode()).isEqualTo(400);
    assertThat(stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/shares", ownerToken,
        new JsonObject().put("expires_at", "tomorrow")).statusCode()).isEqualTo(400);
    JsonArray listed = stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/shares", ownerToken, null).bodyAsJsonArray();
    assertThat(listed.stream().map(o -> ((JsonObject) o).getBoolean("expired"))).containsExactly(false, true);
  }
}
