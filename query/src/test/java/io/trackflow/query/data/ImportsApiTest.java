package io.trackflow.query.data;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.ForwardingEventStore;
import io.trackflow.core.store.ImportedRow;
import io.trackflow.core.store.ImportedTable;
import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.User;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Imports: uploads, errors per file, replacing a range, deleting")
class ImportsApiTest {

  private static final String SITE = "imports.example";

  @TempDir
  Path dir;

  private QueryStack stack;
  private String ownerToken;
  private String viewerToken;

  @BeforeEach
  void start() throws Exception {
    start(QueryStack.start(dir, true));
  }

  private void start(QueryStack started) throws Exception {
    stack = started;
    User owner = await(stack.store.createUser("owner@example.com", "unused", false));
    User viewer = await(stack.store.createUser("viewer@example.com", "unused", false));
    await(stack.store.createSite(new Site(SITE, "Imports", "UTC", 1L), owner.id()));
    await(stack.store.putMember(SITE, viewer.id(), SiteRole.VIEWER));
    ownerToken = stack.assembly.tokens().issue(owner.id(), owner.email()).token();
    viewerToken = stack.assembly.tokens().issue(viewer.id(), viewer.email()).token();
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  /** A DuckDB event store whose imported tables refuse every row, as a broken store's would. */
  private static final class WithoutImportedTables extends ForwardingEventStore {
    WithoutImportedTables(EventStore inner) {
      super(inner);
    }

    @Override
    public Future<Void> insertImported(ImportedTable table, String site, long importId, List<ImportedRow> rows) {
      return Future.failedFuture(new IllegalStateException("no imported tables in " + inner));
    }
  }

  private static Buffer zip(Map<String, String> files) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  private HttpResponse<Buffer> upload(String token, String type, Buffer body) throws Exception {
    var request = stack.request(HttpMethod.POST, "/api/sites/" + SITE + "/imports")
        .putHeader("Authorization", "Bearer " + token);
    if (type != null) {
      request.putHeader("Content-Type", type);
    }
    return await(request.sendBuffer(body));
  }

  private JsonObject importAndWait(Map<String, String> files) throws Exception {
    long id = ImportCalls.upload(stack, ownerToken, SITE, zip(files));
    return ImportCalls.finished(stack, viewerToken, SITE, id);
  }

  /** Visitors per day of January 2024 with imports included, days without any left out. */
  private Map<String, Long> visitorsByDay() throws Exception {
    HttpResponse<Buffer> answer = stack.call(HttpMethod.POST, "/api/v2/query", ownerToken, new JsonObject()
        .put("site_id", SITE).put("metrics", new JsonArray().add("visitors").add("pageviews"))
        .put("date_range", new JsonArray().add("2024-01-01").add("2024-01-31"))
        .put("dimensions", new JsonArray().add("time:day")).put("include", new JsonObject().put("imports", true)));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    Map<String, Long> days = new LinkedHashMap<>();
    for (Object o : answer.bodyAsJsonObject().getJsonArray("results")) {
      JsonObject r = (JsonObject) o;
      if (r.getJsonArray("metrics").getLong(0) > 0) {
        days.put(r.getJsonArray("dimensions").getString(0), r.getJsonArray("metrics").getLong(0));
      }
    }
    return days;
  }

  @Test
  @DisplayName("Uploads that are not a zip, not sent as application/zip, or sent by a viewer are refused with a 4xx before any job starts")
  void refusedUploads() throws Exception {
    Buffer good = zip(Map.of("imported_visitors_20240101_20240101.csv", "date,visitors\n2024-01-01,1\n"));
    HttpResponse<Buffer> json = upload(ownerToken, "application/json", good);
    assertThat(json.statusCode()).isEqualTo(415);
    assertThat(json.bodyAsJsonObject().getString("message")).contains("application/zip");
    HttpResponse<Buffer> notZip = upload(ownerToken, "application/zip", Buffer.buffer("date,visitors\n"));
    assertThat(notZip.statusCode()).isEqualTo(400);
    assertThat(notZip.bodyAsJsonObject().getString("code")).isEqualTo("not_a_zip");
    assertThat(upload(viewerToken, "application/zip", good).statusCode()).isEqualTo(403);
    assertThat(stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/imports", ownerToken, null).bodyAsJsonArray()).isEmpty();
    assertThat(stack.registry.find("trackflow.api.rejected").tag("code", "not_a_zip").counter().count()).isEqualTo(1);
  }

  @Test
  @DisplayName("An export with bad files fails with one clear error per bad file, and stores nothing")
  void badFilesFailTheImport() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("imported_visitors_20240101_20240102.csv", "date,visitors,pageviews,bounces,visits,visit_duration\n"
        + "2024-01-01,10,20,5,12,600\n");
    files.put("imported_pages_20240101_20240102.csv", "\"date\",\"hostname\",\"page\",\"visits\",\"visitors\",\"pageviews\"\n"
        + "\"2024-01-01\",\"a.example\",\"/\",1,1,2\n\"2024-01-02\",\"a.example\",\"/x\",1,one,2\n");
    files.put("notes.txt", "hello");
    files.put("imported_sources_20240101_20240102.csv", "date,source,visitors\n2024-13-01,Google,1\n");
    JsonObject failed = importAndWait(files);
    assertThat(failed.getString("status")).isEqualTo("failed");
    List<String> errors = new ArrayList<>();
    failed.getJsonArray("errors").forEach(e -> errors.add(((JsonObject) e).getString("file") + ": "
        + ((JsonObject) e).getString("message")));
    assertThat(errors).containsExactlyInAnyOrder(
        "imported_pages_20240101_20240102.csv: line 3: visitors: 'one' is not a whole number of 0 or more",
        "imported_sources_20240101_20240102.csv: line 2: date: '2024-13-01' is not a date (YYYY-MM-DD)",
        "notes.txt: not a CSV file; an export holds imported_*.csv files");
    assertThat(visitorsByDay()).isEmpty();

    JsonObject empty = importAndWait(Map.of("readme.md/", ""));
    assertThat(empty.getString("status")).isEqualTo("failed");
    assertThat(empty.getJsonArray("errors").getJsonObject(0).getString("message")).contains("no imported_*.csv files");
    // Bad files are the uploader's to fix: counted as failed imports, not as the operator's failures.
    assertThat(stack.registry.find("trackflow.imports.finished").tag("status", "failed").counter().count()).isEqualTo(2);
    assertThat(stack.registry.find("trackflow.imports.store.failures").counter().count()).isZero();
    assertThat(stack.registry.find("trackflow.imports.running").gauge().value()).isZero();
  }

  @Test
  @DisplayName("An import whose rows the event store refuses fails and is counted as a store failure, for the operator's alert; afterwards no import runs")
  void storeFailureIsCounted() throws Exception {
    stack.close();
    start(QueryStack.start(dir.resolve("without-imports"), (vertx, registry) -> new WithoutImportedTables(
        new DuckDbEventStore(vertx, dir.resolve("without-imports.duckdb"), registry)), o -> o, Clock.systemUTC()));
    JsonObject failed = importAndWait(Map.of("imported_visitors_20240101_20240101.csv",
        "date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-01,10,20,5,12,600\n"));
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonArray("errors").getJsonObject(0).getString("message")).startsWith("storing the rows failed");
    assertThat(stack.registry.find("trackflow.imports.store.failures").counter().count()).isEqualTo(1);
    assertThat(stack.registry.find("trackflow.imports.finished").tag("status", "failed").counter().count()).isEqualTo(1);
    assertThat(stack.registry.find("trackflow.imports.running").gauge().value()).isZero();
  }

  @Test
  @DisplayName("Importing a range again replaces it; deleting an import removes its rows; columns are matched by name")
  void replaceAndDelete() throws Exception {
    // Columns in another order, one TrackFlow does not keep, and the prefix left out as Plausible allows.
    JsonObject first = importAndWait(Map.of("visitors_20240101_20240102.csv",
        "visits,date,scroll_depth,visitors,pageviews\n12,2024-01-01,\\N,10,20\n9,2024-01-02,,7,11\n2023-12-31,1,1,1,1\n"
            .replace("2023-12-31,1,1,1,1", "1,2023-12-31,,1,1")));
    assertThat(first.getString("status")).as(first.encode()).isEqualTo("done");
    assertThat(first.getLong("rows")).isEqualTo(2); // the row before the file's range is skipped
    assertThat(visitorsByDay()).containsExactly(Map.entry("2024-01-01", 10L), Map.entry("2024-01-02", 7L));

    JsonObject second = importAndWait(Map.of("imported_visitors_20240102_20240102.csv",
        "date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-02,3,4,1,3,90\n"));
    assertThat(second.getString("status")).isEqualTo("done");
    assertThat(visitorsByDay()).containsExactly(Map.entry("2024-01-01", 10L), Map.entry("2024-01-02", 3L));
    assertThat(stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/imports", viewerToken, null).bodyAsJsonArray())
        .extracting(o -> ((JsonObject) o).getLong("id")).containsExactly(second.getLong("id"), first.getLong("id"));

    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/imports/" + second.getLong("id"), viewerToken, null)
        .statusCode()).isEqualTo(403);
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/imports/" + second.getLong("id"), ownerToken, null)
        .statusCode()).isEqualTo(204);
    assertThat(visitorsByDay()).containsExactly(Map.entry("2024-01-01", 10L));
    assertThat(stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/imports/" + second.getLong("id"), ownerToken, null)
        .statusCode()).isEqualTo(404);
  }
}
