package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.EventsSchema;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.testdata.EventGenerator;
import io.vertx.core.Future;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmarks' data: {@code n} events over 90 days in the shape of {@link EventGenerator},
 * either loaded through a store adapter (chunks of 250,000 events from generators seeded 1000,
 * 1001, …, each with its own visitors) or made inside the store from a loaded base by copies.
 *
 * <p>Copy {@code c} of the base is every stored event and session row with its event, visitor
 * and session ids XOR-ed with {@link #copyKey(int)} (copy 0 is the base itself), everything
 * else (times, pages, sources, devices, session totals) kept. So copies are new events of new
 * visitors in new sessions, with exactly the base's distributions: a visitor id still belongs to
 * one UTC day and a session still lies within one, and each session row still matches its
 * events, as the writer stores them. A copy is what the adapter stores for {@link #copyOf} of
 * the base's events (tested: {@code InStoreCopiesTest}, {@code ClickHouseInStoreCopiesIT}).
 * Loading 10M events through an adapter takes 2.5–5 minutes here; copying them in the store a
 * small part of that.
 */
final class BenchData {

  static final Instant END = EventGenerator.DEFAULT_END;
  static final int DAYS = EventGenerator.DEFAULT_DAYS;
  static final int CHUNK = 250_000;
  private static final int BATCH = 50_000;
  private static final long FIRST_SEED = 1_000;
  private static final List<String> ID_COLUMNS = List.of("event_id", "visitor_id", "session_id");

  private BenchData() {}

  /** The XOR key of copy {@code c}: 0 for the base, then well-spread 64-bit values. */
  static long copyKey(int copy) {
    if (copy == 0) {
      return 0;
    }
    // SplitMix64's finaliser, as the generator uses for visitor ids.
    long z = copy * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Copy {@code c} of an event, as the in-store copy makes it. */
  static Event copyOf(Event e, int copy) {
    long key = copyKey(copy);
    return new Event(e.eventId() ^ key, e.site(), e.timestampMillis(), e.name(), e.hostname(), e.pathname(),
        e.referrer(), e.referrerSource(), e.utmSource(), e.utmMedium(), e.utmCampaign(), e.utmTerm(),
        e.utmContent(), e.visitorId() ^ key, e.sessionId() ^ key, e.browser(), e.browserVersion(), e.os(),
        e.osVersion(), e.device(), e.country(), e.region(), e.city(), e.screenSize(), e.propKeys(), e.propValues(),
        e.interactive(), e.scrollDepth(), e.engagementMillis(), e.session(), e.revenueMicros(), e.revenueCurrency());
  }

  /** "250k", "1M", "50M". */
  static String label(long events) {
    if (events % 1_000_000 == 0) {
      return events / 1_000_000 + "M";
    }
    return events % 1_000 == 0 ? events / 1_000 + "k" : Long.toString(events);
  }

  /** The generated rows of chunk {@code index} of a load of {@code total} rows. */
  static List<Event> chunk(int index, long total) {
    return new EventGenerator(FIRST_SEED + index, END, DAYS).generate((int) Math.min(CHUNK, total - (long) index * CHUNK));
  }

  /** Distinct stored events (replays once). */
  static long count(EventStore store) throws Exception {
    QueryResult r = await(store.query("SELECT count(*) AS n FROM " + EventsSchema.deduplicated(store.dialect())));
    return QueryRunner.toLong(r.rows().get(0).get(0));
  }

  /** Whether the store already holds about {@code events} generated rows (replays excluded). */
  static boolean holds(EventStore store, long events) throws Exception {
    return count(store) >= events * 0.98;
  }

  /** Loads {@code events} generated rows through the adapter, chunk after chunk. */
  static void load(EventStore store, long events) throws Exception {
    long started = System.nanoTime();
    long inserted = 0;
    for (int chunk = 0; inserted < events; chunk++) {
      List<Event> generated = chunk(chunk, events);
      insert(store, generated);
      inserted += generated.size();
      System.out.printf(Locale.ROOT, "%s: %,d rows sent in %.0f s%n", store.dialect(), inserted,
          (System.nanoTime() - started) / 1e9);
    }
    System.out.printf(Locale.ROOT, "%s: loaded %,d distinct events in %.0f s%n", store.dialect(), count(store),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Loads {@code copies} copies of {@code base} through the adapter, each made in Java by
   * {@link #copyOf}: what an in-store copy of a store holding {@code base} must equal.
   */
  static void loadJavaCopies(EventStore store, List<Event> base, int copies) throws Exception {
    for (int c = 0; c < copies; c++) {
      int copy = c;
      insert(store, base.stream().map(e -> copyOf(e, copy)).toList());
    }
  }

  static void insert(EventStore store, List<Event> events) throws Exception {
    for (int i = 0; i < events.size(); i += BATCH) {
      await(store.insert(events.subList(i, Math.min(events.size(), i + BATCH))));
    }
  }

  private static String copied(String column, long key) {
    return ID_COLUMNS.contains(column) ? "xor(" + column + ", CAST(" + key + " AS BIGINT))" : column;
  }

  private static String keyed(String column) {
    return ID_COLUMNS.contains(column) ? "bitXor(" + column + ", copy_key)" : column;
  }

  /**
   * Fills the (empty, migrated) ClickHouse database {@code target} with {@code copies} copies of
   * {@code base}: one INSERT per day and table, reading the base deduplicated ({@code FINAL}) and
   * writing all copies of the day in one block, so each day is one part without duplicates, as
   * compaction leaves it. Blocking (HTTP), never on an event loop.
   */
  static void copyClickHouse(String url, String base, String target, int copies) throws Exception {
    long started = System.nanoTime();
    String keys = "[" + java.util.stream.IntStream.range(0, copies).mapToObj(c -> "toInt64(" + copyKey(c) + ")")
        .collect(Collectors.joining(", ")) + "]";
    List<String> sessionColumns = EventsSchema.SESSION_COLUMNS;
    for (String[] table : List.of(
        new String[] {EventsSchema.TABLE, "timestamp", String.join(", ", EventsSchema.COLUMNS)},
        new String[] {EventsSchema.SESSIONS_TABLE, "start", String.join(", ", sessionColumns)})) {
      List<String> columns = List.of(table[2].split(", "));
      String days = clickHouse(url, base, "SELECT DISTINCT toYYYYMMDD(" + table[1] + ") FROM " + table[0]
          + " ORDER BY 1 FORMAT TSV");
      for (String day : days.strip().split("\n")) {
        if (day.isBlank()) {
          continue;
        }
        // The day literal comes from ClickHouse itself (a yyyyMMdd number).
        String sql = "INSERT INTO " + target + "." + table[0] + " (" + table[2] + ") SELECT "
            + columns.stream().map(BenchData::keyed).collect(Collectors.joining(", "))
            + " FROM (SELECT " + table[2] + ", arrayJoin(" + keys + ") AS copy_key FROM " + base + "." + table[0]
            + " FINAL WHERE toYYYYMMDD(" + table[1] + ") = " + Long.parseLong(day.strip()) + ")";
        clickHouse(url, target, sql);
      }
    }
    System.out.printf(Locale.ROOT, "clickhouse: %s copied %d times into %s in %.0f s%n", base, copies, target,
        (System.nanoTime() - started) / 1e9);
  }

  /** Runs one statement on ClickHouse over HTTP (writes allowed) and returns its output. */
  static String clickHouse(String url, String database, String sql) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/?database="
            + URLEncoder.encode(database, StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("ClickHouse " + response.statusCode() + ": " + response.body() + "\n" + sql);
      }
      return response.body();
    }
  }

  /**
   * Fills the (empty, migrated, closed) DuckDB file {@code target} with {@code copies} copies of
   * the (closed) file {@code base}, copy after copy: the rows land in the order an adapter load
   * of as many chunks would append them (each copy a sweep over the 90 days).
   */
  static void copyDuckDb(Path base, Path target, int copies) throws Exception {
    long started = System.nanoTime();
    List<String> sessionColumns = new ArrayList<>(EventsSchema.SESSION_COLUMNS);
    sessionColumns.remove("start");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + target.toAbsolutePath());
         Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      // The machine is shared: the copy streams, so a bounded memory is no slower.
      statement.execute("SET memory_limit = '4GB'");
      statement.execute("ATTACH '" + base.toAbsolutePath().toString().replace("'", "''") + "' AS base (READ_ONLY)");
      for (int c = 0; c < copies; c++) {
        long key = copyKey(c);
        for (List<String> table : List.of(EventsSchema.COLUMNS, sessionColumns)) {
          String name = table == EventsSchema.COLUMNS ? EventsSchema.TABLE : EventsSchema.SESSIONS_TABLE;
          statement.execute("INSERT INTO " + name + " (" + String.join(", ", table) + ") SELECT "
              + table.stream().map(col -> copied(col, key)).collect(Collectors.joining(", "))
              + " FROM base." + name);
        }
        System.out.printf(Locale.ROOT, "duckdb: copy %d of %s written after %.0f s%n", c + 1, base.getFileName(),
            (System.nanoTime() - started) / 1e9);
      }
      statement.execute("DETACH base");
      statement.execute("CHECKPOINT");
    }
  }

  /**
   * Rewrites a DuckDB bench file's events in time order and its sessions in start order, once
   * (a marker table records it). A writer appends events as they arrive, so a real store's row
   * groups each hold a stretch of time and DuckDB skips the others by their min/max; the
   * generator's chunks each span all 90 days, which would make every read of a short span scan
   * the whole table. The store must be closed.
   */
  static void orderDuckDbByTime(Path file) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
         Statement statement = connection.createStatement()) {
      try (var marker = statement.executeQuery(
          "SELECT count(*) FROM information_schema.tables WHERE table_name = 'bench_time_ordered'")) {
        if (marker.next() && marker.getLong(1) > 0) {
          return;
        }
      }
      long started = System.nanoTime();
      statement.execute("SET memory_limit = '4GB'");
      for (String[] table : new String[][] {{EventsSchema.TABLE, "timestamp_ms"}, {EventsSchema.SESSIONS_TABLE, "start_ms"}}) {
        statement.execute("CREATE TABLE bench_sorted AS SELECT * FROM " + table[0] + " ORDER BY " + table[1]);
        statement.execute("DELETE FROM " + table[0]);
        statement.execute("INSERT INTO " + table[0] + " SELECT * FROM bench_sorted");
        statement.execute("DROP TABLE bench_sorted");
      }
      statement.execute("CREATE TABLE bench_time_ordered (ordered_at TIMESTAMP)");
      statement.execute("INSERT INTO bench_time_ordered VALUES (now())");
      statement.execute("CHECKPOINT");
      System.out.printf(Locale.ROOT, "duckdb: %s rewritten in time order in %.0f s%n", file.getFileName(),
          (System.nanoTime() - started) / 1e9);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }
}
