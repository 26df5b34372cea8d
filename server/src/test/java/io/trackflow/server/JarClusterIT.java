package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.server.MonitoringExpressions.Expression;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.PostgresService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.RedisService;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster as operators run it, minus Docker: the built {@code trackflow.jar} as five separate
 * OS processes (two collectors, two writers, one query) configured only by environment variables,
 * Debian's nginx running the repository's {@code deploy/nginx.conf} in front of them, on the real
 * Kafka, Redis, ClickHouse and PostgreSQL. Each role runs from the shaded jar with its cluster
 * adapters, so a library missing from the jar fails here even when every module test passes.
 *
 * <p>Clients reach nginx from two loopback addresses: 127.0.0.1, the same address nginx itself
 * has (as a client coming through Docker's userland proxy shares the gateway address the app
 * trusts), and 127.0.0.2, another client. The collectors and the query role trust only 127.0.0.1.
 * The writer SIGKILL runs last: it leaves one writer dead.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JarClusterIT {

  private static final String ADMIN_EMAIL = "ops@example.com";
  private static final String ADMIN_PASSWORD = "a-long-admin-password-for-the-jar-cluster";
  private static final int LOGIN_LIMIT_IP = 5;

  private Path directory;
  private final List<JarProcess> processes = new ArrayList<>();
  private JarProcess query;
  private final List<JarProcess> collectors = new ArrayList<>();
  private final List<JarProcess> writers = new ArrayList<>();
  private NginxProcess nginx;
  private ClickHouseService clickHouse;
  private String clickHouseDatabase;
  /** Signed in through nginx from 127.0.0.1. */
  private TrackflowHttp api;
  /** Another client of nginx, from 127.0.0.2. */
  private TrackflowHttp otherClient;

  @BeforeAll
  void startCluster(KafkaService kafka, RedisService redis, ClickHouseService clickHouse,
      PostgresService postgres, @TempDir Path directory) {
    this.directory = directory;
    this.clickHouse = clickHouse;
    clickHouseDatabase = clickHouse.newDatabase();
    Map<Setting, String> shared = new EnumMap<>(Setting.class);
    shared.put(Setting.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    shared.put(Setting.KAFKA_TOPIC, TestNames.unique("events"));
    shared.put(Setting.KAFKA_GROUP, TestNames.unique("writers"));
    shared.put(Setting.KAFKA_PARTITIONS, "4");
    shared.put(Setting.REDIS_URL, redis.uri());
    shared.put(Setting.CLICKHOUSE_URL, clickHouse.httpUrl());
    shared.put(Setting.CLICKHOUSE_DATABASE, clickHouseDatabase);
    shared.put(Setting.PG_URL, postgres.uri(postgres.newDatabase()));
    shared.put(Setting.JWT_SECRET, "jar-cluster-test-signing-key-of-more-than-32-chars");
    // Only nginx's address: a client's own X-Forwarded-For is never believed.
    shared.put(Setting.TRUSTED_PROXIES, "127.0.0.1");
    shared.put(Setting.WRITER_BATCH_AGE_MS, "200");

    // All five at once, as compose starts them: each must cope with fresh databases and with the
    // others migrating them at the same time.
    long startedAt = System.nanoTime();
    Map<Setting, String> querySettings = new EnumMap<>(shared);
    querySettings.put(Setting.ROLES, "query");
    querySettings.put(Setting.ADMIN_EMAIL, ADMIN_EMAIL);
    querySettings.put(Setting.ADMIN_PASSWORD, ADMIN_PASSWORD);
    querySettings.put(Setting.LOGIN_LIMIT_IP, Integer.toString(LOGIN_LIMIT_IP));
    query = launch("query", querySettings, "256m");
    for (int i = 1; i <= 2; i++) {
      writers.add(launch("writer-" + i, withRole(shared, "writer"), "256m"));
      collectors.add(launch("collector-" + i, withRole(shared, "collector"), "384m"));
    }
    processes.forEach(JarProcess::awaitReady);
    System.out.printf("Five jar processes ready in %d s%n", (System.nanoTime() - startedAt) / 1_000_000_000);

    nginx = NginxProcess.start(Map.of(
        "collector", collectors.stream().map(JarProcess::port).toList(),
        "query", List.of(query.port())));
    api = nginx.client(address("127.0.0.1")).login(ADMIN_EMAIL, ADMIN_PASSWORD);
    otherClient = nginx.client(address("127.0.0.2"));
  }

  private JarProcess launch(String name, Map<Setting, String> settings, String maxHeap) {
    JarProcess process = JarProcess.start(name, settings, directory.resolve(name), maxHeap);
    processes.add(process);
    return process;
  }

  private static Map<Setting, String> withRole(Map<Setting, String> shared, String role) {
    Map<Setting, String> settings = new EnumMap<>(shared);
    settings.put(Setting.ROLES, role);
    return settings;
  }

  @AfterAll
  void stopCluster() {
    if (nginx != null) {
      nginx.close();
    }
    processes.forEach(JarProcess::close);
  }

  @Test
  @Order(1)
  @DisplayName("Hits through nginx count under the client's real address: a forged X-Forwarded-For changes neither the visitor nor the country, and another client address is another visitor")
  void forgedForwardedForIsIgnored() {
    String site = newSite("xff");
    Map<String, String> chrome = Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent());
    accepted(api, site, "/plain", chrome);
    accepted(api, site, "/forged-once", Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent(),
        "X-Forwarded-For", "203.0.113.7"));
    // A chain as a client would write it to look proxied; 8.8.8.8 would also make the hit American.
    accepted(api, site, "/forged-chain", Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent(),
        "X-Forwarded-For", "198.51.100.9, 8.8.8.8"));
    accepted(otherClient, site, "/other-client", chrome);

    // Three hits from 127.0.0.1 (two forged) and one from 127.0.0.2. Awaited as a whole: a batch's
    // events are stored before its sessions, so "four pageviews" alone may come a moment before
    // the last visit does.
    ShopScenario.awaitTotals(api, site, List.of("pageviews", "visitors", "visits"),
        Map.of("pageviews", 4, "visitors", 2, "visits", 2));
    Map<String, Long> countries = TrackflowHttp.breakdown(api.query(
        TrackflowHttp.stats(site, List.of("visitors"), List.of("visit:country"))));
    assertThat(countries).as("countries (loopback has none; a believed 8.8.8.8 would be US)")
        .doesNotContainKey("US");
  }

  @Test
  @Order(2)
  @DisplayName("Sign-in through nginx is limited per real client: forged addresses do not escape the limit, and another client signs in meanwhile")
  void signInLimitSeesTheRealClient() {
    for (int i = 0; i < LOGIN_LIMIT_IP; i++) {
      HttpResponse<String> failed = signIn(otherClient, "nobody-" + i + "@example.com", "wrong",
          Map.of("X-Forwarded-For", "192.0.2." + (10 + i)));
      assertThat(failed.statusCode()).as("failed sign-in %d from 127.0.0.2: %s", i, failed.body()).isEqualTo(401);
    }
    HttpResponse<String> limited = signIn(otherClient, "nobody-else@example.com", "wrong",
        Map.of("X-Forwarded-For", "192.0.2.99"));
    assertThat(limited.statusCode()).as("sign-in from 127.0.0.2 past its limit, forged address: %s",
        limited.body()).isEqualTo(429);

    HttpResponse<String> admin = signIn(nginx.client(address("127.0.0.1")), ADMIN_EMAIL, ADMIN_PASSWORD, Map.of());
    assertThat(admin.statusCode()).as("the admin signing in from 127.0.0.1 meanwhile: %s", admin.body())
        .isEqualTo(200);
  }

  @Test
  @Order(3)
  @DisplayName("Through nginx the dashboard, the API, the tracker and CORS preflights are served and beacons up to the collector's limit pass, while /metrics and /health are not served; each process serves them directly and nginx's status only on its internal listener")
  void whatNginxServes() {
    HttpResponse<String> dashboard = api.get("/", Map.of("Accept-Encoding", "gzip"));
    assertThat(dashboard.statusCode()).as("dashboard through nginx").isEqualTo(200);
    assertThat(dashboard.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(dashboard.headers().firstValue("Server")).as("no version in the Server header").hasValue("nginx");
    HttpResponse<String> page = api.get("/", Map.of());
    Matcher asset = Pattern.compile("/assets/[^\"']+\\.js").matcher(page.body());
    assertThat(asset.find()).as("a script in the dashboard page %s", page.body()).isTrue();
    HttpResponse<String> script = api.get(asset.group(), Map.of("Accept-Encoding", "gzip"));
    assertThat(script.statusCode()).as("dashboard script %s", asset.group()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Encoding")).as("dashboard script compressed").hasValue("gzip");

    assertThat(api.get("/api/sites", api.authorization()).statusCode()).as("API through nginx").isEqualTo(200);
    HttpResponse<String> tracker = api.get("/tracker.js", Map.of());
    assertThat(tracker.statusCode()).as("tracker through nginx").isEqualTo(200);
    HttpResponse<String> preflight = api.request("OPTIONS", "/api/event", Map.of(
        "Origin", "https://shop.example", "Access-Control-Request-Method", "POST"));
    assertThat(preflight.statusCode()).as("CORS preflight through nginx").isIn(200, 204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isPresent();

    // 200 KB reaches the collector (which judges it), 300 KB is over the shared 256 KiB limit.
    String site = newSite("body");
    String body = paddedBatch(site, 200 * 1024);
    HttpResponse<String> large = api.beacon(body, "application/json",
        Map.of("User-Agent", Traffic.CHROME_WINDOWS.userAgent()));
    assertThat(large.statusCode()).as("a beacon of %d bytes through nginx: %s", body.length(), large.body())
        .isEqualTo(202);
    assertThat(new JsonObject(large.body()).getInteger("accepted")).as(large.body()).isEqualTo(100);
    HttpResponse<String> tooLarge = api.beacon(paddedBatch(site, 300 * 1024), "application/json", Map.of());
    assertThat(tooLarge.statusCode()).as("a 300 KB beacon through nginx").isEqualTo(413);

    for (String path : List.of("/metrics", "/metrics/", "//metrics", "/x/../metrics", "/%6detrics",
        "/health/ready", "/health/live", "/health", "/health/../health/ready")) {
      assertThat(api.get(path, Map.of()).statusCode()).as("%s through nginx", path).isEqualTo(404);
    }
    for (JarProcess process : processes) {
      assertThat(process.http().ready()).as("/health/ready of %s directly", process.name()).isEqualTo(200);
      assertThat(process.http().metrics()).as("/metrics of %s directly", process.name()).contains("jvm_memory_used_bytes");
    }
    TrackflowHttp status = new TrackflowHttp(nginx.port(8081));
    assertThat(status.get("/stub_status", Map.of()).body()).as("nginx status on its internal listener")
        .contains("Active connections");
    assertThat(api.get("/stub_status", Map.of()).body()).as("/stub_status on the public listener")
        .doesNotContain("Active connections");
  }

  @Test
  @Order(4)
  @DisplayName("Debian's Prometheus with the repository's scrape config mapped to loopback finds every process here up with its role and loads every rule, and every dashboard panel's and rule's expression evaluates with a result, except those listed as needing what does not run here")
  void prometheusScrapesTheCluster() {
    // Refusal counters exist from their first use on: one refused request of each kind.
    api.sendRefusedRequests();
    int port = PrometheusProcess.freePort();
    List<String> self = List.of("127.0.0.1:" + port);
    LoopbackScrapeConfig config = LoopbackScrapeConfig.ofRepository(Map.of(
        "collector:8080", addresses(collectors), "writer:8080", addresses(writers),
        "query:8080", addresses(List.of(query)), "localhost:9090", self, "prometheus:9090", self),
        SERVICES_NOT_HERE);
    System.out.println("Scrape jobs left out here: " + config.droppedJobs());
    try (PrometheusProcess prometheus = PrometheusProcess.start(port, config.yaml(), directory.resolve("prometheus"))) {
      int targets = config.targetsByJob().values().stream().mapToInt(List::size).sum();
      Await.until("all " + targets + " targets to be up", prometheus::activeTargets, active -> active.size() == targets
          && active.stream().allMatch(t -> "up".equals(t.getString("health"))));
      Map<String, String> roles = new TreeMap<>();
      collectors.forEach(c -> roles.put("127.0.0.1:" + c.port(), "collector"));
      writers.forEach(w -> roles.put("127.0.0.1:" + w.port(), "writer"));
      roles.put("127.0.0.1:" + query.port(), "query");
      Map<String, String> scrapedRoles = new TreeMap<>();
      for (Object series : prometheus.query("up").getJsonObject("data").getJsonArray("result")) {
        JsonObject labels = ((JsonObject) series).getJsonObject("metric");
        if (roles.containsKey(labels.getString("instance"))) {
          scrapedRoles.put(labels.getString("instance"), labels.getString("role"));
        }
      }
      assertThat(scrapedRoles).as("the role label of each TrackFlow process's series").isEqualTo(roles);

      List<Expression> rules = MonitoringExpressions.rules(config.ruleFiles());
      List<JsonObject> loaded = Await.until("every rule to be loaded and evaluated", prometheus::rules,
          all -> all.size() == rules.size() && all.stream().noneMatch(r -> "unknown".equals(r.getString("health"))));
      assertThat(loaded).as("rules loaded by Prometheus from %s", config.ruleFiles())
          .allSatisfy(r -> assertThat(r.getString("health")).as("%s: %s", r.getString("name"), r.getString("lastError"))
              .isEqualTo("ok"));

      List<Expression> expressions = new ArrayList<>(MonitoringExpressions.dashboardPanels(prometheus::labelValues));
      expressions.addAll(rules);
      assertThat(expressions).as("expressions in %s", MonitoringExpressions.DASHBOARDS).isNotEmpty();
      Map<Expression, String> excused = new LinkedHashMap<>();
      // A recording rule over metrics absent here records nothing, so what reads it is excused too.
      Map<String, String> excusedRecords = new LinkedHashMap<>();
      int before;
      do {
        before = excused.size();
        for (Expression e : expressions) {
          notHere(e, config.droppedJobs(), excusedRecords).ifPresent(why -> {
            excused.put(e, why);
            if (e.kind() == MonitoringExpressions.Kind.RECORDING_RULE) {
              excusedRecords.put(e.source().substring(e.source().lastIndexOf(" › ") + 3), why);
            }
          });
        }
      } while (excused.size() > before);
      excused.forEach((e, why) -> System.out.printf("Not checked here: %s `%s`: %s%n", e.source(), e.promql(), why));
      List<Expression> checked = expressions.stream().filter(e -> !excused.containsKey(e)).toList();
      // Scraped every second: rates have samples within seconds, so a miss is reported soon.
      Await.until("every expression to return a result", Duration.ofSeconds(30),
          () -> withoutResult(prometheus, checked), List::isEmpty);
      System.out.printf("%d expressions return results through Prometheus, %d not checked here%n",
          checked.size(), excused.size());
    }
  }

  /** Compose services that do not run here, and why; their scrape jobs are left out. */
  private static final Map<String, String> SERVICES_NOT_HERE = Map.of(
      "clickhouse", "Debian's ClickHouse 18.16 (used here) has no Prometheus endpoint: the <prometheus>"
          + " server setting came with 20.x; compose's current ClickHouse serves it",
      "kafka-exporter", "no Kafka exporter is installed here (compose runs it)",
      "redis-exporter", "no Redis exporter is installed here (compose runs it)",
      "postgres-exporter", "no PostgreSQL exporter is installed here (compose runs it)",
      "nginx-exporter", "no nginx exporter is installed here (compose runs it)",
      "grafana", "Grafana does not run here");

  /** Metric name prefixes nothing here exports, and why; expressions selecting them may be empty. */
  private static final Map<String, String> METRICS_NOT_HERE = Map.of(
      "trackflow_queue_size", "the in-process queue exists only in standalone processes; the cluster queues in Kafka",
      "ALERTS", "no alert fires in a healthy cluster",
      "ClickHouse", SERVICES_NOT_HERE.get("clickhouse"),
      "kafka_", SERVICES_NOT_HERE.get("kafka-exporter"),
      "redis_", SERVICES_NOT_HERE.get("redis-exporter"),
      "pg_", SERVICES_NOT_HERE.get("postgres-exporter"),
      "nginx_", SERVICES_NOT_HERE.get("nginx-exporter"));

  private static Optional<String> notHere(Expression e, Map<String, String> droppedJobs,
      Map<String, String> excusedRecords) {
    for (String metric : MonitoringExpressions.metricNames(e.promql())) {
      if (excusedRecords.containsKey(metric)) {
        return Optional.of(metric + " is recorded from " + excusedRecords.get(metric));
      }
      for (Map.Entry<String, String> prefix : METRICS_NOT_HERE.entrySet()) {
        if (metric.startsWith(prefix.getKey())) {
          return Optional.of(metric + ": " + prefix.getValue());
        }
      }
    }
    for (Map.Entry<String, String> job : droppedJobs.entrySet()) {
      if (Pattern.compile("job\\s*=~?\\s*\"[^\"]*\\b" + Pattern.quote(job.getKey()) + "\\b").matcher(e.promql()).find()) {
        return Optional.of("job " + job.getKey() + ": " + job.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The expressions without a result, each with what is missing. Panels and recording rules must
   * return series; an alert is empty while nothing is wrong, so it must evaluate and each metric
   * it selects must exist. An expression Prometheus rejects fails at once.
   */
  private static List<String> withoutResult(PrometheusProcess prometheus, List<Expression> expressions) {
    List<String> missing = new ArrayList<>();
    for (Expression e : expressions) {
      JsonObject answer = prometheus.query(e.promql());
      if (!"success".equals(answer.getString("status"))) {
        throw new AssertionError(e.source() + ": Prometheus rejects `" + e.promql() + "`: " + answer.getString("error"));
      }
      if (e.kind() != MonitoringExpressions.Kind.ALERT) {
        if (answer.getJsonObject("data").getJsonArray("result").isEmpty()) {
          missing.add(e.source() + ": `" + e.promql() + "` returns nothing");
        }
        continue;
      }
      for (String metric : MonitoringExpressions.metricNames(e.promql())) {
        if (prometheus.query("count({__name__=\"" + metric + "\"})").getJsonObject("data").getJsonArray("result").isEmpty()) {
          missing.add(e.source() + ": no series of " + metric + " (in `" + e.promql() + "`)");
        }
      }
    }
    return missing;
  }

  private static List<String> addresses(List<JarProcess> processes) {
    return processes.stream().map(p -> "127.0.0.1:" + p.port()).toList();
  }

  @Test
  @Order(10)
  @DisplayName("2,000 events sent through nginx are stored and reported exactly once each although one of the two writers is SIGKILLed midway")
  void exactCountsAcrossWriterKill() {
    String site = newSite("kill");
    int requests = 200;
    int perRequest = 10;
    JarProcess victim = writers.getFirst();
    for (int r = 0; r < requests; r++) {
      if (r == requests / 2) {
        // Kill a writer that is really writing: it has stored rows, and holds uncommitted ones.
        Await.until(victim.name() + " to have stored rows", () -> new PrometheusScrape(victim.http().metrics())
            .sum("trackflow_writer_rows_total"), rows -> rows > 0);
        victim.kill();
      }
      JsonArray batch = new JsonArray();
      for (int e = 0; e < perRequest; e++) {
        int n = r * perRequest + e;
        batch.add(new JsonObject().put("n", "pageview").put("d", site).put("id", "kill-" + n)
            .put("u", "https://" + site + "/page/" + (n % 25)));
      }
      // Many visitors (the user agent differs), so the events spread over every partition.
      HttpResponse<String> answer = api.beacon(batch.encode(), "application/json", Map.of("User-Agent",
          Traffic.CHROME_WINDOWS.userAgent().replace("Chrome/124.0.0.0", "Chrome/124.0." + r + ".0")));
      assertThat(answer.statusCode()).as("beacon %d: %s", r, answer.body()).isEqualTo(202);
      assertThat(new JsonObject(answer.body()).getInteger("accepted")).as(answer.body()).isEqualTo(perRequest);
    }
    long sent = (long) requests * perRequest;
    assertThat(victim.isAlive()).isFalse();

    ShopScenario.awaitTotals(api, site, List.of("pageviews", "events"),
        Map.of("pageviews", sent, "events", sent));
    String stored = clickHouse.query("SELECT count(), uniqExact(event_id) FROM " + clickHouseDatabase
        + ".events FINAL WHERE site = '" + site + "' AND name != 'engagement'").trim();
    // The site probes are engagement pings, stored but never counted; leave them out here too.
    assertThat(stored).as("rows and distinct ids in ClickHouse").isEqualTo(sent + "\t" + sent);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String newSite(String prefix) {
    String site = StandaloneEndToEndIT.newSiteDomain(prefix);
    api.createSite(site, "UTC");
    // Each collector learns of the site by itself; nginx may send the next hit to either.
    collectors.forEach(c -> StandaloneEndToEndIT.awaitSiteAccepted(c.http(), site));
    return site;
  }

  /** An IP literal as an address (no name lookup happens for a literal). */
  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static void accepted(TrackflowHttp client, String site, String path, Map<String, String> headers) {
    JsonObject event = new JsonObject().put("n", "pageview").put("d", site)
        .put("u", "https://" + site + path).put("id", TestNames.unique("hit"));
    HttpResponse<String> answer = client.beacon(event.encode(), "application/json", headers);
    assertThat(answer.statusCode()).as("beacon %s: %s", path, answer.body()).isEqualTo(202);
    assertThat(new JsonObject(answer.body()).getInteger("accepted")).as(answer.body()).isEqualTo(1);
  }

  /** A beacon of 100 events (the collector's batch limit) of about {@code bytes} in total. */
  private static String paddedBatch(String site, int bytes) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 100; i++) {
      batch.add(new JsonObject().put("n", "pageview").put("d", site).put("u", "https://" + site + "/large")
          .put("id", TestNames.unique("large")).put("p", new JsonObject().put("pad", "")));
    }
    int padding = (bytes - batch.encode().length()) / 100;
    batch.forEach(e -> ((JsonObject) e).getJsonObject("p").put("pad", "x".repeat(padding)));
    return batch.encode();
  }

  private static HttpResponse<String> signIn(TrackflowHttp client, String email, String password,
      Map<String, String> headers) {
    return client.post("/api/auth/login", "application/json",
        new JsonObject().put("email", email).put("password", password).encode(), headers);
  }
}
