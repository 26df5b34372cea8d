package io.trackflow.query.site;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Site settings: time zone, retention, privacy signals, reset")
class SiteSettingsApiTest {

  @TempDir
  Path dir;

  private QueryStack stack;
  private String ownerToken;
  private User owner;

  @BeforeEach
  void start() throws Exception {
    stack = QueryStack.start(dir, true);
    owner = await(stack.store.createUser("owner@example.com", "unused", false));
    ownerToken = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private static Event pageview(long id, String site, long at) {
    return Event.builder().eventId(id).site(site).timestampMillis(at).name(Event.PAGEVIEW).pathname("/").build();
  }

  /** Pageviews per day of a fixed two-day range, as the stats API answers them. */
  private Map<String, Long> daily(String site, String from, String to) throws Exception {
    HttpResponse<Buffer> answer = stack.call(HttpMethod.POST, "/api/v2/query", ownerToken, new JsonObject()
        .put("site_id", site).put("metrics", new JsonArray().add("pageviews"))
        .put("date_range", new JsonArray().add(from).add(to)).put("dimensions", new JsonArray().add("time:day")));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    Map<String, Long> days = new LinkedHashMap<>();
    for (Object row : answer.bodyAsJsonObject().getJsonArray("results")) {
      JsonObject r = (JsonObject) row;
      days.put(r.getJsonArray("dimensions").getString(0), r.getJsonArray("metrics").getLong(0));
    }
    return days;
  }

  @Test
  @DisplayName("Changing the time zone re-buckets days already stored: the next answer uses the new zone")
  void timeZoneRebucketsPastDays() throws Exception {
    await(stack.store.createSite(new Site("zone.example", "Zone", "UTC", 1L), owner.id()));
    // 2024-03-10 23:30 UTC is 00:30 on 2024-03-11 in Berlin (UTC+1 then).
    long lateEvening = LocalDate.of(2024, 3, 10).atTime(23, 30).toInstant(ZoneOffset.UTC).toEpochMilli();
    long noon = LocalDate.of(2024, 3, 10).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
    await(stack.events.orElseThrow().insert(List.of(pageview(1, "zone.example", noon), pageview(2, "zone.example", lateEvening))));

    assertThat(daily("zone.example", "2024-03-10", "2024-03-11")).containsEntry("2024-03-10", 2L);
    HttpResponse<Buffer> moved = stack.call(HttpMethod.PATCH, "/api/sites/zone.example", ownerToken,
        new JsonObject().put("timezone", "Europe/Berlin"));
    assertThat(moved.statusCode()).isEqualTo(200);
    Map<String, Long> berlin = daily("zone.example", "2024-03-10", "2024-03-11");
    assertThat(berlin).containsEntry("2024-03-10", 1L).containsEntry("2024-03-11", 1L);
  }

  @Test
  @DisplayName("Resetting stats deletes the site's events and keeps the site, its people and other sites' events")
  void resetKeepsSettings() throws Exception {
    await(stack.store.createSite(new Site("reset.example", "Reset me", "Europe/Berlin", 1L), owner.id()));
    await(stack.store.createSite(new Site("kept.example", "Kept", "UTC", 1L), owner.id()));
    User admin = await(stack.store.createUser("admin@example.com", "unused", false));
    await(stack.store.putMember("reset.example", admin.id(), SiteRole.ADMIN));
    long now = System.currentTimeMillis();
    await(stack.events.orElseThrow().insert(List.of(pageview(1, "reset.example", now), pageview(2, "reset.example", now),
        pageview(3, "kept.example", now))));
    // "Today" in each site's own zone: between 23:00 and 24:00 UTC, Berlin is a day ahead.
    String today = java.time.Instant.ofEpochMilli(now).atZone(java.time.ZoneId.of("Europe/Berlin")).toLocalDate().toString();
    String todayUtc = java.time.Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate().toString();
    // The answer is cached before the reset, so the reset must drop it.
    assertThat(daily("reset.example", today, today).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);

    String adminToken = stack.assembly.tokens().issue(admin.id(), admin.email()).token();
    assertThat(stack.call(HttpMethod.POST, "/api/sites/reset.example/reset", adminToken, null).statusCode()).isEqualTo(403);
    assertThat(stack.call(HttpMethod.POST, "/api/sites/reset.example/reset", ownerToken, null).statusCode()).isEqualTo(204);

    assertThat(daily("reset.example", today, today).values().stream().mapToLong(Long::longValue).sum()).isZero();
    assertThat(daily("kept.example", todayUtc, todayUtc).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    JsonObject site = stack.call(HttpMethod.GET, "/api/sites/reset.example", ownerToken, null).bodyAsJsonObject();
    assertThat(site.getString("name")).isEqualTo("Reset me");
    assertThat(site.getString("timezone")).isEqualTo("Europe/Berlin");
    assertThat(await(stack.store.members("reset.example"))).hasSize(2);
  }

  @Test
  @DisplayName("Retention and privacy signals are set, cleared and shown through PATCH; bad values get a 400 naming the field")
  void retentionAndPrivacySignals() throws Exception {
    await(stack.store.createSite(new Site("settings.example", "Settings", "UTC", 1L), owner.id()));
    JsonObject fresh = stack.call(HttpMethod.GET, "/api/sites/settings.example", ownerToken, null).bodyAsJsonObject();
    assertThat(fresh.containsKey("retention_days")).isTrue();
    assertThat(fresh.getValue("retention_days")).isNull();
    assertThat(fresh.getBoolean("privacy_signals")).isFalse();

    HttpResponse<Buffer> set = stack.call(HttpMethod.PATCH, "/api/sites/settings.example", ownerToken,
        new JsonObject().put("retention_days", 30).put("privacy_signals", true));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject().getInteger("retention_days")).isEqualTo(30);
    assertThat(set.bodyAsJsonObject().getBoolean("privacy_signals")).isTrue();
    assertThat(stack.call(HttpMethod.GET, "/api/sites", ownerToken, null).bodyAsJsonArray().getJsonObject(0)
        .getInteger("retention_days")).isEqualTo(30);

    HttpResponse<Buffer> forever = stack.call(HttpMethod.PATCH, "/api/sites/settings.example", ownerToken,
        new JsonObject().putNull("retention_days"));
    assertThat(forever.statusCode()).isEqualTo(200);
    assertThat(forever.bodyAsJsonObject().getValue("retention_days")).isNull();
    assertThat(forever.bodyAsJsonObject().getBoolean("privacy_signals")).isTrue();

    for (JsonObject bad : List.of(new JsonObject().put("retention_days", 0), new JsonObject().put("retention_days", 1.5),
        new JsonObject().put("retention_days", "30"), new JsonObject().put("retention_days", 100_000),
        new JsonObject().put("privacy_signals", "yes"), new JsonObject())) {
      HttpResponse<Buffer> refused = stack.call(HttpMethod.PATCH, "/api/sites/settings.example", ownerToken, bad);
      assertThat(refused.statusCode()).as(bad.encode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("message")).as(bad.encode())
          .containsAnyOf("retention_days", "privacy_signals");
    }
  }
}
