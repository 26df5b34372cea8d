package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.event.Event;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.core.rollup.RollupBuilder;
import io.trackflow.query.account.Goal;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.auth.SiteAccess;
import io.trackflow.testsupport.ClickHouseService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stats query latency at several sizes of generated data (1M, 10M and 50M events over 90 days
 * by default), on ClickHouse and on DuckDB: the dashboard's set of queries (aggregate with
 * comparison, 30-day time series, six top-10 breakdowns, realtime), each through the HTTP API
 * without cache ("cold"), through the API with the answer cached, and as the very same SQL sent
 * straight to the store, in the same run; then a summary of the sizes side by side against the
 * targets. Sizes up to {@code -Dload.limit} are loaded through the adapter; larger ones are
 * copies of the {@code -Dcopy.base} store made inside the store ({@link BenchData}).
 *
 * <p>Modes ({@code -Dmode}): {@code latency} (the default), {@code approx} (visitor figures
 * against exact counts, {@link ApproxErrorBench}) and {@code verify} (in-store copies against
 * the adapter, at 1M). Loaded and copied stores are kept and reused: point
 * {@code -Dclickhouse.url} at a ClickHouse that keeps its data and {@code -Dduckdb.dir} at a
 * directory. Usage and figures: docs/benchmarks.md, "Query latency".
 */
public final class QueryBench {

  static final Instant END = BenchData.END;
  /** "Now" for the dashboard: the evening of the last day, so realtime has traffic. */
  static final Instant NOW = END.minus(Duration.ofHours(4));
  static final String SITE = EventGenerator.SITES.get(0);
  static final String ZONE = "Europe/Berlin";
  static final String SET = "dashboard set, parallel";
  /** Rollups modes a stats service may be asked for; "never" is how a service without rollups answers. */
  static final List<String> ROLLUPS_MODES = List.of("auto", "always", "never");
  /**
   * The system property a stats service built without configuration takes its rollups mode
   * from (the service's own setting {@code stats.rollups}).
   */
  static final String ROLLUPS_PROPERTY = "trackflow.stats.rollups";

  private final Vertx vertx = Vertx.vertx();
  private final WebClient client = WebClient.create(vertx);
  private final int rounds;
  private final String rollups;
  private int failures;
  private final List<String> deployments = new ArrayList<>();

  QueryBench(int rounds, String rollups) {
    this.rounds = rounds;
    this.rollups = rollups;
  }

  /** p50 and p95 (ms) of one query: through the API cold, as raw SQL, and cached. */
  record Figures(double apiP50, double apiP95, double sqlP50, double sqlP95, double cacheP50, double cacheP95) {}

  public static void main(String[] args) throws Exception {
    String mode = System.getProperty("mode", "latency");
    String rollups = System.getProperty(ROLLUPS_PROPERTY, "never");
    if (!ROLLUPS_MODES.contains(rollups)) {
      throw new IllegalArgumentException("-D" + ROLLUPS_PROPERTY + " must be one of " + ROLLUPS_MODES + ": " + rollups);
    }
    // Before any data is loaded (and before Vert.x starts): a mode this build cannot run fails at once.
    requireRollupsMode(rollups);
    QueryBench bench = new QueryBench(Integer.getInteger("rounds", 20), rollups);
    List<Long> sizes = Arrays.stream(System.getProperty("sizes", "1000000,10000000,50000000").split(","))
        .map(String::strip).map(Long::parseLong).sorted().toList();
    List<String> kinds = List.of(System.getProperty("stores", "clickhouse,duckdb").split(","));
    ClickHouseService privateClickHouse = null;
    Map<String, Map<Long, Map<String, Figures>>> results = new LinkedHashMap<>();
    try {
      String url = System.getProperty("clickhouse.url", "");
      if (kinds.contains("clickhouse") && url.isEmpty()) {
        privateClickHouse = ClickHouseService.launch();
        url = privateClickHouse.httpUrl();
      }
      BenchStores stores = new BenchStores(bench.vertx, url,
          Path.of(System.getProperty("duckdb.dir", "/tmp/trackflow-bench")),
          Long.getLong("load.limit", 10_000_000L), Long.getLong("copy.base", 10_000_000L));
      for (String kind : kinds) {
        if (mode.equals("verify")) {
          bench.verify(stores, kind);
          continue;
        }
        for (long size : sizes) {
          EventStore store = stores.prepare(kind, size);
          settle(store, bench.vertx, !rollups.equals("never") || mode.equals("approx"));
          if (mode.equals("approx")) {
            new ApproxErrorBench(store, bench).run(BenchData.label(size));
          } else {
            results.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(size, bench.measure(store));
          }
          BenchData.await(store.close());
        }
        if (mode.equals("latency")) {
          bench.summary(Map.of(kind, results.get(kind)), sizes);
        }
      }
    } finally {
      if (privateClickHouse != null) {
        privateClickHouse.close();
      }
      bench.vertx.close();
    }
  }

  /**
   * The state a running system is in: past days compacted by the writer, the dashboard's today
   * still being written (some of its events replayed, so its partition has several parts and
   * reads of it deduplicate).
   */
  static void settle(EventStore store, Vertx vertx, boolean buildRollups) throws Exception {
    long started = System.nanoTime();
    int merged = store instanceof ClickHouseEventStore ch ? await(ch.compact(Duration.ZERO)) : await(store.compact());
    // Writers build a day's rollups once it is settled, unless stats never read them (as in the
    // raw runs here); every day before the dashboard's today is settled, so all are built
    // (rebuilding days already built costs a run only).
    if (buildRollups) {
      long building = System.nanoTime();
      RollupBuilder.Outcome rollups = await(new RollupBuilder(store, vertx, Clock.fixed(NOW, ZoneOffset.UTC),
          Duration.ZERO).run());
      System.out.printf(Locale.ROOT, "%s: rollups of %d days built in %.0f s%n", store.dialect(), rollups.built(),
          (System.nanoTime() - building) / 1e9);
    }
    List<Event> today = BenchData.chunk(0, BenchData.CHUNK).stream()
        .filter(e -> e.timestampMillis() >= END.minus(Duration.ofDays(1)).toEpochMilli())
        .limit(5_000).toList();
    await(store.insert(today));
    System.out.printf(Locale.ROOT, "%s: compacted %d partitions in %.0f s, replayed %,d events of the last day%n",
        store.dialect(), merged, (System.nanoTime() - started) / 1e9, today.size());
  }

  private static long count(EventStore store) throws Exception {
    return BenchData.count(store);
  }

  /**
   * The dashboard's queries for one site over the last 30 days, as the dashboard sends them
   * (dashboard/src/lib/cards.js and query.js) with comparisons on: the KPI row and the graph
   * against the previous period, the first tab of each card (pages with scroll depth and time on
   * page, entry pages, sources, countries, devices and browsers, goals with revenue), realtime.
   */
  static Map<String, String> dashboard() {
    Map<String, String> queries = new LinkedHashMap<>();
    String site = "{\"site_id\":\"" + SITE + "\",\"date_range\":\"30d\",";
    String compare = "\"comparisons\":{\"mode\":\"previous_period\"}";
    queries.put("aggregate + comparison", site + "\"metrics\":[\"visitors\",\"visits\",\"pageviews\","
        + "\"views_per_visit\",\"bounce_rate\",\"visit_duration\"],\"include\":{" + compare + "}}");
    queries.put("timeseries + comparison", site + "\"metrics\":[\"visitors\"],\"dimensions\":[\"time:day\"],"
        + "\"order_by\":[[\"time:day\",\"asc\"]],\"include\":{\"time_labels\":true," + compare + "}}");
    queries.put("top 10 event:page", breakdown(site, "event:page", "visitors\",\"pageviews\",\"scroll_depth\",\"time_on_page"));
    queries.put("top 10 visit:entry_page", breakdown(site, "visit:entry_page", "visitors\",\"visits"));
    for (String dimension : List.of("visit:source", "visit:country", "visit:device", "visit:browser")) {
      queries.put("top 10 " + dimension, breakdown(site, dimension, "visitors"));
    }
    queries.put("top 10 event:goal", breakdown(site, "event:goal",
        "visitors\",\"events\",\"conversion_rate\",\"total_revenue\",\"average_revenue"));
    queries.put("realtime", null);
    return queries;
  }

  private static String breakdown(String site, String dimension, String metrics) {
    return site + "\"metrics\":[\"" + metrics + "\"],\"dimensions\":[\"" + dimension + "\"],"
        + "\"order_by\":[[\"" + metrics.split("\"")[0] + "\",\"desc\"]],\"pagination\":{\"limit\":10,\"offset\":0},"
        + "\"include\":{\"total_rows\":true}}";
  }

  /** The bench site's goals: two custom events (one with revenue in euros) and a page goal. */
  static final List<Goal> GOALS = List.of(
      new Goal(1, SITE, "Signup", "Signup", null, null, 0),
      new Goal(2, SITE, "Purchase", "Purchase", null, "EUR", 0),
      new Goal(3, SITE, "Visit /blog*", null, "/blog*", null, 0));

  /**
   * The stats service under test; built without configuration, it takes its rollups mode from
   * {@link #ROLLUPS_PROPERTY}, which the bench prints in every heading.
   */
  StatsService statsService(EventStore store, QueryCache cache, SimpleMeterRegistry registry) {
    requireRollupsMode(rollups);
    return new StatsService(store, cache, registry, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** Fails unless the stats service can answer in the requested rollups mode. */
  static void requireRollupsMode(String rollups) {
    if (!rollups.equals("never") && !hasRollups()) {
      throw new IllegalStateException("-D" + ROLLUPS_PROPERTY + "=" + rollups + ": this build's stats service has no"
          + " rollups (it reads raw events only, which is mode never)");
    }
  }

  /** Whether this build's stats service has rollups (their options class) to be switched. */
  private static boolean hasRollups() {
    try {
      Class.forName("io.trackflow.query.stats.RollupOptions");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Serves the stats API without a cache over {@code store}; returns the port. */
  int serveCold(EventStore store) throws Exception {
    return serve(statsService(store, new NoCache(), new SimpleMeterRegistry()));
  }

  Map<String, Figures> measure(EventStore raw) throws Exception {
    RecordingStore recording = new RecordingStore(raw);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int coldPort = serve(statsService(recording, new NoCache(), registry));
    int cachedPort = serve(statsService(raw, new InMemoryQueryCache(Clock.systemUTC(), 1_000), registry));
    Map<String, String> queries = dashboard();
    Map<String, Figures> figures = new LinkedHashMap<>();

    // The SQL each API call sends, recorded on a first (also warming) cold call.
    Map<String, List<String>> sql = new LinkedHashMap<>();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      recording.statements.clear();
      time(() -> call(coldPort, q.getValue()));
      sql.put(q.getKey(), List.copyOf(recording.statements));
      time(() -> call(cachedPort, q.getValue()));
    }

    String dump = System.getProperty("sql.dump", "");
    if (!dump.isEmpty()) {
      // The dashboard's statements, one per line, to replay them with the store's own client.
      Files.write(Path.of(dump + "." + raw.dialect().name().toLowerCase(Locale.ROOT) + ".sql"),
          sql.values().stream().flatMap(List::stream).map(st -> st.replace('\n', ' ')).toList());
    }
    System.out.printf(Locale.ROOT, "%n%s, %,d events, site %s (%s), 30 days, %d rounds, rollups %s%n", raw.dialect(),
        count(raw), SITE, ZONE, rounds, rollups);
    // On ClickHouse, also the same SQL without FINAL: what deduplicating at read time costs (its
    // counts may include replayed copies; timing only).
    boolean clickHouse = raw.dialect() == SqlDialect.CLICKHOUSE;
    System.out.printf(Locale.ROOT, "%-26s %9s %9s %9s %9s %9s %9s %9s %9s%n", "query (ms)", "API p50", "API p95",
        "SQL p50", "SQL p95", "overhead", "cache p50", "cache p95", clickHouse ? "noFINAL50" : "");
    for (Map.Entry<String, String> q : queries.entrySet()) {
      List<Double> cold = new ArrayList<>();
      List<Double> direct = new ArrayList<>();
      List<Double> cached = new ArrayList<>();
      List<Double> noFinal = new ArrayList<>();
      List<String> withoutFinal = sql.get(q.getKey()).stream().map(st -> st.replace(" FINAL", "")).toList();
      for (int r = 0; r < rounds; r++) {
        // Interleaved, so both see the same machine state.
        cold.add(time(() -> call(coldPort, q.getValue())));
        direct.add(time(() -> runAll(raw, sql.get(q.getKey()))));
        if (clickHouse) {
          noFinal.add(time(() -> runAll(raw, withoutFinal)));
        }
      }
      // Cached answers live 10 s when the range includes now: fill the entry, then read it.
      time(() -> call(cachedPort, q.getValue()));
      for (int r = 0; r < rounds; r++) {
        cached.add(time(() -> call(cachedPort, q.getValue())));
      }
      System.out.printf(Locale.ROOT, "%-26s %9.1f %9.1f %9.1f %9.1f %8.0f%% %9.2f %9.2f %9s%n", q.getKey(),
          p(cold, 50), p(cold, 95), p(direct, 50), p(direct, 95), (p(cold, 50) / p(direct, 50) - 1) * 100,
          p(cached, 50), p(cached, 95), clickHouse ? String.format(Locale.ROOT, "%.1f", p(noFinal, 50)) : "");
      figures.put(q.getKey(), figures(cold, direct, cached));
    }

    // The whole dashboard at once, as a browser opening it fires every query in parallel.
    List<Double> cold = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    List<Double> cached = new ArrayList<>();
    List<String> all = sql.values().stream().flatMap(List::stream).toList();
    for (int r = 0; r < rounds; r++) {
      cold.add(time(() -> Future.all(queries.values().stream().map(b -> request(coldPort, b)).toList())));
      direct.add(time(() -> runAll(raw, all)));
    }
    time(() -> Future.all(queries.values().stream().map(b -> request(cachedPort, b)).toList()));
    for (int r = 0; r < rounds; r++) {
      cached.add(time(() -> Future.all(queries.values().stream().map(b -> request(cachedPort, b)).toList())));
    }
    System.out.printf(Locale.ROOT, "%-26s %9.1f %9.1f %9.1f %9.1f %8.0f%% %9.2f %9.2f%n", SET,
        p(cold, 50), p(cold, 95), p(direct, 50), p(direct, 95), (p(cold, 50) / p(direct, 50) - 1) * 100,
        p(cached, 50), p(cached, 95));
    figures.put(SET, figures(cold, direct, cached));
    double[] load = loadAverage();
    System.out.printf(Locale.ROOT, "failed calls: %d; load average at the end: %.1f (1 min), %.1f (5 min)%n",
        failures, load[0], load[1]);
    undeployAll();
    return figures;
  }

  private static Figures figures(List<Double> cold, List<Double> direct, List<Double> cached) {
    return new Figures(p(cold, 50), p(cold, 95), p(direct, 50), p(direct, 95), p(cached, 50), p(cached, 95));
  }

  /**
   * The sizes side by side per store: p50 and p95 through the API cold, the raw SQL's p95 and
   * the cached p95, the growth of the cold p95 between consecutive sizes, and the issue's
   * targets for the set (10M: cold p95 ≤ 300 ms, cached ≤ 10 ms; 50M: ≤ 2 × the 10M figure).
   */
  void summary(Map<String, Map<Long, Map<String, Figures>>> results, List<Long> sizes) {
    for (Map.Entry<String, Map<Long, Map<String, Figures>>> store : results.entrySet()) {
      Map<Long, Map<String, Figures>> bySize = store.getValue();
      List<Long> measured = sizes.stream().filter(bySize::containsKey).toList();
      System.out.printf(Locale.ROOT, "%n%s summary (ms; rollups %s): API p50 / API p95 cold, [SQL p95], {cached p95};"
          + " growth of the API p50 / p95 from one size to the next%n", store.getKey(), rollups);
      StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-26s", "query"));
      for (long size : measured) {
        head.append(String.format(Locale.ROOT, " %26s", BenchData.label(size)));
      }
      for (int i = 1; i < measured.size(); i++) {
        head.append(String.format(Locale.ROOT, " %12s", growthLabel(measured.get(i - 1), measured.get(i))));
      }
      System.out.println(head);
      for (String query : bySize.get(measured.get(0)).keySet()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", query));
        for (long size : measured) {
          Figures f = bySize.get(size).get(query);
          line.append(String.format(Locale.ROOT, " %26s", String.format(Locale.ROOT, "%.0f / %.0f [%.0f] {%.1f}",
              f.apiP50(), f.apiP95(), f.sqlP95(), f.cacheP95())));
        }
        for (int i = 1; i < measured.size(); i++) {
          Figures smaller = bySize.get(measured.get(i - 1)).get(query);
          Figures larger = bySize.get(measured.get(i)).get(query);
          line.append(String.format(Locale.ROOT, " %12s", String.format(Locale.ROOT, "%.2f / %.2f",
              larger.apiP50() / smaller.apiP50(), larger.apiP95() / smaller.apiP95())));
        }
        System.out.println(line);
      }
      Figures at10 = bySize.containsKey(10_000_000L) ? bySize.get(10_000_000L).get(SET) : null;
      Figures at50 = bySize.containsKey(50_000_000L) ? bySize.get(50_000_000L).get(SET) : null;
      System.out.printf(Locale.ROOT, "targets: set p95 cold at 10M <= 300 ms: %s; cached set p95 at 10M <= 10 ms: %s; "
              + "set p95 cold at 50M <= 2 x 10M: %s%n",
          at10 == null ? "not measured" : verdict(at10.apiP95(), 300, "%.0f ms"),
          at10 == null ? "not measured" : verdict(at10.cacheP95(), 10, "%.1f ms"),
          at10 == null || at50 == null ? "not measured" : verdict(at50.apiP95() / at10.apiP95(), 2, "%.2fx"));
    }
  }

  private static String growthLabel(long from, long to) {
    return BenchData.label(from) + "→" + BenchData.label(to);
  }

  private static String verdict(double value, double limit, String format) {
    return String.format(Locale.ROOT, format, value) + (value <= limit ? " (met)" : " (NOT met)");
  }

  /**
   * At 1M: the in-store copies of the first 250k chunk against the same copies made in Java and
   * loaded through the adapter (must be equal: rows, invariants, dashboard answers), and against
   * 1M independently generated events loaded through the adapter (equal in distribution).
   */
  void verify(BenchStores stores, String kind) throws Exception {
    int copies = 4;
    EventStore loaded = stores.prepare(kind, 1_000_000L);
    compact(loaded);
    Map<String, Long> independent = BenchDataCheck.aggregates(loaded);
    Map<String, String> independentAnswers = answers(loaded);
    BenchData.await(loaded.close());
    EventStore inStore = stores.copies(kind, BenchData.CHUNK, copies, "1m-copies");
    EventStore java = stores.open(kind, "1m-java-copies");
    if (!BenchData.holds(java, (long) copies * BenchData.CHUNK)) {
      BenchData.loadJavaCopies(java, BenchData.chunk(0, BenchData.CHUNK), copies);
    }
    // Reads deduplicate: merged partitions first, or ClickHouse's FINAL opens every inserted part at once.
    compact(inStore);
    compact(java);
    Map<String, String> printsInStore = BenchDataCheck.fingerprint(inStore);
    Map<String, String> printsJava = BenchDataCheck.fingerprint(java);
    Map<String, Long> inStoreFigures = BenchDataCheck.aggregates(inStore);
    Map<String, Long> javaFigures = BenchDataCheck.aggregates(java);
    Map<String, String> inStoreAnswers = answers(inStore);
    Map<String, String> javaAnswers = answers(java);
    System.out.printf(Locale.ROOT, "%n%s: 4 in-store copies of chunk 0 vs the same copies through the adapter%n", kind);
    printsInStore.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-16s %22s %22s %s%n", k, v, printsJava.get(k),
        v.equals(printsJava.get(k)) ? "equal" : "DIFFERENT"));
    System.out.printf(Locale.ROOT, "  raw figures: %s; dashboard answers: %s%n",
        inStoreFigures.equals(javaFigures) ? "all equal" : "DIFFERENT",
        inStoreAnswers.equals(javaAnswers) ? "all " + javaAnswers.size() + " equal" : "DIFFERENT");
    System.out.printf(Locale.ROOT, "%n%s: in-store copies (1M) vs 1M independent events, both through the bench%n", kind);
    System.out.printf(Locale.ROOT, "  %-52s %12s %12s %8s%n", "figure", "copies", "independent", "ratio");
    for (Map.Entry<String, Long> f : inStoreFigures.entrySet()) {
      Long other = independent.get(f.getKey());
      System.out.printf(Locale.ROOT, "  %-52s %,12d %,12d %8s%n", f.getKey(), f.getValue(), other == null ? 0 : other,
          other == null || other == 0 ? "-" : String.format(Locale.ROOT, "%.3f", f.getValue() / (double) other));
    }
    System.out.printf(Locale.ROOT, "  aggregate answer, copies:      %s%n  aggregate answer, independent: %s%n",
        new JsonObject(inStoreAnswers.get("aggregate + comparison")).getJsonArray("results"),
        new JsonObject(independentAnswers.get("aggregate + comparison")).getJsonArray("results"));
    BenchData.await(inStore.close());
    BenchData.await(java.close());
  }

  /** Merges every finished day's partition (ClickHouse; DuckDB keeps no copies to merge). */
  private static void compact(EventStore store) throws Exception {
    if (store instanceof ClickHouseEventStore ch) {
      await(ch.compact(Duration.ZERO));
    }
  }

  /** The dashboard's answers (bodies) from a cold API over {@code store}. */
  Map<String, String> answers(EventStore store) throws Exception {
    int port = serveCold(store);
    Map<String, String> bodies = new LinkedHashMap<>();
    for (Map.Entry<String, String> q : dashboard().entrySet()) {
      HttpResponse<?> response = (HttpResponse<?>) await(request(port, q.getValue()));
      bodies.put(q.getKey(), response.bodyAsString());
    }
    undeployAll();
    return bodies;
  }

  /** Posts a stats query body to a cold API on {@code port}; the answer as JSON. */
  JsonObject query(int port, String body) throws Exception {
    HttpResponse<?> response = (HttpResponse<?>) await(request(port, body));
    return response.bodyAsJsonObject();
  }

  /** The machine's load average: other work on the 2 cores inflates every figure. */
  private static double[] loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    } catch (Exception e) {
      return new double[] {Double.NaN, Double.NaN};
    }
  }

  private int serve(StatsService service) throws Exception {
    StatsRoutes routes = new StatsRoutes(service,
        (ctx, domain) -> Future.succeededFuture(new SiteAccess(domain, ZONE, SiteRole.VIEWER)),
        domain -> Future.succeededFuture(GOALS), domain -> Future.succeededFuture(List.of()),
        new SimpleMeterRegistry());
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, List.of(routes));
    deployments.add(await(vertx.deployVerticle(server)));
    return server.actualPort();
  }

  /** Stops the API servers of the store just measured, before its store is closed. */
  void undeployAll() throws Exception {
    for (String id : deployments) {
      await(vertx.undeploy(id));
    }
    deployments.clear();
  }

  private Future<?> request(int port, String body) {
    Future<HttpResponse<Buffer>> response = body == null
        ? client.get(port, "127.0.0.1", "/api/sites/" + SITE + "/realtime").send()
        : client.post(port, "127.0.0.1", "/api/v2/query").sendBuffer(Buffer.buffer(body));
    return response.compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r)
        : Future.failedFuture("HTTP " + r.statusCode() + ": " + r.bodyAsString()));
  }

  private Object call(int port, String body) throws Exception {
    return await(request(port, body));
  }

  private static Future<?> runAll(EventStore store, List<String> statements) {
    return Future.all(statements.stream().map(store::query).toList());
  }

  private interface Action {
    Object run() throws Exception;
  }

  /** Milliseconds the action took, or NaN when it failed (counted, and left out of percentiles). */
  private double time(Action action) {
    long start = System.nanoTime();
    try {
      Object result = action.run();
      if (result instanceof Future<?> f) {
        await(f);
      }
      return (System.nanoTime() - start) / 1e6;
    } catch (Exception e) {
      failures++;
      System.err.println("failed: " + e.getMessage());
      return Double.NaN;
    }
  }

  static double p(List<Double> values, int percentile) {
    List<Double> sorted = new ArrayList<>(values.stream().filter(v -> !v.isNaN()).toList());
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return BenchData.await(f);
  }

  /** A cache that never holds anything: every API call computes its answer. */
  static final class NoCache implements QueryCache {
    @Override public Future<Buffer> get(String key) { return Future.succeededFuture(); }
    @Override public Future<Void> put(String key, Buffer value, Duration ttl) { return Future.succeededFuture(); }
    @Override public Future<Void> invalidatePrefix(String prefix) { return Future.succeededFuture(); }
  }

  /** Passes everything to the store and remembers the SQL it was asked to run. */
  static final class RecordingStore implements EventStore {
    final EventStore delegate;
    final List<String> statements = Collections.synchronizedList(new ArrayList<>());

    RecordingStore(EventStore delegate) {
      this.delegate = delegate;
    }

    @Override public Future<Void> migrate() { return delegate.migrate(); }
    @Override public Future<Void> insert(List<Event> events) { return delegate.insert(events); }
    @Override public Future<List<io.trackflow.core.session.StoredSession>> openSessions(long from, long to) {
      return delegate.openSessions(from, to);
    }
    @Override public Future<QueryResult> query(java.util.function.Function<io.trackflow.core.store.ReadView, String> statement) {
      // What the store really ran: the statement as built against its read view.
      return delegate.query(view -> {
        String sql = statement.apply(view);
        statements.add(sql);
        return sql;
      });
    }
    @Override public Future<Void> deleteSite(String site) { return delegate.deleteSite(site); }
    @Override public SqlDialect dialect() { return delegate.dialect(); }
    @Override public Future<Void> close() { return Future.succeededFuture(); }
  }
}
