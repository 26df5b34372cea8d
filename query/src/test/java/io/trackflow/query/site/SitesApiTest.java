package io.trackflow.query.site;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.site.SiteInfo;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Sites API")
class SitesApiTest {

  @TempDir
  Path dir;

  private QueryStack stack;
  private User owner;
  private String token;

  @BeforeEach
  void start() throws Exception {
    stack = QueryStack.start(dir, true);
    owner = await(stack.store.createUser("owner@example.com", await(stack.assembly.hasher().hash("owner password")), false));
    token = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private HttpResponse<Buffer> create(String domain, String timezone) throws Exception {
    return stack.call(HttpMethod.POST, "/api/sites", token, new JsonObject().put("domain", domain).put("timezone", timezone));
  }

  @Test
  @DisplayName("A new site is validated, owned by its creator, and unique by domain")
  void create() throws Exception {
    HttpResponse<Buffer> created = create("Shop.Example.COM", "Europe/Berlin");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getString("domain")).isEqualTo("shop.example.com");
    assertThat(created.bodyAsJsonObject().getString("name")).isEqualTo("shop.example.com");
    assertThat(created.bodyAsJsonObject().getString("role")).isEqualTo("owner");
    assertThat(create("shop.example.com", "UTC").statusCode()).isEqualTo(409);

    HttpResponse<Buffer> badZone = create("a.example", "Mars/Olympus");
    assertThat(badZone.statusCode()).isEqualTo(400);
    assertThat(badZone.bodyAsJsonObject().getString("message")).startsWith("timezone");
    assertThat(create("a.example", "+02:00").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> badDomain = create("not a domain!", "UTC");
    assertThat(badDomain.statusCode()).isEqualTo(400);
    assertThat(badDomain.bodyAsJsonObject().getString("message")).startsWith("domain");
    assertThat(stack.call(HttpMethod.PATCH, "/api/sites/shop.example.com", token,
        new JsonObject().put("timezone", "Nowhere/City")).statusCode()).isEqualTo(400);
    assertThat(stack.call(HttpMethod.PATCH, "/api/sites/shop.example.com", token,
        new JsonObject().put("domain", "other.example")).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("Deleting a site deletes its events and leaves other sites' events, and the collector's list hears of it")
  void deleteRemovesEvents() throws Exception {
    create("gone.example", "UTC");
    create("kept.example", "UTC");
    long now = System.currentTimeMillis();
    await(stack.events.orElseThrow().insert(List.of(
        Event.builder().eventId(1).site("gone.example").timestampMillis(now).name(Event.PAGEVIEW).pathname("/").build(),
        Event.builder().eventId(2).site("gone.example").timestampMillis(now).name(Event.PAGEVIEW).pathname("/a").build(),
        Event.builder().eventId(3).site("kept.example").timestampMillis(now).name(Event.PAGEVIEW).pathname("/").build())));
    AccountSiteDirectory directory = new AccountSiteDirectory(stack.store);
    CountDownLatch changed = new CountDownLatch(1);
    directory.onChange(changed::countDown);

    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/gone.example", token, null).statusCode()).isEqualTo(204);

    assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(await(directory.listSites())).containsExactly(new SiteInfo("kept.example", "UTC"));
    var counts = await(stack.events.get().query("SELECT site, count(*) AS n FROM events GROUP BY site ORDER BY site"));
    assertThat(counts.rows()).hasSize(1);
    assertThat(counts.rows().get(0).get(0)).isEqualTo("kept.example");
    assertThat(stack.call(HttpMethod.GET, "/api/sites/gone.example", token, null).statusCode()).isEqualTo(404);
  }
}
