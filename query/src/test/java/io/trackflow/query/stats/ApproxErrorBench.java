package io.trackflow.query.stats;

import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * How far unique-visitor figures lie from exact counts (the sketch column shows what rollups
 * keeping sketches, as schema 7 did, would answer), for the dashboard's 30-day
 * aggregate and every group of its six breakdowns: exact is {@code uniqExact} /
 * {@code count(DISTINCT visitor_id)} in SQL over the stored rows; approximate is
 *
 * <ul>
 *   <li>"sketch": an HLL sketch (DataSketches, lgK = 14, HLL_4) per group and UTC day built from
 *       the raw visitor ids, the days merged for the range, as rollups keeping a sketch per day
 *       would answer;
 *   <li>"API": the stats API's own answer in the bench's rollups mode ({@link QueryBench#ROLLUPS_PROPERTY}); it
 *       must be exact in every mode (rollups count visitors exactly), which also checks that the
 *       exact SQL here means what the dashboard means.
 * </ul>
 *
 * <p>Replayed rows (not yet merged on ClickHouse) repeat a visitor id already counted, so plain
 * reads without {@code FINAL} give exact distinct counts, and this bench reads plainly.
 */
final class ApproxErrorBench {

  static final int LG_K = 14;
  private static final int PARTS = 8;

  /** A breakdown of the dashboard: its API dimension and where its visitors are counted. */
  record Breakdown(String name, String dimension, String table, String column, String time, String condition) {}

  private static final List<Breakdown> BREAKDOWNS = List.of(
      new Breakdown("aggregate", null, "sessions", null, "start_ms", null),
      new Breakdown("top sources", "visit:source", "sessions", "referrer_source", "start_ms", null),
      new Breakdown("top pages", "event:page", "events", "pathname", "timestamp_ms", "name != 'engagement'"),
      new Breakdown("top entry pages", "visit:entry_page", "sessions", "entry_page", "start_ms", null),
      new Breakdown("top countries", "visit:country", "sessions", "country", "start_ms", null),
      new Breakdown("top browsers", "visit:browser", "sessions", "browser", "start_ms", null),
      new Breakdown("top devices", "visit:device", "sessions", "device", "start_ms", null));

  private final EventStore store;
  private final QueryBench bench;
  private final Instant from;
  private final Instant to;

  ApproxErrorBench(EventStore store, QueryBench bench) {
    this.store = store;
    this.bench = bench;
    // The dashboard's "30d": the last 30 days in the site's zone, today included.
    ZoneId zone = ZoneId.of(QueryBench.ZONE);
    LocalDate today = LocalDate.ofInstant(QueryBench.NOW, zone);
    this.from = today.minusDays(29).atStartOfDay(zone).toInstant();
    this.to = today.plusDays(1).atStartOfDay(zone).toInstant();
  }

  void run(String label) throws Exception {
    int port = bench.serveCold(store);
    System.out.printf(Locale.ROOT, "%n%s, %s events: unique visitors of %s, %s to %s; relative error against exact "
            + "(HLL lgK=%d HLL_4: 1-sigma %.2f%%)%n", store.dialect(), label, QueryBench.SITE, from, to, LG_K,
        100 * HllSketch.getRelErr(false, true, LG_K, 1));
    System.out.printf(Locale.ROOT, "%-16s %7s %12s %12s %12s %12s %12s%n", "breakdown", "groups", "visitors",
        "sketch max", "sketch mean", "API max", "API mean");
    List<Double> allSketch = new ArrayList<>();
    List<Double> allApi = new ArrayList<>();
    for (Breakdown b : BREAKDOWNS) {
      Map<String, Long> exact = exact(b);
      Map<String, Double> sketched = sketched(b);
      Map<String, Double> api = api(port, b);
      List<Double> sketchErrors = new ArrayList<>();
      List<Double> apiErrors = new ArrayList<>();
      for (Map.Entry<String, Long> group : exact.entrySet()) {
        sketchErrors.add(relative(sketched.getOrDefault(group.getKey(), 0.0), group.getValue()));
        apiErrors.add(relative(api.getOrDefault(group.getKey(), 0.0), group.getValue()));
      }
      // A group the API shows that the exact SQL lacks is an error of 100%.
      api.keySet().stream().filter(k -> !exact.containsKey(k)).forEach(k -> apiErrors.add(1.0));
      allSketch.addAll(sketchErrors);
      allApi.addAll(apiErrors);
      System.out.printf(Locale.ROOT, "%-16s %7d %,12d %11.3f%% %11.3f%% %11.3f%% %11.3f%%%n", b.name(), exact.size(),
          exact.values().stream().mapToLong(Long::longValue).max().orElse(0), 100 * max(sketchErrors),
          100 * mean(sketchErrors), 100 * max(apiErrors), 100 * mean(apiErrors));
    }
    System.out.printf(Locale.ROOT, "%-16s %7d %12s %11.3f%% %11.3f%% %11.3f%% %11.3f%%%n", "all groups", allSketch.size(), "",
        100 * max(allSketch), 100 * mean(allSketch), 100 * max(allApi), 100 * mean(allApi));
    bench.undeployAll();
  }

  private static double relative(double estimate, long exact) {
    return Math.abs(estimate - exact) / exact;
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Exact distinct visitors per group, keyed as the API shows the group. */
  private Map<String, Long> exact(Breakdown b) throws Exception {
    String distinct = store.dialect() == SqlDialect.CLICKHOUSE ? "uniqExact(visitor_id)" : "count(DISTINCT visitor_id)";
    QueryResult r = BenchData.await(store.query("SELECT " + value(b) + " AS value, " + distinct + " AS visitors FROM "
        + b.table() + " WHERE " + where(b) + " GROUP BY value"));
    Map<String, Long> out = new HashMap<>();
    for (List<Object> row : r.rows()) {
      out.put(shown(b, String.valueOf(row.get(0))), QueryRunner.toLong(row.get(1)));
    }
    return out;
  }

  /** Estimated distinct visitors per group: per-day sketches of the raw ids, merged over the range. */
  private Map<String, Double> sketched(Breakdown b) throws Exception {
    Map<String, Map<Long, HllSketch>> byDay = new HashMap<>();
    boolean clickHouse = store.dialect() == SqlDialect.CLICKHOUSE;
    for (int part = 0; part < PARTS; part++) {
      // In parts by the id's low bits, so no answer holds every id of the range at once.
      String inPart = (clickHouse ? "bitAnd(visitor_id, " : "(visitor_id & ") + (PARTS - 1) + ") = " + part;
      String day = clickHouse ? "intDiv(" + b.time() + ", 86400000)" : "(" + b.time() + " // 86400000)";
      QueryResult r = BenchData.await(store.query("SELECT " + value(b) + " AS value, " + day + " AS day, visitor_id FROM "
          + b.table() + " WHERE " + where(b) + " AND " + inPart + " GROUP BY value, day, visitor_id"));
      for (List<Object> row : r.rows()) {
        byDay.computeIfAbsent(shown(b, String.valueOf(row.get(0))), k -> new HashMap<>())
            .computeIfAbsent(QueryRunner.toLong(row.get(1)), k -> new HllSketch(LG_K, TgtHllType.HLL_4))
            .update(QueryRunner.toLong(row.get(2)));
      }
    }
    Map<String, Double> out = new HashMap<>();
    byDay.forEach((group, days) -> {
      Union union = new Union(LG_K);
      days.values().forEach(union::update);
      out.put(group, union.getResult(TgtHllType.HLL_4).getEstimate());
    });
    return out;
  }

  /** The API's visitors per group (all groups: the breakdowns here have at most a few dozen). */
  private Map<String, Double> api(int port, Breakdown b) throws Exception {
    String site = "\"site_id\":\"" + QueryBench.SITE + "\",\"metrics\":[\"visitors\"],\"date_range\":\"30d\"";
    JsonObject answer = bench.query(port, b.dimension() == null ? "{" + site + "}"
        : "{" + site + ",\"dimensions\":[\"" + b.dimension() + "\"],\"pagination\":{\"limit\":1000,\"offset\":0}}");
    Map<String, Double> out = new LinkedHashMap<>();
    for (Object result : answer.getJsonArray("results")) {
      JsonObject row = (JsonObject) result;
      JsonArray dimensions = row.getJsonArray("dimensions", new JsonArray());
      out.put(dimensions.isEmpty() ? "" : String.valueOf(dimensions.getValue(0)),
          ((Number) row.getJsonArray("metrics").getValue(0)).doubleValue());
    }
    return out;
  }

  private static String value(Breakdown b) {
    return b.column() == null ? "''" : b.column();
  }

  private static String shown(Breakdown b, String value) {
    String label = b.dimension() == null ? null : Dimension.parse(b.dimension()).orElseThrow().emptyLabel();
    return value.isEmpty() && label != null ? label : value;
  }

  private String where(Breakdown b) {
    return "site = " + SqlLiterals.quote(store.dialect(), QueryBench.SITE) + " AND " + b.time() + " >= "
        + from.toEpochMilli() + " AND " + b.time() + " < " + to.toEpochMilli()
        + (b.condition() == null ? "" : " AND " + b.condition());
  }
}
