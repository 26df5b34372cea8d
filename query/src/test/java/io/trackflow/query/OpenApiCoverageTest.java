package io.trackflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("OpenAPI document")
class OpenApiCoverageTest {

  @TempDir
  Path dir;

  private QueryStack stack;
  private JsonObject doc;

  @BeforeEach
  void start() throws Exception {
    stack = QueryStack.start(dir, true);
    doc = OpenApiRoutes.load();
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  @DisplayName("Every /api route the query role mounts, with each of its methods, is described in the document")
  void everyMountedRouteIsDocumented() {
    assertThat(stack.assembly.servesStats()).isTrue();
    Router router = Router.router(stack.vertx);
    stack.assembly.routes().forEach(r -> r.mount(stack.vertx, router));
    List<String> mounted = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || !path.startsWith("/api/") || !route.isExactPath() || route.methods() == null) {
        continue;
      }
      String template = path.replaceAll(":([A-Za-z_]+)", "{$1}");
      for (HttpMethod method : route.methods()) {
        String op = method.name().toLowerCase(Locale.ROOT) + " " + template;
        mounted.add(op);
        JsonObject item = doc.getJsonObject("paths").getJsonObject(template);
        if (item == null || !item.containsKey(method.name().toLowerCase(Locale.ROOT))) {
          missing.add(op);
        }
      }
    }
    assertThat(mounted).contains("post /api/v2/query", "get /api/sites/{domain}/realtime", "post /api/auth/login",
        "delete /api/sites/{domain}/members/{email}", "get /api/openapi.json");
    assertThat(missing).as("mounted routes missing from openapi.json").isEmpty();
  }

  @Test
  @DisplayName("The document is OpenAPI 3.1, covers the collector's endpoints, and every reference in it resolves")
  void wellFormed() {
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    assertThat(doc.getJsonObject("paths").fieldNames()).contains("/api/event", "/i", "/api/v2/query");
    Matcher refs = Pattern.compile("\"\\$ref\":\"#/components/schemas/([A-Za-z]+)\"").matcher(doc.encode());
    int count = 0;
    while (refs.find()) {
      count++;
      assertThat(doc.getJsonObject("components").getJsonObject("schemas").containsKey(refs.group(1)))
          .as("schema %s", refs.group(1)).isTrue();
    }
    assertThat(count).isGreaterThan(10);
    doc.getJsonObject("paths").forEach(e -> ((JsonObject) e.getValue()).forEach(op -> {
      if (!op.getKey().equals("parameters")) {
        assertThat(((JsonObject) op.getValue()).getJsonObject("responses")).as(e.getKey() + " " + op.getKey()).isNotEmpty();
      }
    }));
  }

  @Test
  @DisplayName("The stats query's metric list names every metric the parser accepts, and no other")
  void everyMetricIsDocumented() {
    List<Object> documented = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("StatsQuery")
        .getJsonObject("properties").getJsonObject("metrics").getJsonObject("items").getJsonArray("enum").getList();
    assertThat(documented).containsExactlyInAnyOrderElementsOf(
        java.util.Arrays.stream(io.trackflow.query.stats.Metric.values()).map(io.trackflow.query.stats.Metric::apiName).toList());
  }

  @Test
  @DisplayName("The document is served at /api/openapi.json without credentials")
  void served() throws Exception {
    var response = stack.call(HttpMethod.GET, "/api/openapi.json", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("openapi")).isEqualTo("3.1.0");
  }
}
