package io.trackflow.query.auth;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Goal;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the query role, called as every kind of caller, against the real embedded stack:
 * the expected status for each pair is written down here, table by table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Authorization matrix")
class AuthorizationMatrixTest {

  enum Caller { ANONYMOUS, VIEWER, ADMIN, OWNER, OTHER_OWNER, SHARE, API_KEY, EXPIRED, TAMPERED, INSTANCE_ADMIN }

  /** One route: how to call it on a fresh site, and the status each caller must get. */
  record Route(String name, HttpMethod method, String path, Body body, int... expected) {
    int expectedFor(Caller caller) {
      return expected[caller.ordinal()];
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Body {
    JsonObject make(Fixture f);
  }

  /** What one call works on: a site nobody else's call touched. */
  record Fixture(String site, String memberEmail, long memberId, long shareId, String shareToken,
      long invitationId, String invitationToken, String refreshToken, Map<Caller, Long> keyIds, int n, long importId) {}

  /** Every signed-in user of the matrix has this password (the password change keeps it). */
  private static final String PASSWORD = "matrix password";

  // Columns:                    ANON VIEW ADMN OWNR OTHR SHAR KEY  EXPD TAMP IADM
  private static final List<Route> ROUTES = List.of(
      new Route("GET /api/sites", HttpMethod.GET, "/api/sites", null,
          401, 200, 200, 200, 200, 200, 200, 401, 401, 200),
      new Route("POST /api/sites", HttpMethod.POST, "/api/sites",
          f -> new JsonObject().put("domain", "new-" + f.n() + ".test").put("timezone", "UTC"),
          401, 201, 201, 201, 201, 403, 403, 401, 401, 201),
      new Route("GET /api/sites/{domain}", HttpMethod.GET, "/api/sites/{site}", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("PATCH /api/sites/{domain}", HttpMethod.PATCH, "/api/sites/{site}",
          f -> new JsonObject().put("name", "Renamed"),
          401, 403, 200, 200, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}", HttpMethod.DELETE, "/api/sites/{site}", null,
          401, 403, 403, 204, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/sites/{domain}/members", HttpMethod.GET, "/api/sites/{site}/members", null,
          401, 403, 200, 200, 404, 403, 403, 401, 401, 404),
      new Route("PATCH /api/sites/{domain}/members/{email}", HttpMethod.PATCH, "/api/sites/{site}/members/{member}",
          f -> new JsonObject().put("role", "admin"),
          401, 403, 200, 200, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}/members/{email}", HttpMethod.DELETE, "/api/sites/{site}/members/{member}", null,
          401, 403, 204, 204, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/sites/{domain}/shares", HttpMethod.GET, "/api/sites/{site}/shares", null,
          401, 403, 200, 200, 404, 403, 403, 401, 401, 404),
      new Route("POST /api/sites/{domain}/shares", HttpMethod.POST, "/api/sites/{site}/shares",
          f -> new JsonObject().put("label", "board"),
          401, 403, 201, 201, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}/shares/{id}", HttpMethod.DELETE, "/api/sites/{site}/shares/{share}", null,
          401, 403, 204, 204, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/keys", HttpMethod.GET, "/api/keys", null,
          401, 200, 200, 200, 200, 403, 403, 401, 401, 200),
      new Route("POST /api/keys", HttpMethod.POST, "/api/keys",
          f -> new JsonObject().put("name", "ci").put("sites", new JsonArray().add(f.site())),
          401, 201, 201, 201, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/keys/{id}", HttpMethod.DELETE, "/api/keys/{key}", null,
          401, 204, 204, 204, 204, 403, 403, 401, 401, 204),
      new Route("POST /api/users", HttpMethod.POST, "/api/users",
          f -> new JsonObject().put("email", "created-" + f.n() + "@example.test").put("password", "a-long-password"),
          401, 403, 403, 403, 403, 403, 403, 401, 401, 201),
      // Public: the credential is in the body.
      new Route("POST /api/auth/login", HttpMethod.POST, "/api/auth/login",
          f -> new JsonObject().put("email", "viewer@example.test").put("password", PASSWORD),
          200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
      new Route("POST /api/auth/refresh", HttpMethod.POST, "/api/auth/refresh",
          f -> new JsonObject().put("refresh_token", f.refreshToken()),
          200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
      new Route("POST /api/auth/logout", HttpMethod.POST, "/api/auth/logout", f -> new JsonObject(),
          204, 204, 204, 204, 204, 204, 204, 204, 204, 204),
      new Route("POST /api/v2/query", HttpMethod.POST, "/api/v2/query",
          f -> new JsonObject().put("site_id", f.site()).put("metrics", new JsonArray().add("visitors"))
              .put("date_range", "7d"),
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("GET /api/sites/{domain}/realtime", HttpMethod.GET, "/api/sites/{site}/realtime", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("GET /api/sites/{domain}/capabilities", HttpMethod.GET, "/api/sites/{site}/capabilities", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("GET /api/sites/{domain}/export", HttpMethod.GET, "/api/sites/{site}/export", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("GET /api/sites/{domain}/imports", HttpMethod.GET, "/api/sites/{site}/imports", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      // Authorized callers get past the role check to the body check: no zip was sent.
      new Route("POST /api/sites/{domain}/imports", HttpMethod.POST, "/api/sites/{site}/imports", null,
          401, 403, 415, 415, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/sites/{domain}/imports/{id}", HttpMethod.GET, "/api/sites/{site}/imports/{import}", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}/imports/{id}", HttpMethod.DELETE, "/api/sites/{site}/imports/{import}", null,
          401, 403, 204, 204, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/openapi.json", HttpMethod.GET, "/api/openapi.json", null,
          200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
      // Columns:                    ANON VIEW ADMN OWNR OTHR SHAR KEY  EXPD TAMP IADM
      new Route("POST /api/sites/{domain}/transfer-ownership", HttpMethod.POST, "/api/sites/{site}/transfer-ownership",
          f -> new JsonObject().put("email", f.memberEmail()),
          401, 403, 403, 200, 404, 403, 403, 401, 401, 404),
      new Route("POST /api/sites/{domain}/reset", HttpMethod.POST, "/api/sites/{site}/reset", null,
          401, 403, 403, 204, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/sites/{domain}/invitations", HttpMethod.GET, "/api/sites/{site}/invitations", null,
          401, 403, 200, 200, 404, 403, 403, 401, 401, 404),
      new Route("POST /api/sites/{domain}/invitations", HttpMethod.POST, "/api/sites/{site}/invitations",
          f -> new JsonObject().put("email", "invited-" + f.n() + "@example.test").put("role", "viewer"),
          401, 403, 201, 201, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}/invitations/{id}", HttpMethod.DELETE, "/api/sites/{site}/invitations/{invitation}",
          null,
          401, 403, 204, 204, 404, 403, 403, 401, 401, 404),
      // Public: whoever holds the invitation link; a signed-in caller must be the invited email.
      new Route("POST /api/invitations/preview", HttpMethod.POST, "/api/invitations/preview",
          f -> new JsonObject().put("token", f.invitationToken()),
          200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
      new Route("POST /api/invitations/accept", HttpMethod.POST, "/api/invitations/accept",
          f -> new JsonObject().put("token", f.invitationToken()).put("password", "a new password"),
          201, 403, 403, 403, 403, 403, 403, 401, 401, 403),
      new Route("POST /api/share/unlock", HttpMethod.POST, "/api/share/unlock",
          f -> new JsonObject().put("token", f.shareToken()).put("password", "any password"),
          200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
      // Users exist, so first-run setup is over for everyone.
      new Route("GET /api/setup", HttpMethod.GET, "/api/setup", null,
          200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
      new Route("POST /api/setup", HttpMethod.POST, "/api/setup",
          f -> new JsonObject().put("token", "t").put("email", "late-" + f.n() + "@example.test").put("password", PASSWORD),
          409, 409, 409, 409, 409, 409, 409, 409, 409, 409),
      new Route("GET /api/account", HttpMethod.GET, "/api/account", null,
          401, 200, 200, 200, 200, 403, 403, 401, 401, 200),
      new Route("POST /api/account/password", HttpMethod.POST, "/api/account/password",
          f -> new JsonObject().put("current_password", PASSWORD).put("new_password", PASSWORD),
          401, 200, 200, 200, 200, 403, 403, 401, 401, 200),
      new Route("POST /api/account/logout-everywhere", HttpMethod.POST, "/api/account/logout-everywhere", null,
          401, 204, 204, 204, 204, 403, 403, 401, 401, 204),
      new Route("GET /api/users", HttpMethod.GET, "/api/users", null,
          401, 403, 403, 403, 403, 403, 403, 401, 401, 200),
      new Route("DELETE /api/users/{id}", HttpMethod.DELETE, "/api/users/{user}", null,
          401, 403, 403, 403, 403, 403, 403, 401, 401, 204),
      new Route("GET /api/sites/{domain}/goals", HttpMethod.GET, "/api/sites/{site}/goals", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("POST /api/sites/{domain}/goals", HttpMethod.POST, "/api/sites/{site}/goals",
          f -> new JsonObject().put("event_name", "Download").put("currency", "EUR"),
          401, 403, 201, 201, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}/goals/{id}", HttpMethod.DELETE, "/api/sites/{site}/goals/{goal}", null,
          401, 403, 204, 204, 404, 403, 403, 401, 401, 404),
      new Route("GET /api/sites/{domain}/funnels", HttpMethod.GET, "/api/sites/{site}/funnels", null,
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("POST /api/sites/{domain}/funnels", HttpMethod.POST, "/api/sites/{site}/funnels",
          f -> new JsonObject().put("name", "Another").put("steps", new JsonArray().add("Purchase").add("Signup")),
          401, 403, 201, 201, 404, 403, 403, 401, 401, 404),
      new Route("DELETE /api/sites/{domain}/funnels/{id}", HttpMethod.DELETE, "/api/sites/{site}/funnels/{funnel}", null,
          401, 403, 204, 204, 404, 403, 403, 401, 401, 404),
      new Route("POST /api/v2/funnel", HttpMethod.POST, "/api/v2/funnel",
          f -> new JsonObject().put("site_id", f.site()).put("funnel", "Checkout").put("date_range", "7d"),
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404),
      new Route("POST /api/v2/props", HttpMethod.POST, "/api/v2/props",
          f -> new JsonObject().put("site_id", f.site()).put("date_range", "7d")
              .put("filters", new JsonArray().add(new JsonArray().add("is").add("event:goal").add(new JsonArray().add("Signup")))),
          401, 200, 200, 200, 404, 200, 200, 401, 401, 404));


  private QueryStack stack;
  private final Map<Caller, User> users = new EnumMap<>(Caller.class);
  private TokenService past;
  private final AtomicInteger counter = new AtomicInteger();
  private String otherSite;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    stack = QueryStack.start(dir, true);
    String hash = await(stack.assembly.hasher().hash(PASSWORD));
    for (Caller c : List.of(Caller.VIEWER, Caller.ADMIN, Caller.OWNER, Caller.OTHER_OWNER, Caller.INSTANCE_ADMIN)) {
      users.put(c, await(stack.store.createUser(c.name().toLowerCase() + "@example.test", hash,
          c == Caller.INSTANCE_ADMIN)));
    }
    otherSite = "other.test";
    await(stack.store.createSite(new Site(otherSite, "Other", "UTC", 1L), users.get(Caller.OTHER_OWNER).id()));
    // Issued an hour ago with a 15-minute lifetime: expired, though correctly signed.
    past = new TokenService(stack.vertx, QueryStack.SECRET, Duration.ofMinutes(15),
        Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
  }

  /** A fresh token per call, since the sign-out route revokes the one it is given. */
  private String token(Caller caller) {
    return switch (caller) {
      case EXPIRED -> past.issue(users.get(Caller.OWNER).id(), "owner@example.test").token();
      case TAMPERED -> tamper(token(Caller.VIEWER), users.get(Caller.OWNER).id());
      default -> stack.assembly.tokens().issue(users.get(caller).id(), users.get(caller).email()).token();
    };
  }

  @AfterAll
  void stop() throws Exception {
    stack.close();
  }

  /** The viewer's token with its subject switched to the owner, signature left as it was. */
  static String tamper(String token, long newSubject) {
    String[] parts = token.split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    payload.put("sub", Long.toString(newSubject));
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    return parts[0] + "." + forged + "." + parts[2];
  }

  Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Route route : ROUTES) {
      for (Caller caller : Caller.values()) {
        all.add(Arguments.of(route, caller, route.expectedFor(caller)));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} as {1} answers {2}")
  @MethodSource("cases")
  @DisplayName("Each route answers each kind of caller with exactly the expected status")
  void matrix(Route route, Caller caller, int expected) throws Exception {
    Fixture f = fixture();
    String path = route.path()
        .replace("{site}", f.site())
        .replace("{member}", f.memberEmail())
        .replace("{share}", Long.toString(f.shareId()))
        .replace("{invitation}", Long.toString(f.invitationId()))
        .replace("{user}", Long.toString(f.memberId()))
        .replace("{import}", Long.toString(f.importId()))
        .replace("{goal}", Long.toString(spareGoals.get(f.n())))
        .replace("{funnel}", Long.toString(funnels.get(f.n())))
        .replace("{key}", Long.toString(f.keyIds().getOrDefault(caller, f.keyIds().get(Caller.OWNER))));
    HttpRequest<Buffer> request = stack.request(route.method(), path);
    switch (caller) {
      case ANONYMOUS -> { }
      case SHARE -> request.addQueryParam("auth", shareToken(f));
      case API_KEY -> request.putHeader("Authorization", "Bearer " + apiKey(f));
      default -> request.putHeader("Authorization", "Bearer " + token(caller));
    }
    HttpResponse<Buffer> response = await(route.body() == null ? request.send()
        : request.sendJsonObject(route.body().make(f)));
    assertThat(response.statusCode())
        .as("%s as %s: %s", route.name(), caller, response.bodyAsString())
        .isEqualTo(expected);
    if (expected >= 400) {
      assertThat(response.bodyAsJsonObject().getString("code")).isNotBlank();
    }
  }

  @org.junit.jupiter.api.Test
  @DisplayName("Every /api route the query role mounts, with each of its methods, has a row in the matrix")
  void everyRouteHasARow() {
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(stack.vertx);
    stack.assembly.routes().forEach(r -> r.mount(stack.vertx, router));
    List<String> rows = ROUTES.stream().map(Route::name).toList();
    List<String> missing = new ArrayList<>();
    for (io.vertx.ext.web.Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || !path.startsWith("/api/") || !route.isExactPath() || route.methods() == null) {
        continue;
      }
      String template = path.replaceAll(":([A-Za-z_]+)", "{$1}");
      for (HttpMethod method : route.methods()) {
        if (!rows.contains(method.name() + " " + template)) {
          missing.add(method.name() + " " + template);
        }
      }
    }
    assertThat(missing).as("mounted routes without a row in the authorization matrix").isEmpty();
  }

  private final Map<Integer, String> shareTokens = new java.util.HashMap<>();
  private final Map<Integer, String> apiKeys = new java.util.HashMap<>();

  /** A fresh site with an owner, an admin, a viewer, a removable member, a share link and keys. */
  private Fixture fixture() throws Exception {
    int n = counter.incrementAndGet();
    String site = "site-" + n + ".test";
    await(stack.store.createSite(new Site(site, "Site " + n, "Europe/Berlin", 1L), users.get(Caller.OWNER).id()));
    await(stack.store.putMember(site, users.get(Caller.ADMIN).id(), SiteRole.ADMIN));
    await(stack.store.putMember(site, users.get(Caller.VIEWER).id(), SiteRole.VIEWER));
    User member = await(stack.store.createUser("member-" + n + "@example.test", "unused", false));
    await(stack.store.putMember(site, member.id(), SiteRole.VIEWER));
    String share = Secrets.randomToken();
    long shareId = await(stack.store.createShareLink(site, Secrets.sha256(share), "", users.get(Caller.OWNER).id())).id();
    shareTokens.put(n, share);
    String key = Secrets.newApiKey();
    await(stack.store.createApiKey(users.get(Caller.OWNER).id(), "matrix", key.substring(0, 10), Secrets.sha256(key),
        List.of(site)));
    apiKeys.put(n, key);
    goalsAndFunnel(site, n);
    Map<Caller, Long> keyIds = new EnumMap<>(Caller.class);
    for (Map.Entry<Caller, User> e : users.entrySet()) {
      String own = Secrets.newApiKey();
      keyIds.put(e.getKey(), await(stack.store.createApiKey(e.getValue().id(), "own", own.substring(0, 10),
          Secrets.sha256(own), List.of())).id());
    }
    String invitation = Secrets.randomToken();
    long invitationId = await(stack.store.createInvitation(site, "invitee-" + n + "@example.test", SiteRole.VIEWER,
        Secrets.sha256(invitation), users.get(Caller.OWNER).id(), System.currentTimeMillis() + 3_600_000L)).id();
    String refresh = Secrets.randomToken();
    await(stack.store.storeRefreshToken(new io.trackflow.query.account.RefreshToken(Secrets.sha256(refresh),
        member.id(), "matrix-" + n, System.currentTimeMillis() + 3_600_000L, System.currentTimeMillis())));
    var imported = await(stack.store.createImport(site, users.get(Caller.OWNER).id(), System.currentTimeMillis()));
    await(stack.store.updateImport(imported.with(io.trackflow.query.account.SiteImport.Status.DONE, 0, 0, List.of(),
        null, null, System.currentTimeMillis(), System.currentTimeMillis())));
    return new Fixture(site, member.email(), member.id(), shareId, share, invitationId, invitation, refresh, keyIds, n,
        imported.id());
  }

  private final Map<Integer, Long> spareGoals = new java.util.HashMap<>();
  private final Map<Integer, Long> funnels = new java.util.HashMap<>();

  /** Two goals in a funnel, and a third no funnel uses (so it can be deleted). */
  private void goalsAndFunnel(String site, int n) throws Exception {
    long signup = await(stack.store.createGoal(new Goal(0, site, "Signup", "Signup", null, null, 0))).id();
    long purchase = await(stack.store.createGoal(new Goal(0, site, "Purchase", "Purchase", null, "EUR", 0))).id();
    spareGoals.put(n, await(stack.store.createGoal(new Goal(0, site, "Visit /", null, "/", null, 0))).id());
    funnels.put(n, await(stack.store.createFunnel(site, "Checkout", List.of(signup, purchase))).id());
  }

  private String shareToken(Fixture f) {
    return shareTokens.get(f.n());
  }

  private String apiKey(Fixture f) {
    return apiKeys.get(f.n());
  }
}
