package io.trackflow.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Security headers: every response of the one HTTP server carries its kind's set")
class SecurityHeadersTest {

  private static Vertx vertx;
  private static int port;
  private static final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpRoutes routes = (v, router) -> {
      router.get("/plain").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("ok", true)));
      router.get("/broken").handler(ctx -> {
        throw new IllegalStateException("a handler bug");
      });
      router.get("/page").handler(ctx -> {
        SecurityHeaders.DASHBOARD.use(ctx);
        ctx.response().putHeader("content-type", "text/html").end("<p>hi</p>");
      });
      router.get("/embeddable").handler(ctx -> {
        SecurityHeaders.SHARED_DASHBOARD.use(ctx);
        ctx.response().putHeader("content-type", "text/html").end("<p>hi</p>");
      });
      router.get("/collect").handler(ctx -> {
        SecurityHeaders.COLLECTOR.use(ctx);
        ctx.fail(new HttpFailure(400, "bad", "a refused hit"));
      });
    };
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, List.of(routes));
    await(vertx.deployVerticle(server));
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        BodyHandlers.ofString());
  }

  private static void assertLockedDown(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }

  @Test
  @DisplayName("A route that chooses nothing, its 404s, 405s and even a handler's 500 get the locked-down API set")
  void defaultIsLockedDown() throws Exception {
    HttpResponse<String> plain = get("/plain");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertLockedDown(plain);
    HttpResponse<String> missing = get("/nowhere");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertLockedDown(missing);
    HttpResponse<String> broken = get("/broken");
    assertThat(broken.statusCode()).isEqualTo(500);
    assertLockedDown(broken);
    HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/plain")).DELETE().build(), BodyHandlers.ofString());
    assertThat(wrongMethod.statusCode()).isIn(404, 405);
    assertLockedDown(wrongMethod);
  }

  @Test
  @DisplayName("The dashboard's HTML gets a CSP that allows its own scripts, styles and API only, and no framing")
  void dashboard() throws Exception {
    HttpResponse<String> page = get("/page");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(directives(csp)).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
        "img-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
        "form-action 'self'", "frame-ancestors 'none'");
    assertThat(csp).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
  }

  @Test
  @DisplayName("A share link's HTML has the dashboard's CSP but any site may frame it: no X-Frame-Options")
  void shareLink() throws Exception {
    HttpResponse<String> page = get("/embeddable");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(directives(csp)).contains("frame-ancestors *", "script-src 'self'", "connect-src 'self'")
        .doesNotContain("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).isEmpty();
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
  }

  @Test
  @DisplayName("Collector answers, refusals included, carry nosniff and no frame or content policy")
  void collector() throws Exception {
    HttpResponse<String> refused = get("/collect");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(refused.headers().firstValue("Content-Security-Policy")).isEmpty();
    assertThat(refused.headers().firstValue("X-Frame-Options")).isEmpty();
    assertThat(refused.headers().firstValue("Referrer-Policy")).isEmpty();
  }

  private static List<String> directives(String csp) {
    return Arrays.stream(csp.split(";")).map(String::trim).toList();
  }
}
