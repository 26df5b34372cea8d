package io.trackflow.adapters.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.testsupport.ClickHouseService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Event store insert throughput, each store through its adapter side by side with the store's
 * own bulk insert of the same rows, in the same run, interleaved over several rounds:
 *
 * <ul>
 *   <li>ClickHouse adapter: batches of 10,000 (the writer's default; also 50,000 and 100,000), gzip
 *       RowBinary over HTTP, one or two inserts in flight; against one HTTP insert of the same
 *       rows as a TSV file, {@code clickhouse-client} reading that file (native protocol), and
 *       the same TSV posted in 10,000-row inserts (ClickHouse's own cost per insert).
 *   <li>DuckDB adapter: the same batches (and 50,000-row ones) through the appender, staging
 *       table and replay anti-join, sessions included; against one appender writing every row
 *       straight into the table, and DuckDB copying the same rows from a Parquet and a CSV file
 *       it wrote itself (its own fastest bulk load; events only).
 * </ul>
 *
 * Starts a private ClickHouse (test-support) unless {@code -Dclickhouse.url=http://host:8123}
 * points at one. Usage and figures: docs/benchmarks.md, "Event store insert throughput".
 */
public final class StoreInsertBench {

  private static final int BATCH = 10_000;

  private final int events;
  private final int rounds;
  private final Path work;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, List<Double>> results = new LinkedHashMap<>();
  private String clickHouseUrl;
  private ClickHouseService clickHouse;

  private StoreInsertBench(int events, int rounds, Path work) {
    this.events = events;
    this.rounds = rounds;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    int events = Integer.getInteger("events", 500_000);
    int rounds = Integer.getInteger("rounds", 3);
    Path work = Files.createTempDirectory("trackflow-store-bench");
    StoreInsertBench bench = new StoreInsertBench(events, rounds, work);
    try {
      bench.run();
    } finally {
      bench.close();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    String external = System.getProperty("clickhouse.url", "");
    if (external.isBlank()) {
      clickHouse = ClickHouseService.launch();
      clickHouseUrl = clickHouse.httpUrl();
    } else {
      clickHouseUrl = external;
    }
    String version = post("SELECT version()", null).strip();
    List<Event> traffic = new EventGenerator(20_250_401L).generate(events);
    List<List<Event>> batches = new ArrayList<>();
    for (int from = 0; from < traffic.size(); from += BATCH) {
      batches.add(traffic.subList(from, Math.min(traffic.size(), from + BATCH)));
    }
    System.out.printf("%,d events (%,d distinct) in %d batches; ClickHouse %s; %d cores; JDK %s%n",
        traffic.size(), EventGenerator.distinct(traffic).size(), batches.size(), version,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    // Warm-up: JIT, connection pools, DuckDB's first file; not measured.
    List<List<Event>> warmUp = batches.subList(0, Math.min(5, batches.size()));
    clickHouseAdapter("warmup", warmUp, 1);
    duckDbAdapter("warmup", warmUp);

    for (int round = 1; round <= rounds; round++) {
      String db = "bench_" + round + "_" + System.nanoTime() % 100_000;
      record("ClickHouse adapter, 1 insert in flight", clickHouseAdapter(db + "_a", batches, 1));
      record("ClickHouse adapter, 2 inserts in flight", clickHouseAdapter(db + "_b", batches, 2));
      record("ClickHouse adapter, 50,000-row batches", clickHouseAdapter(db + "_c", regroup(batches, 5), 1));
      record("ClickHouse adapter, 100,000-row batches", clickHouseAdapter(db + "_d", regroup(batches, 10), 1));
      Path tsv = work.resolve("events.tsv");
      long rows = exportTsv(db + "_a", tsv);
      record("ClickHouse bulk: one HTTP insert of a TSV file", clickHouseHttpBulk(db + "_a", tsv, rows));
      record("ClickHouse bulk: the TSV in 10,000-row HTTP inserts", clickHouseHttpChunks(db + "_a", tsv, rows));
      if (clickHouse != null) {
        record("ClickHouse bulk: clickhouse-client < TSV file", clickHouseClientBulk(db + "_a", tsv, rows));
      }
      record("DuckDB adapter (appender + staging + replay anti-join)", duckDbAdapter("round" + round, batches));
      record("DuckDB adapter, 50,000-row batches", duckDbAdapter("round" + round + "-50k", regroup(batches, 5)));
      record("DuckDB bulk: one appender straight into the table", duckDbBulk("round" + round, traffic));
      record("DuckDB bulk: COPY from a Parquet file DuckDB wrote", duckDbCopy("round" + round, "parquet"));
      record("DuckDB bulk: COPY from a CSV file DuckDB wrote", duckDbCopy("round" + round, "csv"));
      System.out.printf("round %d done%n", round);
    }

    System.out.println();
    System.out.println("| path | rows/s (median of " + rounds + ") | runs |");
    System.out.println("| --- | ---: | --- |");
    results.forEach((name, rates) -> System.out.printf("| %s | %,.0f | %s |%n", name, median(rates),
        rates.stream().map(r -> String.format("%,.0f", r)).toList()));
    double chAdapter = median(results.get("ClickHouse adapter, 1 insert in flight"));
    double chBulk = median(results.get("ClickHouse bulk: one HTTP insert of a TSV file"));
    double chChunks = median(results.get("ClickHouse bulk: the TSV in 10,000-row HTTP inserts"));
    double chAdapter50k = median(results.get("ClickHouse adapter, 50,000-row batches"));
    double chAdapter100k = median(results.get("ClickHouse adapter, 100,000-row batches"));
    double duckAdapter = median(results.get("DuckDB adapter (appender + staging + replay anti-join)"));
    double duckBulk = median(results.get("DuckDB bulk: one appender straight into the table"));
    double duckCopy = median(results.get("DuckDB bulk: COPY from a Parquet file DuckDB wrote"));
    System.out.printf("%nClickHouse adapter / one HTTP bulk insert: %.0f%% (10k batches), %.0f%% (50k), %.0f%% (100k);"
        + " adapter / the same 10k-row TSV inserts: %.0f%%%nDuckDB adapter / appender bulk: %.0f%%;"
        + " adapter / COPY from Parquet: %.0f%%%n",
        100 * chAdapter / chBulk, 100 * chAdapter50k / chBulk, 100 * chAdapter100k / chBulk, 100 * chAdapter / chChunks,
        100 * duckAdapter / duckBulk, 100 * duckAdapter / duckCopy);
  }

  private void record(String name, double rowsPerSecond) {
    results.computeIfAbsent(name, k -> new ArrayList<>()).add(rowsPerSecond);
    System.out.printf("  %-58s %,12.0f rows/s%n", name, rowsPerSecond);
  }

  private double clickHouseAdapter(String database, List<List<Event>> batches, int inFlight) throws Exception {
    EventStore store = new ClickHouseEventStore(vertx, ClickHouseOptions.of(clickHouseUrl, database),
        new SimpleMeterRegistry());
    try {
      await(store.migrate());
      int rows = batches.stream().mapToInt(List::size).sum();
      long start = System.nanoTime();
      // inFlight lanes, each inserting its share of batches one after the other.
      List<Future<Void>> lanes = new ArrayList<>();
      for (int lane = 0; lane < inFlight; lane++) {
        Future<Void> chain = Future.succeededFuture();
        for (int b = lane; b < batches.size(); b += inFlight) {
          List<Event> batch = batches.get(b);
          chain = chain.compose(v -> store.insert(batch));
        }
        lanes.add(chain);
      }
      await(Future.all(lanes));
      return rows / seconds(start);
    } finally {
      await(store.close());
    }
  }

  private long exportTsv(String database, Path file) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/?database=" + database))
        .POST(HttpRequest.BodyPublishers.ofString("SELECT * FROM events FORMAT TSV")).build();
    HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(file));
    check(response.statusCode(), "export");
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }

  private double clickHouseHttpBulk(String database, Path tsv, long rows) throws Exception {
    post("CREATE TABLE " + database + ".bulk_http AS " + database + ".events", null);
    long start = System.nanoTime();
    String query = URLEncoder.encode("INSERT INTO " + database + ".bulk_http FORMAT TSV", StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/?query=" + query))
        .POST(HttpRequest.BodyPublishers.ofFile(tsv)).build();
    check(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode(), "bulk insert");
    double rate = rows / seconds(start);
    verifyCount(database + ".bulk_http", rows);
    return rate;
  }

  /** The same TSV rows, posted in the writer's batch size: ClickHouse's cost per insert alone. */
  private double clickHouseHttpChunks(String database, Path tsv, long rows) throws Exception {
    post("CREATE TABLE " + database + ".bulk_chunks AS " + database + ".events", null);
    List<byte[]> chunks = new ArrayList<>();
    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    for (int from = 0; from < lines.size(); from += BATCH) {
      String chunk = String.join("\n", lines.subList(from, Math.min(lines.size(), from + BATCH))) + "\n";
      chunks.add(chunk.getBytes(StandardCharsets.UTF_8));
    }
    String query = URLEncoder.encode("INSERT INTO " + database + ".bulk_chunks FORMAT TSV", StandardCharsets.UTF_8);
    long start = System.nanoTime();
    for (byte[] chunk : chunks) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(clickHouseUrl + "/?query=" + query))
          .POST(HttpRequest.BodyPublishers.ofByteArray(chunk)).build();
      check(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode(), "chunk insert");
    }
    double rate = rows / seconds(start);
    verifyCount(database + ".bulk_chunks", rows);
    return rate;
  }

  private static List<List<Event>> regroup(List<List<Event>> batches, int per) {
    List<List<Event>> out = new ArrayList<>();
    for (int from = 0; from < batches.size(); from += per) {
      List<Event> merged = new ArrayList<>();
      batches.subList(from, Math.min(batches.size(), from + per)).forEach(merged::addAll);
      out.add(merged);
    }
    return out;
  }

  private double clickHouseClientBulk(String database, Path tsv, long rows) throws Exception {
    post("CREATE TABLE " + database + ".bulk_client AS " + database + ".events", null);
    long start = System.nanoTime();
    Process client = new ProcessBuilder("clickhouse-client", "--host", clickHouse.host(),
        "--port", Integer.toString(clickHouse.tcpPort()),
        "--query", "INSERT INTO " + database + ".bulk_client FORMAT TSV")
        .redirectInput(tsv.toFile()).redirectErrorStream(true).start();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!client.waitFor(10, TimeUnit.MINUTES) || client.exitValue() != 0) {
      throw new IllegalStateException("clickhouse-client failed: " + output);
    }
    double rate = rows / seconds(start);
    verifyCount(database + ".bulk_client", rows);
    return rate;
  }

  private void verifyCount(String table, long rows) throws Exception {
    long stored = Long.parseLong(post("SELECT count() FROM " + table, null).strip());
    // A background merge may already have collapsed a few replayed rows.
    if (stored > rows || stored < rows * 0.98) {
      throw new IllegalStateException(table + " holds " + stored + " rows, expected " + rows);
    }
  }

  private double duckDbAdapter(String name, List<List<Event>> batches) throws Exception {
    DuckDbEventStore store = new DuckDbEventStore(vertx, work.resolve(name + "-adapter.duckdb"), new SimpleMeterRegistry());
    try {
      await(store.migrate());
      int rows = batches.stream().mapToInt(List::size).sum();
      long start = System.nanoTime();
      Future<Void> chain = Future.succeededFuture();
      for (List<Event> batch : batches) {
        chain = chain.compose(v -> store.insert(batch));
      }
      await(chain);
      return rows / seconds(start);
    } finally {
      await(store.close());
    }
  }

  private double duckDbBulk(String name, List<Event> traffic) throws Exception {
    Path file = work.resolve(name + "-bulk.duckdb");
    // The same schema, made by the adapter's migration, then filled without it.
    DuckDbEventStore schema = new DuckDbEventStore(vertx, file, new SimpleMeterRegistry());
    await(schema.migrate());
    await(schema.close());
    try (DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file)) {
      long start = System.nanoTime();
      try (DuckDBAppender a = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, EventsSchema.TABLE)) {
        for (Event e : traffic) {
          long millis = EventsSchema.storedMillis(e.timestampMillis());
          a.beginRow();
          a.append(e.eventId()).append(e.site()).appendEpochMicros(Math.floorDiv(millis, 1000) * 1_000_000L)
              .append(millis).append(e.name()).append(e.hostname()).append(e.pathname()).append(e.referrer())
              .append(e.referrerSource()).append(e.utmSource()).append(e.utmMedium()).append(e.utmCampaign())
              .append(e.utmTerm()).append(e.utmContent()).append(e.visitorId()).append(e.sessionId())
              .append(e.browser()).append(e.browserVersion()).append(e.os()).append(e.osVersion())
              .append(e.device()).append(e.country()).append(e.screenSize()).append(e.propKeys())
              .append(e.propValues()).append((byte) (e.interactive() ? 1 : 0)).append(e.scrollDepth())
              .append(e.engagementMillis()).append(e.region()).append(e.city());
          a.endRow();
        }
      }
      return traffic.size() / seconds(start);
    }
  }

  /**
   * DuckDB's own fastest load of the same rows: the table the appender filled, exported by DuckDB
   * as a file (not timed), then copied into an empty table of the same schema (timed).
   */
  private double duckDbCopy(String name, String format) throws Exception {
    Path source = work.resolve(name + "-bulk.duckdb");
    Path file = work.resolve(name + "-events." + format);
    // NULLSTR: a CSV's empty field would otherwise read back as NULL, not as the empty string.
    String options = format.equals("csv") ? "(FORMAT csv, NULLSTR '\\N')" : "(FORMAT " + format + ")";
    long rows;
    try (java.sql.Connection c = DriverManager.getConnection("jdbc:duckdb:" + source);
        java.sql.Statement st = c.createStatement()) {
      st.execute("COPY events TO '" + file + "' " + options);
      try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
        rs.next();
        rows = rs.getLong(1);
      }
    }
    Path target = work.resolve(name + "-copy-" + format + ".duckdb");
    DuckDbEventStore schema = new DuckDbEventStore(vertx, target, new SimpleMeterRegistry());
    await(schema.migrate());
    await(schema.close());
    try (java.sql.Connection c = DriverManager.getConnection("jdbc:duckdb:" + target);
        java.sql.Statement st = c.createStatement()) {
      long start = System.nanoTime();
      st.execute("COPY events FROM '" + file + "' " + options);
      return rows / seconds(start);
    }
  }

  private String post(String sql, String database) throws Exception {
    String url = clickHouseUrl + "/" + (database == null ? "" : "?database=" + database);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    check(response.statusCode(), sql + ": " + response.body());
    return response.body();
  }

  private static void check(int status, String what) {
    if (status != 200) {
      throw new IllegalStateException("ClickHouse answered " + status + " to " + what);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  private void close() throws Exception {
    try {
      await(vertx.close());
    } finally {
      if (clickHouse != null) {
        clickHouse.close();
      }
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
