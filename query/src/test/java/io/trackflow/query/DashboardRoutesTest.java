package io.trackflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.http.SecurityHeaders;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Dashboard serving")
class DashboardRoutesTest {

  @TempDir
  Path dir;

  private QueryStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = QueryStack.start(dir, false);
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  @DisplayName("The app's index is served at / and revalidated on every load")
  void index() throws Exception {
    var response = stack.call(HttpMethod.GET, "/", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("TrackFlow test dashboard");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-cache");
  }

  @Test
  @DisplayName("Hashed assets are cached for a year as immutable")
  void assets() throws Exception {
    var response = stack.call(HttpMethod.GET, "/assets/app-1a2b3c4d.js", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("console.log");
    assertThat(response.getHeader("Cache-Control")).contains("immutable").contains("max-age=31536000");
    assertThat(stack.call(HttpMethod.GET, "/assets/missing-0000.js", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("The app's pages may not be framed, share links may; assets and API answers get the locked-down set")
  void securityHeaders() throws Exception {
    for (String page : new String[] {"/", "/example.com", "/sites", "/login?next=%2Fsites"}) {
      var response = stack.call(HttpMethod.GET, page, null, null);
      assertThat(response.getHeader("Content-Security-Policy")).as(page)
          .isEqualTo(SecurityHeaders.DASHBOARD.contentSecurityPolicy()).contains("frame-ancestors 'none'");
      assertThat(response.getHeader("X-Frame-Options")).as(page).isEqualTo("DENY");
      assertThat(response.getHeader("X-Content-Type-Options")).as(page).isEqualTo("nosniff");
    }
    var share = stack.call(HttpMethod.GET, "/share/example.com?auth=abc", null, null);
    assertThat(share.getHeader("Content-Security-Policy"))
        .isEqualTo(SecurityHeaders.SHARED_DASHBOARD.contentSecurityPolicy()).contains("frame-ancestors *");
    assertThat(share.getHeader("X-Frame-Options")).isNull();
    assertThat(share.getHeader("Referrer-Policy")).isEqualTo("strict-origin-when-cross-origin");
    for (String other : new String[] {"/assets/app-1a2b3c4d.js", "/assets/missing-0000.js", "/api/nothing-here"}) {
      var response = stack.call(HttpMethod.GET, other, null, null);
      assertThat(response.getHeader("Content-Security-Policy")).as(other)
          .isEqualTo(SecurityHeaders.API.contentSecurityPolicy());
      assertThat(response.getHeader("X-Frame-Options")).as(other).isEqualTo("DENY");
    }
  }

  @Test
  @DisplayName("Client-side routes get the app, while unknown API paths stay JSON errors")
  void fallback() throws Exception {
    var page = stack.call(HttpMethod.GET, "/example.com", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("TrackFlow test dashboard");
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    var share = stack.call(HttpMethod.GET, "/share/example.com?auth=abc", null, null);
    assertThat(share.statusCode()).isEqualTo(200);
    assertThat(share.bodyAsString()).contains("TrackFlow test dashboard");

    long user = QueryStack.await(stack.store.createUser("u@example.com", "x", false)).id();
    String token = stack.assembly.tokens().issue(user, "u@example.com").token();
    var api = stack.call(HttpMethod.GET, "/api/nothing-here", token, null);
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(api.bodyAsJsonObject().getString("code")).isEqualTo("not_found");
    assertThat(stack.call(HttpMethod.GET, "/api/nothing-here", null, null).statusCode()).isEqualTo(401);
  }
}
