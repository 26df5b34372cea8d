package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A client of TrackFlow's public HTTP API as site owners, browsers and dashboard users call it:
 * sign in, create sites, send pixel and beacon hits, ask the stats API. Blocking (JDK client), for
 * test threads only.
 */
final class TrackflowHttp {

  private final HttpClient client;
  private final URI base;
  private String token;

  TrackflowHttp(int port) {
    this(port, null);
  }

  /**
   * A client connecting from {@code localAddress} (e.g. 127.0.0.2, another loopback address), so a
   * proxy in front of TrackFlow sees a different client than its own address; null for the default.
   */
  TrackflowHttp(int port, InetAddress localAddress) {
    this.base = URI.create("http://127.0.0.1:" + port);
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    if (localAddress != null) {
      builder.localAddress(localAddress);
    }
    this.client = builder.build();
  }

  URI base() {
    return base;
  }

  /** The path appended as written: {@code //metrics} or {@code /x/../metrics} reach the server so. */
  private URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    headers.forEach(request::header);
    return send(request);
  }

  HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return send(request);
  }

  /** A request without a body, e.g. a CORS preflight ({@code OPTIONS}). */
  HttpResponse<String> request(String method, String pathAndQuery, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return send(request);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Signs in through {@code POST /api/auth/login}; later API calls carry the access token. */
  TrackflowHttp login(String email, String password) {
    HttpResponse<String> answer = post("/api/auth/login", "application/json",
        new JsonObject().put("email", email).put("password", password).encode(), Map.of());
    assertThat(answer.statusCode()).as("login answer: %s", answer.body()).isEqualTo(200);
    token = new JsonObject(answer.body()).getString("token");
    assertThat(token).as("access token in %s", answer.body()).isNotBlank();
    return this;
  }

  /** The {@code Authorization} header of the signed-in user. */
  Map<String, String> authorization() {
    assertThat(token).as("signed in").isNotNull();
    return Map.of("Authorization", "Bearer " + token);
  }

  /** {@code POST /api/sites}; asserts 201. */
  void createSite(String domain, String timezone) {
    HttpResponse<String> answer = post("/api/sites", "application/json",
        new JsonObject().put("domain", domain).put("timezone", timezone).encode(), authorization());
    assertThat(answer.statusCode()).as("create site answer: %s", answer.body()).isEqualTo(201);
  }

  /** An authenticated DELETE. */
  HttpResponse<String> delete(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).DELETE();
    authorization().forEach(request::header);
    return send(request);
  }

  /** {@code POST /api/v2/query}; asserts 200 and returns the answer. */
  JsonObject query(JsonObject body) {
    HttpResponse<String> answer = post("/api/v2/query", "application/json", body.encode(), authorization());
    assertThat(answer.statusCode()).as("stats answer to %s: %s", body.encode(), answer.body())
        .isEqualTo(200);
    return new JsonObject(answer.body());
  }

  /**
   * Requests the API turns away, one of each kind the dashboards count by reason: a call without
   * credentials (401) and a stats query that is not JSON (400).
   */
  void sendRefusedRequests() {
    HttpResponse<String> anonymous = get("/api/sites", Map.of());
    assertThat(anonymous.statusCode()).as("answer without credentials: %s", anonymous.body()).isEqualTo(401);
    HttpResponse<String> malformed = post("/api/v2/query", "application/json", "{\"site_id\":", authorization());
    assertThat(malformed.statusCode()).as("answer to a malformed stats query: %s", malformed.body()).isEqualTo(400);
  }

  /** {@code GET /api/sites/{domain}/realtime}; asserts 200. */
  JsonObject realtime(String domain) {
    HttpResponse<String> answer = get("/api/sites/" + domain + "/realtime", authorization());
    assertThat(answer.statusCode()).as("realtime answer: %s", answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  /** {@code GET /i?...}: the pixel always answers the GIF, whatever happens to the hit. */
  void pixel(Map<String, String> params, Map<String, String> headers) {
    String query = params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpResponse<String> answer = get("/i?" + query, headers);
    assertThat(answer.statusCode()).as("pixel status").isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).as("pixel content type").hasValue("image/gif");
  }

  /** {@code POST /api/event} with the given body and content type. */
  HttpResponse<String> beacon(String body, String contentType, Map<String, String> headers) {
    return post("/api/event", contentType, body, headers);
  }

  String metrics() {
    HttpResponse<String> answer = get("/metrics", Map.of());
    assertThat(answer.statusCode()).as("metrics status").isEqualTo(200);
    return answer.body();
  }

  int ready() {
    return get("/health/ready", Map.of()).statusCode();
  }

  // ---- reading stats answers -------------------------------------------------------------------

  /** A stats request body for one site over all its data. */
  static JsonObject stats(String site, List<String> metrics, List<String> dimensions) {
    return new JsonObject().put("site_id", site).put("date_range", "all")
        .put("metrics", new JsonArray(metrics)).put("dimensions", new JsonArray(dimensions));
  }

  /** The totals row of an answer without dimensions: metric name → value as a number. */
  static Map<String, Number> totals(JsonObject answer, List<String> metrics) {
    JsonArray results = answer.getJsonArray("results");
    Map<String, Number> totals = new LinkedHashMap<>();
    JsonArray values = results.isEmpty() ? null : results.getJsonObject(0).getJsonArray("metrics");
    for (int i = 0; i < metrics.size(); i++) {
      totals.put(metrics.get(i), values == null ? 0L : (Number) values.getValue(i));
    }
    return totals;
  }

  /** First dimension value → first metric (as a long) of every result row, in answer order. */
  static Map<String, Long> breakdown(JsonObject answer) {
    Map<String, Long> rows = new LinkedHashMap<>();
    for (Object r : answer.getJsonArray("results")) {
      JsonObject row = (JsonObject) r;
      rows.put(String.valueOf(row.getJsonArray("dimensions").getValue(0)),
          ((Number) row.getJsonArray("metrics").getValue(0)).longValue());
    }
    return rows;
  }

  /** First dimension value → all metrics (as longs) of every result row. */
  static Map<String, List<Long>> breakdownAll(JsonObject answer) {
    Map<String, List<Long>> rows = new LinkedHashMap<>();
    for (Object r : answer.getJsonArray("results")) {
      JsonObject row = (JsonObject) r;
      rows.put(String.valueOf(row.getJsonArray("dimensions").getValue(0)),
          row.getJsonArray("metrics").stream().map(v -> ((Number) v).longValue()).toList());
    }
    return rows;
  }
}
