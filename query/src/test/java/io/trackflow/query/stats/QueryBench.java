package io.trackflow.query.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.event.Event;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stats query latency on 10 million generated events over 90 days, on ClickHouse and on DuckDB:
 * the dashboard's set of queries (aggregate with comparison, 30-day time series, six top-10
 * breakdowns, realtime), each through the HTTP API without cache ("cold"), through the API with
 * the answer cached, and as the very same SQL sent straight to the store, in the same run.
 *
 * <p>Loading is the slow part, so an already loaded store is reused: point {@code -Dclickhouse.url}
 * at a ClickHouse that keeps its data and {@code -Dduckdb.file} at a file. Usage and figures:
 * docs/benchmarks.md, "Query latency".
 */
public final class QueryBench {

  static final Instant END = EventGenerator.DEFAULT_END;
  /** "Now" for the dashboard: the evening of the last day, so realtime has traffic. */
  static final Instant NOW = END.minus(Duration.ofHours(4));
  static final String SITE = EventGenerator.SITES.get(0);
  static final String ZONE = "Europe/Berlin";
  private static final int CHUNK = 250_000;
  private static final int BATCH = 50_000;

  private final Vertx vertx = Vertx.vertx();
  private final WebClient client = WebClient.create(vertx);
  private final int events;
  private final int days;
  private final int rounds;
  private int failures;

  QueryBench(int events, int days, int rounds) {
    this.events = events;
    this.days = days;
    this.rounds = rounds;
  }

  public static void main(String[] args) throws Exception {
    QueryBench bench = new QueryBench(Integer.getInteger("events", 10_000_000), Integer.getInteger("days", 90),
        Integer.getInteger("rounds", 20));
    List<String> stores = List.of(System.getProperty("stores", "clickhouse,duckdb").split(","));
    ClickHouseService privateClickHouse = null;
    try {
      for (String name : stores) {
        EventStore store;
        if (name.equals("clickhouse")) {
          String url = System.getProperty("clickhouse.url", "");
          if (url.isEmpty()) {
            privateClickHouse = ClickHouseService.launch();
            url = privateClickHouse.httpUrl();
          }
          store = new ClickHouseEventStore(bench.vertx, ClickHouseOptions.of(url, "trackflow_bench"), new SimpleMeterRegistry());
        } else {
          Path file = Path.of(System.getProperty("duckdb.file", "/tmp/trackflow-bench/query-events.duckdb"));
          Files.createDirectories(file.getParent());
          store = new DuckDbEventStore(bench.vertx, file, new SimpleMeterRegistry(), 2);
        }
        await(store.migrate());
        bench.load(store);
        bench.settle(store);
        bench.measure(store);
        await(store.close());
      }
    } finally {
      if (privateClickHouse != null) {
        privateClickHouse.close();
      }
      bench.vertx.close();
    }
  }

  /** Loads the generated events unless the store already holds them. */
  void load(EventStore store) throws Exception {
    long stored = count(store);
    if (stored >= events * 0.98) {
      System.out.printf(Locale.ROOT, "%s: %,d events already stored, not loading%n", store.dialect(), stored);
      return;
    }
    long started = System.nanoTime();
    long inserted = 0;
    for (int chunk = 0; inserted < events; chunk++) {
      List<Event> generated = new EventGenerator(1_000 + chunk, END, days).generate(Math.min(CHUNK, events - (int) inserted));
      for (int i = 0; i < generated.size(); i += BATCH) {
        await(store.insert(generated.subList(i, Math.min(generated.size(), i + BATCH))));
      }
      inserted += generated.size();
      System.out.printf(Locale.ROOT, "%s: %,d rows sent in %.0f s%n", store.dialect(), inserted,
          (System.nanoTime() - started) / 1e9);
    }
    System.out.printf(Locale.ROOT, "%s: loaded %,d distinct events in %.0f s%n", store.dialect(), count(store),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * The state a running system is in: past days compacted by the writer, the dashboard's today
   * still being written (some of its events replayed, so its partition has several parts and
   * reads of it deduplicate).
   */
  void settle(EventStore store) throws Exception {
    long started = System.nanoTime();
    int merged = store instanceof ClickHouseEventStore ch ? await(ch.compact(Duration.ZERO)) : await(store.compact());
    List<Event> today = new EventGenerator(1_000, END, days).generate(CHUNK).stream()
        .filter(e -> e.timestampMillis() >= END.minus(Duration.ofDays(1)).toEpochMilli())
        .limit(5_000).toList();
    await(store.insert(today));
    System.out.printf(Locale.ROOT, "%s: compacted %d partitions in %.0f s, replayed %,d events of the last day%n",
        store.dialect(), merged, (System.nanoTime() - started) / 1e9, today.size());
  }

  private static long count(EventStore store) throws Exception {
    QueryResult r = await(store.query("SELECT count(*) AS n FROM " + EventsSchema.deduplicated(store.dialect())));
    return QueryRunner.toLong(r.rows().get(0).get(0));
  }

  /** The dashboard's queries for one site over the last 30 days, as the dashboard sends them. */
  static Map<String, String> dashboard() {
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("aggregate + comparison", "{\"site_id\":\"" + SITE + "\",\"metrics\":[\"visitors\",\"visits\",\"pageviews\","
        + "\"views_per_visit\",\"bounce_rate\",\"visit_duration\"],\"date_range\":\"30d\","
        + "\"include\":{\"comparisons\":{\"mode\":\"previous_period\"}}}");
    queries.put("timeseries 30 days", "{\"site_id\":\"" + SITE + "\",\"metrics\":[\"visitors\"],\"date_range\":\"30d\","
        + "\"dimensions\":[\"time:day\"],\"order_by\":[[\"time:day\",\"asc\"]],\"include\":{\"time_labels\":true}}");
    for (String dimension : List.of("visit:source", "event:page", "visit:entry_page", "visit:country",
        "visit:browser", "visit:device")) {
      queries.put("top 10 " + dimension, "{\"site_id\":\"" + SITE + "\",\"metrics\":[\"visitors\"],\"date_range\":\"30d\","
          + "\"dimensions\":[\"" + dimension + "\"],\"order_by\":[[\"visitors\",\"desc\"]],"
          + "\"pagination\":{\"limit\":10,\"offset\":0},\"include\":{\"total_rows\":true}}");
    }
    queries.put("realtime", null);
    return queries;
  }

  void measure(EventStore raw) throws Exception {
    RecordingStore recording = new RecordingStore(raw);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int coldPort = serve(new StatsService(recording, new NoCache(), registry, clock));
    int cachedPort = serve(new StatsService(raw, new InMemoryQueryCache(Clock.systemUTC(), 1_000), registry, clock));
    Map<String, String> queries = dashboard();

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
    System.out.printf(Locale.ROOT, "%n%s, %,d events, site %s (%s), 30 days, %d rounds%n", raw.dialect(), count(raw),
        SITE, ZONE, rounds);
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
    System.out.printf(Locale.ROOT, "%-26s %9.1f %9.1f %9.1f %9.1f %8.0f%% %9.2f %9.2f%n", "dashboard set, parallel",
        p(cold, 50), p(cold, 95), p(direct, 50), p(direct, 95), (p(cold, 50) / p(direct, 50) - 1) * 100,
        p(cached, 50), p(cached, 95));
    double[] load = loadAverage();
    System.out.printf(Locale.ROOT, "failed calls: %d; load average at the end: %.1f (1 min), %.1f (5 min)%n",
        failures, load[0], load[1]);
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
        domain -> Future.succeededFuture(List.of()), domain -> Future.succeededFuture(List.of()),
        new SimpleMeterRegistry());
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, List.of(routes));
    await(vertx.deployVerticle(server));
    return server.actualPort();
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
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
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
