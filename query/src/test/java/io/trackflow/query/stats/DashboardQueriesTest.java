package io.trackflow.query.stats;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.trackflow.core.event.Event;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Goal;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seam between the dashboard and the stats API: the dashboard's own query builders
 * ({@code dashboard/scripts/queries.mjs} runs them for every card, tab, period, interval, graph
 * metric and filter operator) produce request bodies that the real parser accepts and the real
 * DuckDB store answers. The dashboard's tests fake every fetch, so only this checks both sides agree.
 */
class DashboardQueriesTest {

  private static final Path DASHBOARD = Path.of("..", "dashboard").toAbsolutePath().normalize();
  private static final String SITE = "dashboard.example";

  @TempDir
  Path dir;

  @Test
  @DisplayName("Every query the dashboard builds (stats, funnels, property keys) is answered 200 with results by the API over DuckDB")
  void everyDashboardQueryIsAccepted() throws Exception {
    JsonArray queries = dashboardQueries();
    assertThat(queries.size()).as("queries the dashboard builds").isGreaterThan(100);

    try (QueryStack stack = QueryStack.start(dir, true)) {
      User owner = await(stack.store.createUser("owner@example.com", "hash", false));
      await(stack.store.createSite(new Site(SITE, SITE, "Europe/Berlin", 1_000L), owner.id()));
      // The goal and the funnel the dashboard's sample queries name.
      long signup = await(stack.store.createGoal(new Goal(0, SITE, "Signup", "Signup", null, null, 0))).id();
      long home = await(stack.store.createGoal(new Goal(0, SITE, "Visit /", null, "/", null, 0))).id();
      await(stack.store.createFunnel(SITE, "Signup funnel", List.of(home, signup)));
      String token = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
      long now = System.currentTimeMillis();
      // A little data, so the statements run over rows and the goal has conversions.
      await(stack.events.orElseThrow().insert(List.of(
          pageview(1, now - 60_000, "/", 11),
          pageview(2, now - 30_000, "/blog/launch", 11),
          Event.builder().eventId(3).site(SITE).timestampMillis(now - 20_000).name("Signup").pathname("/blog/launch")
              .visitorId(11).sessionId(111).props(List.of("plan"), List.of("Signup")).build(),
          pageview(4, now - Duration.ofDays(40).toMillis(), "/pricing", 12))));

      List<String> refused = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++) {
        JsonObject query = queries.getJsonObject(i);
        String path = query.getString("path", "/api/v2/query");
        HttpResponse<Buffer> answer = stack.call(HttpMethod.POST, path, token, query.getJsonObject("body"));
        String answers = path.equals("/api/v2/funnel") ? "steps" : "results";
        if (answer.statusCode() != 200 || !(answer.bodyAsJsonObject().getValue(answers) instanceof JsonArray)) {
          refused.add(query.getString("name") + " → " + answer.statusCode() + " " + answer.bodyAsString()
              + "\n    " + query.getJsonObject("body").encode());
        }
      }
      assertThat(refused).as("dashboard queries the stats API did not answer with results").isEmpty();
    }
  }

  private static Event pageview(long id, long at, String path, long visitor) {
    return Event.builder().eventId(id).site(SITE).timestampMillis(at).name(Event.PAGEVIEW).pathname(path)
        .visitorId(visitor).sessionId(visitor * 10 + id).build();
  }

  /** Runs the dashboard's query script with the machine's Node and reads what it printed. */
  private JsonArray dashboardQueries() throws IOException, InterruptedException {
    Path script = DASHBOARD.resolve("scripts/queries.mjs");
    assertThat(script).as("the dashboard's query script").exists();
    Path out = dir.resolve("queries.json");
    Path err = dir.resolve("queries.err");
    Process node;
    try {
      node = new ProcessBuilder("node", script.toString(), SITE).directory(DASHBOARD.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("this test runs the dashboard's query builders with Node (>= 20): "
          + "install the Debian package 'nodejs'", e);
    }
    if (!node.waitFor(2, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      fail("node scripts/queries.mjs did not finish within 2 minutes:\n" + Files.readString(err));
    }
    assertThat(node.exitValue()).as("node scripts/queries.mjs exit code:\n%s", Files.readString(err)).isZero();
    return new JsonArray(Files.readString(out));
  }
}
