package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.http.SecurityHeaders;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security headers of every kind of page and route, read from the built jar running
 * standalone (no proxy in front): what a user who runs {@code java -jar trackflow.jar} serves.
 */
class SecurityHeadersIT {

  private static final Map<String, String> BROWSER = Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent(),
      "X-Forwarded-For", "10.3.0.1");

  @TempDir Path dir;

  private enum Expect { API, DASHBOARD, SHARED_DASHBOARD, COLLECTOR }

  @Test
  @DisplayName("Dashboard pages, share links, assets, API answers and errors, health, metrics and the collector's endpoints each carry their kind's security headers")
  void everyRouteKind() {
    try (JarProcess jar = JarProcess.start("trackflow", StandaloneEndToEndIT.standalone(dir), dir, "512m")) {
      jar.awaitReady();
      TrackflowHttp http = jar.http()
          .login(StandaloneEndToEndIT.ADMIN_EMAIL, StandaloneEndToEndIT.ADMIN_PASSWORD);
      String site = StandaloneEndToEndIT.newSiteDomain("headers");
      http.createSite(site, "UTC");
      StandaloneEndToEndIT.awaitSiteAccepted(http, site);
      HttpResponse<String> created = http.post("/api/sites/" + site + "/shares", "application/json",
          new JsonObject().put("label", "embed").encode(), http.authorization());
      assertThat(created.statusCode()).as("share link: %s", created.body()).isEqualTo(201);
      String sharePath = new JsonObject(created.body()).getString("path");
      HttpResponse<String> locked = http.post("/api/sites/" + site + "/shares", "application/json",
          new JsonObject().put("label", "locked").put("password", "a share password 1").encode(), http.authorization());
      assertThat(locked.statusCode()).as("password-protected share link: %s", locked.body()).isEqualTo(201);
      JsonObject lockedLink = new JsonObject(locked.body());

      HttpResponse<String> index = http.get("/", Map.of());
      Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(index.body());
      assertThat(script.find()).as("the built index.html names its script: %s", index.body()).isTrue();
      Matcher style = Pattern.compile("href=\"(/assets/[^\"]+\\.css)\"").matcher(index.body());
      assertThat(style.find()).as("the built index.html names its stylesheet").isTrue();
      String event = new JsonObject().put("n", "pageview").put("u", "https://" + site + "/")
          .put("d", site).encode();

      Map<String, Case> cases = new LinkedHashMap<>();
      cases.put("dashboard /", new Case(index, 200, Expect.DASHBOARD));
      cases.put("dashboard of a site", new Case(http.get("/" + site, Map.of()), 200, Expect.DASHBOARD));
      cases.put("login page", new Case(http.get("/login?next=%2Fsites", Map.of()), 200, Expect.DASHBOARD));
      cases.put("share link", new Case(http.get(sharePath, Map.of()), 200, Expect.SHARED_DASHBOARD));
      cases.put("password-protected share link (its password page)",
          new Case(http.get(lockedLink.getString("path"), Map.of()), 200, Expect.SHARED_DASHBOARD));
      cases.put("first-run setup page", new Case(http.get("/setup", Map.of()), 200, Expect.DASHBOARD));
      cases.put("invitation page", new Case(http.get("/invite", Map.of()), 200, Expect.DASHBOARD));
      cases.put("account settings page", new Case(http.get("/settings", Map.of()), 200, Expect.DASHBOARD));
      cases.put("site settings page", new Case(http.get("/" + site + "/settings", Map.of()), 200, Expect.DASHBOARD));
      cases.put("user administration page", new Case(http.get("/admin/users", Map.of()), 200, Expect.DASHBOARD));
      cases.put("sites page", new Case(http.get("/sites", Map.of()), 200, Expect.DASHBOARD));
      cases.put("script asset", new Case(http.get(script.group(1), Map.of()), 200, Expect.API));
      cases.put("style asset", new Case(http.get(style.group(1), Map.of()), 200, Expect.API));
      cases.put("missing asset", new Case(http.get("/assets/none-00000000.js", Map.of()), 404, Expect.API));
      cases.put("API JSON", new Case(http.get("/api/sites", http.authorization()), 200, Expect.API));
      cases.put("API JSON for a share link", new Case(http.get("/api/sites/" + site + "/realtime?"
          + sharePath.substring(sharePath.indexOf('?') + 1), Map.of()), 200, Expect.API));
      cases.put("API: setup status", new Case(http.get("/api/setup", Map.of()), 200, Expect.API));
      cases.put("API: account", new Case(http.get("/api/account", http.authorization()), 200, Expect.API));
      cases.put("API: users", new Case(http.get("/api/users", http.authorization()), 200, Expect.API));
      cases.put("API: API keys", new Case(http.get("/api/keys", http.authorization()), 200, Expect.API));
      cases.put("API: members", new Case(http.get("/api/sites/" + site + "/members", http.authorization()), 200,
          Expect.API));
      cases.put("API: invitations", new Case(http.get("/api/sites/" + site + "/invitations", http.authorization()),
          200, Expect.API));
      cases.put("API: share links", new Case(http.get("/api/sites/" + site + "/shares", http.authorization()), 200,
          Expect.API));
      cases.put("API: share link locked", new Case(http.get("/api/sites/" + site + "/realtime?auth="
          + lockedLink.getString("token"), Map.of()), 401, Expect.API));
      cases.put("API: share unlock, wrong password", new Case(http.post("/api/share/unlock", "application/json",
          new JsonObject().put("token", lockedLink.getString("token")).put("password", "not it").encode(), Map.of()),
          403, Expect.API));
      cases.put("API: invitation preview, unknown token", new Case(http.post("/api/invitations/preview",
          "application/json", new JsonObject().put("token", "x".repeat(43)).encode(), Map.of()), 404, Expect.API));
      cases.put("OpenAPI document", new Case(http.get("/api/openapi.json", Map.of()), 200, Expect.API));
      cases.put("API 401", new Case(http.get("/api/sites", Map.of()), 401, Expect.API));
      cases.put("API 404", new Case(http.get("/api/no-such-route", http.authorization()), 404, Expect.API));
      cases.put("API 400", new Case(http.post("/api/v2/query", "application/json", "{", http.authorization()),
          400, Expect.API));
      cases.put("API 405", new Case(http.request("PATCH", "/", Map.of()), 405, Expect.API));
      cases.put("liveness", new Case(http.get("/health/live", Map.of()), 200, Expect.API));
      cases.put("readiness", new Case(http.get("/health/ready", Map.of()), 200, Expect.API));
      cases.put("metrics", new Case(http.get("/metrics", Map.of()), 200, Expect.API));
      cases.put("pixel", new Case(http.get("/i?d=" + site + "&u=https%3A%2F%2F" + site + "%2F", BROWSER),
          200, Expect.COLLECTOR));
      cases.put("beacon 202", new Case(http.beacon(event, "text/plain", BROWSER), 202, Expect.COLLECTOR));
      cases.put("beacon 400", new Case(http.beacon("{", "text/plain", BROWSER), 400, Expect.COLLECTOR));
      cases.put("beacon 413", new Case(http.beacon("x".repeat(1 << 20), "text/plain", BROWSER), 413,
          Expect.COLLECTOR));
      cases.put("beacon preflight", new Case(http.request("OPTIONS", "/api/event",
          Map.of("Origin", "https://" + site, "Access-Control-Request-Method", "POST")), 204, Expect.COLLECTOR));
      cases.put("tracker.js", new Case(http.get("/tracker.js", Map.of()), 200, Expect.COLLECTOR));

      cases.forEach((name, c) -> c.check(name));
    }
  }

  private record Case(HttpResponse<String> response, int status, Expect kind) {

    void check(String name) {
      assertThat(response.statusCode()).as("%s: status (%s)", name, response.body()).isEqualTo(status);
      assertThat(header("X-Content-Type-Options")).as("%s: nosniff", name).isEqualTo("nosniff");
      switch (kind) {
        case API -> {
          assertThat(header("Content-Security-Policy")).as(name).isEqualTo(SecurityHeaders.API.contentSecurityPolicy());
          assertThat(header("X-Frame-Options")).as(name).isEqualTo("DENY");
          assertThat(header("Referrer-Policy")).as(name).isEqualTo("strict-origin-when-cross-origin");
        }
        case DASHBOARD, SHARED_DASHBOARD -> {
          boolean shared = kind == Expect.SHARED_DASHBOARD;
          assertThat(header("Content-Security-Policy")).as(name)
              .isEqualTo((shared ? SecurityHeaders.SHARED_DASHBOARD : SecurityHeaders.DASHBOARD).contentSecurityPolicy())
              .contains(shared ? "frame-ancestors *" : "frame-ancestors 'none'").doesNotContain("unsafe-inline");
          assertThat(header("X-Frame-Options")).as("%s: framing %s", name, shared ? "allowed" : "refused")
              .isEqualTo(shared ? null : "DENY");
          assertThat(header("Referrer-Policy")).as(name).isEqualTo("strict-origin-when-cross-origin");
          assertThat(header("Content-Type")).as(name).startsWith("text/html");
        }
        case COLLECTOR -> {
          assertThat(header("Content-Security-Policy")).as(name).isNull();
          assertThat(header("X-Frame-Options")).as(name).isNull();
          if (name.startsWith("beacon")) {
            assertThat(header("Access-Control-Allow-Origin")).as("%s: CORS", name).isEqualTo("*");
          }
        }
      }
    }

    private String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }
}
