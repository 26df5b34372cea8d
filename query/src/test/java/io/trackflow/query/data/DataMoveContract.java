package io.trackflow.query.data;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data that moves, on a real event store: an export's CSV sums equal the stats API's answers, a
 * round trip (export a site, import the zip into an empty one) answers the same numbers with
 * imports included, and retention keeps exactly a site's last N days. Each store's test extends
 * this with the store.
 */
public abstract class DataMoveContract {

  static final String ORIGIN = "origin.example";
  static final String COPY = "copy.example";
  static final LocalDate FIRST = LocalDate.parse("2025-03-01");
  static final LocalDate LAST = LocalDate.parse("2025-03-31");
  static final String RANGE = "2025-03-01,2025-03-31";

  @TempDir
  Path dir;

  protected QueryStack stack;
  private String token;
  /** The stack's clock stands still, so "today" cannot move during a test (tokens need a real now). */
  private Instant now;

  /** A store of the kind under test over fresh storage (the stack migrates and closes it). */
  protected abstract QueryStack.EventStoreFactory store();

  @BeforeEach
  void start() throws Exception {
    now = Instant.now();
    stack = QueryStack.start(dir, store(), o -> o, Clock.fixed(now, ZoneOffset.UTC));
    User owner = await(stack.store.createUser("owner@example.com", "unused", false));
    token = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
    await(stack.store.createSite(new Site(ORIGIN, "Origin", "UTC", 1L), owner.id()));
    await(stack.store.createSite(new Site(COPY, "Copy", "UTC", 1L), owner.id()));
    await(events().insert(DailyTraffic.generate(ORIGIN, ZoneOffset.UTC, FIRST, LAST, 24, 7)));
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private EventStore events() {
    return stack.events.orElseThrow();
  }

  // ---- helpers

  private JsonObject stats(String site, JsonObject query) throws Exception {
    HttpResponse<Buffer> answer = stack.call(HttpMethod.POST, "/api/v2/query", token, query.copy().put("site_id", site));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject();
  }

  private static JsonObject query(List<String> metrics, List<String> dimensions) {
    return new JsonObject().put("metrics", new JsonArray(new ArrayList<>(metrics)))
        .put("date_range", new JsonArray().add(FIRST.toString()).add(LAST.toString()))
        .put("dimensions", new JsonArray(new ArrayList<>(dimensions)));
  }

  private Buffer export(String site, String filters) throws Exception {
    String path = "/api/sites/" + site + "/export?date_range=" + RANGE
        + (filters == null ? "" : "&filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8));
    HttpResponse<Buffer> answer = stack.call(HttpMethod.GET, path, token, null);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.getHeader("content-type")).isEqualTo("application/zip");
    assertThat(answer.getHeader("content-disposition")).contains(site.replace('.', '_') + "_20250301_20250331.zip");
    return answer.body();
  }

  /** The zip's files by table name: rows as column → value. */
  private static Map<String, List<Map<String, String>>> unzip(Buffer zip) throws Exception {
    Map<String, List<Map<String, String>>> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.getBytes()), StandardCharsets.UTF_8)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        assertThat(entry.getName()).endsWith("_20250301_20250331.csv");
        String table = entry.getName().substring(0, entry.getName().length() - "_20250301_20250331.csv".length());
        Csv.CsvReader csv = new Csv.CsvReader(new InputStreamReader(new NonClosing(in), StandardCharsets.UTF_8));
        List<String> header = csv.next();
        List<Map<String, String>> rows = files.computeIfAbsent(table, t -> new ArrayList<>());
        for (List<String> record = csv.next(); record != null; record = csv.next()) {
          Map<String, String> row = new HashMap<>();
          for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), record.get(i));
          }
          rows.add(row);
        }
      }
    }
    return files;
  }

  /** A view of the zip stream whose close does not close it (the next entry follows). */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(java.io.InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  private static long sum(List<Map<String, String>> rows, String column) {
    return rows.stream().mapToLong(r -> Long.parseLong(r.get(column))).sum();
  }

  private static long total(JsonObject answer, int metric) {
    return answer.getJsonArray("results").getJsonObject(0).getJsonArray("metrics").getLong(metric);
  }

  // ---- tests

  @Test
  @DisplayName("An export's CSV files, with and without a filter, add up to the stats API's answers for the same range and filters")
  void exportMatchesStats() throws Exception {
    for (String filters : new String[] {null, "[[\"is\",\"visit:country\",[\"DE\"]]]"}) {
      Map<String, List<Map<String, String>>> files = unzip(export(ORIGIN, filters));
      assertThat(files.keySet()).contains("imported_visitors", "imported_sources", "imported_pages",
          "imported_entry_pages", "imported_exit_pages", "imported_custom_events", "imported_locations",
          "imported_devices", "imported_browsers", "imported_operating_systems", "imported_custom_props");
      JsonArray filter = filters == null ? new JsonArray() : new JsonArray(filters);

      // Per day: the visitors file is the stats API's daily answer.
      JsonObject daily = stats(ORIGIN, query(List.of("visitors", "visits", "pageviews", "bounce_rate", "visit_duration"),
          List.of("time:day")).put("filters", filter));
      Map<String, List<Long>> fromApi = new LinkedHashMap<>();
      for (Object o : daily.getJsonArray("results")) {
        JsonArray metrics = ((JsonObject) o).getJsonArray("metrics");
        if (metrics.getLong(1) > 0 || metrics.getLong(2) > 0) {
          fromApi.put(((JsonObject) o).getJsonArray("dimensions").getString(0), metrics.stream()
              .map(m -> ((Number) m).longValue()).toList());
        }
      }
      Map<String, List<Long>> fromCsv = new LinkedHashMap<>();
      for (Map<String, String> row : files.get("imported_visitors")) {
        long visits = Long.parseLong(row.get("visits"));
        long bounceRate = visits == 0 ? 0 : Math.round(100.0 * Long.parseLong(row.get("bounces")) / visits);
        long duration = visits == 0 ? 0 : new java.math.BigDecimal(row.get("visit_duration"))
            .divide(java.math.BigDecimal.valueOf(visits), 0, java.math.RoundingMode.HALF_UP).longValue();
        fromCsv.put(row.get("date"), List.of(Long.parseLong(row.get("visitors")), visits,
            Long.parseLong(row.get("pageviews")), bounceRate, duration));
      }
      assertThat(fromCsv).isEqualTo(fromApi).isNotEmpty();

      // Over the range: each breakdown file adds up to the API's totals.
      JsonObject totals = stats(ORIGIN, query(List.of("visits", "pageviews"), List.of()).put("filters", filter));
      long visits = total(totals, 0);
      assertThat(visits).isPositive();
      assertThat(sum(files.get("imported_pages"), "pageviews")).isEqualTo(total(totals, 1));
      for (String file : List.of("imported_sources", "imported_locations", "imported_devices", "imported_browsers",
          "imported_operating_systems")) {
        assertThat(sum(files.get(file), "visits")).as(file).isEqualTo(visits);
      }
      assertThat(sum(files.get("imported_entry_pages"), "entrances")).isEqualTo(visits);
      assertThat(sum(files.get("imported_exit_pages"), "exits")).isEqualTo(visits);
      JsonArray customEvents = filter.copy().add(new JsonArray("[\"is_not\", \"event:name\", [\"pageview\"]]"));
      long events = total(stats(ORIGIN, query(List.of("events"), List.of()).put("filters", customEvents)), 0);
      assertThat(events).isPositive();
      assertThat(sum(files.get("imported_custom_events"), "events")).isEqualTo(events);
      assertThat(files.get("imported_custom_props")).allSatisfy(r -> assertThat(r.get("property")).isEqualTo("plan"));
      assertThat(sum(files.get("imported_custom_props"), "events")).isEqualTo(events);
      // Visits per source on the API and in the file agree group by group.
      JsonObject sources = stats(ORIGIN, query(List.of("visits"), List.of("visit:source")).put("filters", filter));
      Map<String, Long> bySource = new HashMap<>();
      files.get("imported_sources").forEach(r -> bySource.merge(r.get("source").isEmpty() ? "Direct / None" : r.get("source"),
          Long.parseLong(r.get("visits")), Long::sum));
      for (Object o : sources.getJsonArray("results")) {
        JsonObject r = (JsonObject) o;
        assertThat(bySource.get(r.getJsonArray("dimensions").getString(0))).isEqualTo(r.getJsonArray("metrics").getLong(0));
      }
    }
  }

  private JsonObject capabilities(String site) throws Exception {
    HttpResponse<Buffer> answer = stack.call(HttpMethod.GET, "/api/sites/" + site + "/capabilities", token, null);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject().getJsonObject("dimensions");
  }

  @Test
  @DisplayName("Round trip: a site's export imported into an empty site answers, with imports included, the same daily visitors, visits, pageviews, bounce rate and visit duration, and the same top sources and pages")
  void roundTrip() throws Exception {
    assertThat(capabilities(ORIGIN)).isEqualTo(new JsonObject().put("visit:region", true).put("visit:city", true));
    assertThat(capabilities(COPY)).isEqualTo(new JsonObject().put("visit:region", false).put("visit:city", false));
    long id = ImportCalls.upload(stack, token, COPY, export(ORIGIN, null));
    JsonObject done = ImportCalls.finished(stack, token, COPY, id);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("done");
    assertThat(done.getDouble("progress")).isEqualTo(1.0);
    assertThat(done.getJsonArray("errors")).isEmpty();
    assertThat(done.getString("start_date")).isEqualTo("2025-03-01");
    assertThat(done.getString("end_date")).isEqualTo("2025-03-31");
    // Imported locations carry regions and cities too (the import dropped the cached answer).
    assertThat(capabilities(COPY)).isEqualTo(new JsonObject().put("visit:region", true).put("visit:city", true));

    JsonObject imports = new JsonObject().put("imports", true);
    for (JsonObject q : List.of(
        query(List.of("visitors", "visits", "pageviews", "bounce_rate", "visit_duration"), List.of("time:day")),
        query(List.of("visitors", "visits", "bounce_rate"), List.of("visit:source")).put("pagination", new JsonObject().put("limit", 10)),
        query(List.of("visitors", "pageviews", "visits"), List.of("event:page")).put("pagination", new JsonObject().put("limit", 10)),
        query(List.of("visitors", "visits", "pageviews", "bounce_rate", "views_per_visit"), List.of()),
        query(List.of("visitors", "events"), List.of("event:name")).put("filters", new JsonArray("[[\"is_not\", \"event:name\", [\"pageview\"]]]")))) {
      JsonObject original = stats(ORIGIN, q);
      JsonObject copied = stats(COPY, q.copy().put("include", imports));
      assertThat(copied.getJsonArray("results")).as(q.encode()).isEqualTo(original.getJsonArray("results"));
      assertThat(copied.getJsonArray("results")).as(q.encode()).isNotEmpty();
      assertThat(copied.getJsonObject("meta").getBoolean("imports_included")).isTrue();
      // Without the flag the copy has nothing of its own.
      assertThat(stats(COPY, q).getJsonArray("results").stream().map(r -> ((JsonObject) r).getJsonArray("metrics"))
          .allMatch(m -> m.stream().allMatch(v -> ((Number) v).doubleValue() == 0))).as(q.encode()).isTrue();
    }
    // Hourly buckets cannot come from daily rows: the answer says imports were left out.
    JsonObject hourly = stats(COPY, query(List.of("visitors"), List.of("time:hour")).put("include", imports));
    assertThat(hourly.getJsonObject("meta").getBoolean("imports_included")).isFalse();
    assertThat(hourly.getJsonObject("meta").getString("imports_warning")).contains("daily");
  }

  @Test
  @DisplayName("Retention of 30 days leaves exactly the site's last 30 days (in its own zone) of events and sessions, and other sites untouched")
  void retentionKeepsTheLastThirtyDays() throws Exception {
    String site = "trim.example";
    ZoneId zone = ZoneId.of("America/New_York");
    User owner = await(stack.store.findUserByEmail("owner@example.com")).orElseThrow();
    await(stack.store.createSite(new Site(site, "Trim", zone.getId(), 1L), owner.id()));
    LocalDate today = LocalDate.ofInstant(now, zone);
    List<Event> traffic = DailyTraffic.generate(site, zone, today.minusDays(44), today.minusDays(1), 6, 11);
    await(events().insert(traffic));
    JsonObject byDay = query(List.of("pageviews", "visits"), List.of("time:day"))
        .put("date_range", new JsonArray().add(today.minusDays(50).toString()).add(today.toString()));
    JsonArray before = stats(site, byDay).getJsonArray("results");
    long originBefore = total(stats(ORIGIN, query(List.of("pageviews"), List.of())), 0);

    HttpResponse<Buffer> set = stack.call(HttpMethod.PATCH, "/api/sites/" + site, token,
        new JsonObject().put("retention_days", 30));
    assertThat(set.statusCode()).isEqualTo(200);
    EventStore.Trimmed trimmed = await(stack.assembly.retention().orElseThrow().runOnce());
    assertThat(trimmed.rowsDeleted()).isPositive();

    LocalDate oldestKept = today.minusDays(29);
    JsonArray after = stats(site, byDay).getJsonArray("results");
    for (int i = 0; i < before.size(); i++) {
      JsonObject was = before.getJsonObject(i);
      LocalDate day = LocalDate.parse(was.getJsonArray("dimensions").getString(0));
      JsonArray expected = day.isBefore(oldestKept) ? new JsonArray().add(0).add(0) : was.getJsonArray("metrics");
      assertThat(after.getJsonObject(i).getJsonArray("metrics")).as(day.toString()).isEqualTo(expected);
    }
    long cutoff = oldestKept.atStartOfDay(zone).toInstant().toEpochMilli();
    String first = "SELECT min(timestamp_ms) FROM " + EventsSchema.deduplicated(events().dialect()) + " WHERE site = '" + site + "'";
    String firstSession = "SELECT min(start_ms) FROM " + EventsSchema.sessionsDeduplicated(events().dialect())
        + " WHERE site = '" + site + "'";
    long kept = traffic.stream().filter(e -> e.timestampMillis() >= cutoff).mapToLong(Event::timestampMillis).min().orElseThrow();
    assertThat(((Number) await(events().query(first)).rows().get(0).get(0)).longValue()).isEqualTo(kept);
    assertThat(((Number) await(events().query(firstSession)).rows().get(0).get(0)).longValue()).isGreaterThanOrEqualTo(cutoff);
    assertThat(total(stats(ORIGIN, query(List.of("pageviews"), List.of())), 0)).isEqualTo(originBefore);
  }
}
