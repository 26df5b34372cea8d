package io.trackflow.query.goal;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Goals and funnels API")
class GoalsApiTest {

  @TempDir
  Path dir;

  private QueryStack stack;
  private String token;

  @BeforeEach
  void start() throws Exception {
    stack = QueryStack.start(dir, true);
    User owner = await(stack.store.createUser("owner@example.com", "unused", false));
    await(stack.store.createSite(new Site("shop.example", "Shop", "UTC", 1L), owner.id()));
    token = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) throws Exception {
    return stack.call(HttpMethod.POST, "/api/sites/shop.example/" + path, token, body);
  }

  private JsonArray list(String path) throws Exception {
    HttpResponse<Buffer> response = stack.call(HttpMethod.GET, "/api/sites/shop.example/" + path, token, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonArray();
  }

  @Test
  @DisplayName("Event and page goals are created with default display names, listed, and refused when repeated")
  void goals() throws Exception {
    HttpResponse<Buffer> purchase = post("goals", new JsonObject().put("event_name", " Purchase ").put("currency", "EUR"));
    assertThat(purchase.statusCode()).isEqualTo(201);
    JsonObject goal = purchase.bodyAsJsonObject();
    assertThat(goal.getLong("id")).isPositive();
    assertThat(goal.getString("display_name")).isEqualTo("Purchase");
    assertThat(goal.getString("event_name")).isEqualTo("Purchase");
    assertThat(goal.getString("currency")).isEqualTo("EUR");
    assertThat(goal.containsKey("page_path")).isTrue();
    assertThat(goal.getString("page_path")).isNull();

    JsonObject blog = post("goals", new JsonObject().put("page_path", "/blog/*")).bodyAsJsonObject();
    assertThat(blog.getString("display_name")).isEqualTo("Visit /blog/*");
    JsonObject named = post("goals", new JsonObject().put("event_name", "Signup").put("display_name", "Signed up"))
        .bodyAsJsonObject();
    assertThat(named.getString("display_name")).isEqualTo("Signed up");
    assertThat(list("goals").stream().map(g -> ((JsonObject) g).getString("display_name")))
        .containsExactly("Purchase", "Visit /blog/*", "Signed up");

    HttpResponse<Buffer> again = post("goals", new JsonObject().put("event_name", "Purchase").put("display_name", "Buy"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("goal_exists");
    assertThat(post("goals", new JsonObject().put("page_path", "/x").put("display_name", "Signed up")).statusCode())
        .isEqualTo(409);
  }

  @Test
  @DisplayName("Malformed goals are refused with a 400 naming the field")
  void invalidGoals() throws Exception {
    List<JsonObject> bad = List.of(
        new JsonObject(),
        new JsonObject().put("event_name", "A").put("page_path", "/a"),
        new JsonObject().put("page_path", "blog"),
        new JsonObject().put("page_path", "/a").put("currency", "EUR"),
        new JsonObject().put("event_name", "A").put("currency", "eur"),
        new JsonObject().put("event_name", "A").put("currency", "XYZ"),
        new JsonObject().put("event_name", "x".repeat(121)),
        new JsonObject().put("event_name", "A\u0000B"),
        new JsonObject().put("event_name", 42),
        new JsonObject().put("event_name", "A").put("goal", "B"));
    for (JsonObject body : bad) {
      HttpResponse<Buffer> response = post("goals", body);
      assertThat(response.statusCode()).as(body.encode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
    }
    assertThat(list("goals")).isEmpty();
  }

  @Test
  @DisplayName("Funnels name 2 to 8 distinct goals of the site, keep their order, and hold on to their goals")
  void funnels() throws Exception {
    long blog = post("goals", new JsonObject().put("page_path", "/blog*")).bodyAsJsonObject().getLong("id");
    post("goals", new JsonObject().put("event_name", "Signup"));
    post("goals", new JsonObject().put("event_name", "Purchase"));

    HttpResponse<Buffer> created = post("funnels", new JsonObject().put("name", "Checkout")
        .put("steps", new JsonArray().add("Visit /blog*").add("Signup").add("Purchase")));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject funnel = created.bodyAsJsonObject();
    assertThat(funnel.getJsonArray("steps").getList()).containsExactly("Visit /blog*", "Signup", "Purchase");
    assertThat(list("funnels")).containsExactly(funnel);

    assertThat(post("funnels", new JsonObject().put("name", "Checkout")
        .put("steps", new JsonArray().add("Signup").add("Purchase"))).statusCode()).isEqualTo(409);
    for (JsonArray steps : List.of(new JsonArray().add("Signup"), new JsonArray().add("Signup").add("Signup"),
        new JsonArray().add("Signup").add("Nope"), new JsonArray(java.util.Collections.nCopies(9, "Signup")))) {
      HttpResponse<Buffer> response = post("funnels", new JsonObject().put("name", "Bad").put("steps", steps));
      assertThat(response.statusCode()).as(steps.encode()).isEqualTo(400);
    }

    HttpResponse<Buffer> inUse = stack.call(HttpMethod.DELETE, "/api/sites/shop.example/goals/" + blog, token, null);
    assertThat(inUse.statusCode()).isEqualTo(409);
    assertThat(inUse.bodyAsJsonObject().getJsonObject("details").getJsonArray("funnels").getList())
        .containsExactly("Checkout");
    long id = funnel.getLong("id");
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/shop.example/funnels/" + id, token, null).statusCode())
        .isEqualTo(204);
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/shop.example/funnels/" + id, token, null).statusCode())
        .isEqualTo(404);
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/shop.example/goals/" + blog, token, null).statusCode())
        .isEqualTo(204);
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/shop.example/goals/" + blog, token, null).statusCode())
        .isEqualTo(404);
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/shop.example/goals/abc", token, null).statusCode())
        .isEqualTo(404);
  }
}
