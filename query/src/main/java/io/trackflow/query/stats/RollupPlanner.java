package io.trackflow.query.stats;

import io.trackflow.core.rollup.Rollups;
import io.trackflow.core.rollup.VisitorSketch;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.trackflow.query.stats.QueryRunner.Raw;
import io.trackflow.query.stats.QueryRunner.Row;
import io.trackflow.query.stats.QueryRunner.Shape;
import io.trackflow.query.stats.QueryRunner.Statement;
import io.trackflow.query.stats.SqlBuilder.Agg;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers from the rollups the queries they answer exactly in counts (docs/stats.md, "Rollups"):
 * no filters (the groups a comparison restricts to are picked in Java), no dimension, one
 * dimension with rollup rows, or one time dimension (then only zones whose offsets over the range
 * are whole hours), metrics the rollup columns hold. The range splits into built whole UTC days
 * (day rows), built UTC days partly inside it (hour rows), and the rest (unbuilt days, hours cut
 * by the range), answered by the raw statements; groups are summed in Java and visitors are the
 * union of the rows' sketches with the raw parts' visitor ids.
 *
 * <p>Distinct visits of an event dimension and engagement (per visit, the deepest scroll) add up
 * only across UTC days that no session spans: where they are asked for, built days partly in the
 * range are read raw, and so are two neighbouring days of the range when a session crosses from
 * one into the other (rare: the visitor id's salt changes at UTC midnight; the build counts them).
 */
final class RollupPlanner {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RollupPlanner.class);

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 86_400_000L;
  /** A union of id lists stays an exact set up to this many visitors. */
  private static final int EXACT_VISITORS = 100_000;

  private static final Set<Metric> METRICS = EnumSet.of(Metric.VISITORS, Metric.VISITS, Metric.PAGEVIEWS,
      Metric.EVENTS, Metric.VIEWS_PER_VISIT, Metric.BOUNCE_RATE, Metric.VISIT_DURATION, Metric.PERCENTAGE,
      Metric.SCROLL_DEPTH, Metric.TIME_ON_PAGE);

  private final EventStore store;
  private final QueryRunner runner;
  private final RollupOptions options;
  private final SqlDialect dialect;

  RollupPlanner(EventStore store, QueryRunner runner, RollupOptions options) {
    this.store = store;
    this.runner = runner;
    this.options = options;
    this.dialect = store.dialect();
  }

  /** True when the rollups could answer the query (whether they will depends on what is built). */
  boolean answerable(Query query, List<Filter> restriction, DateRange range) {
    if (options.mode() == RollupOptions.Mode.NEVER || !query.filters().isEmpty() || query.dimensions().size() > 1
        || !METRICS.containsAll(query.metrics())) {
      return false;
    }
    Dimension dimension = query.dimensions().isEmpty() ? null : query.dimensions().get(0);
    if (dimension != null && !dimension.isTime() && !Rollups.has(dimension.name())) {
      return false;
    }
    boolean engagement = query.has(Metric.SCROLL_DEPTH) || query.has(Metric.TIME_ON_PAGE);
    if (engagement && dimension != null && !dimension.name().equals(Rollups.PAGE)) {
      return false;
    }
    for (Filter f : restriction) {
      if (!(f instanceof Filter.Condition c) || c.op() != Filter.Op.IS || !c.caseSensitive()
          || !query.dimensions().contains(c.dimension()) || c.dimension().isTime()) {
        return false;
      }
    }
    return dimension == null || !dimension.isTime() || wholeHourOffsets(range);
  }

  /** The answer from the rollups, or null where the raw path should answer (nothing built, a small range in auto). */
  Future<Raw> run(Query query, String site, DateRange range, SiteGoals goals, List<Filter> restriction) {
    QueryRunner.Plan plan = QueryRunner.plan(query, false, false);
    Set<Agg> aggs = EnumSet.noneOf(Agg.class);
    plan.statements().forEach(st -> aggs.addAll(st.aggs()));
    boolean engagementAlone = plan.statements().stream().anyMatch(st -> st.shape() == Shape.ENGAGEMENT);
    if (plan.engagement() != null) {
      aggs.addAll(plan.engagement().aggs());
    }
    boolean dayOnly = query.hasEventDimension() && aggs.contains(Agg.VISITS)
        || aggs.contains(Agg.ENGAGED_VISITS);
    Dimension dimension = query.dimensions().isEmpty() ? null : query.dimensions().get(0);
    LocalDate first = day(range.fromInstant().toEpochMilli());
    LocalDate last = day(range.toInstant().toEpochMilli() - 1);
    return builtDays(first, last).compose(built -> {
      Parts parts = decompose(range, built, dimension, dayOnly);
      Set<LocalDate> builtDays = built.keySet();
      if (parts.days().isEmpty() && parts.hours().isEmpty()) {
        return Future.succeededFuture(null);
      }
      Future<Boolean> use = options.mode() == RollupOptions.Mode.ALWAYS ? Future.succeededFuture(true)
          : sessions(site, builtDays).map(n -> n >= options.minSessions());
      return use.compose(yes -> yes ? answer(query, site, range, goals, restriction, plan, aggs, engagementAlone, parts)
          : Future.succeededFuture(null));
    });
  }

  /** What the rollups read and what the raw statements read: UTC days, hour spans, raw spans (epoch ms, end excluded). */
  record Parts(List<LocalDate> days, List<long[]> hours, List<long[]> raw) {}

  /** A built day's sessions crossing its start and its end. */
  record Crossing(long in, long out) {}

  static Parts decompose(DateRange range, Map<LocalDate, Crossing> built, Dimension dimension, boolean dayOnly) {
    long from = range.fromInstant().toEpochMilli();
    long to = range.toInstant().toEpochMilli();
    List<LocalDate> days = new ArrayList<>();
    List<long[]> hours = new ArrayList<>();
    List<long[]> raw = new ArrayList<>();
    Set<LocalDate> crossed = new HashSet<>();
    if (dayOnly) {
      // A session on both sides of a midnight in the range counts once in a raw read of both days.
      for (LocalDate day = day(from); day.isBefore(day(to - 1)); day = day.plusDays(1)) {
        Crossing before = built.get(day);
        Crossing after = built.get(day.plusDays(1));
        if (before != null && before.out() > 0 || after != null && after.in() > 0) {
          crossed.add(day);
          crossed.add(day.plusDays(1));
        }
      }
    }
    for (long start = Math.floorDiv(from, DAY) * DAY; start < to; start += DAY) {
      long s = Math.max(from, start);
      long e = Math.min(to, start + DAY);
      LocalDate day = day(start);
      if (!built.containsKey(day) || crossed.contains(day)) {
        add(raw, s, e);
      } else if (s == start && e == start + DAY && oneBucket(dimension, range.zone(), start)) {
        days.add(day);
      } else if (dayOnly) {
        add(raw, s, e);
      } else {
        long hs = Math.floorDiv(s + HOUR - 1, HOUR) * HOUR;
        long he = Math.floorDiv(e, HOUR) * HOUR;
        if (hs >= he) {
          add(raw, s, e);
        } else {
          add(raw, s, hs);
          hours.add(new long[] {hs, he});
          add(raw, he, e);
        }
      }
    }
    return new Parts(days, hours, raw);
  }

  /** Appends a span, joined to the previous one where they touch. */
  private static void add(List<long[]> spans, long from, long to) {
    if (from >= to) {
      return;
    }
    if (!spans.isEmpty() && spans.get(spans.size() - 1)[1] == from) {
      spans.get(spans.size() - 1)[1] = to;
    } else {
      spans.add(new long[] {from, to});
    }
  }

  /** A UTC day's row serves a time dimension only when the whole day lies in one of its buckets. */
  private static boolean oneBucket(Dimension dimension, ZoneId zone, long dayStart) {
    if (dimension == null || !dimension.isTime()) {
      return true;
    }
    if (dimension.grain() == Dimension.TimeGrain.HOUR) {
      return false;
    }
    return TimeBuckets.keyOf(dimension.grain(), zone, dayStart) == TimeBuckets.keyOf(dimension.grain(), zone,
        dayStart + DAY - 1);
  }

  /** An hour row lies in one local bucket only where the zone's offsets are whole hours. */
  private static boolean wholeHourOffsets(DateRange range) {
    var rules = range.zone().getRules();
    if (rules.getOffset(range.fromInstant()).getTotalSeconds() % 3600 != 0) {
      return false;
    }
    ZoneOffsetTransition next = rules.nextTransition(range.fromInstant());
    while (next != null && next.getInstant().isBefore(range.toInstant())) {
      if (next.getOffsetAfter().getTotalSeconds() % 3600 != 0) {
        return false;
      }
      next = rules.nextTransition(next.getInstant());
    }
    return true;
  }

  private static LocalDate day(long millis) {
    return LocalDate.ofEpochDay(Math.floorDiv(millis, DAY));
  }

  /** The days built by this rollup version between first and last; none when the store has no rollups. */
  private Future<Map<LocalDate, Crossing>> builtDays(LocalDate first, LocalDate last) {
    return store.query(Rollups.builds(dialect) + " AND day >= " + Rollups.dayLiteral(dialect, first)
            + " AND day <= " + Rollups.dayLiteral(dialect, last))
        .map(result -> {
          Map<LocalDate, Crossing> days = new java.util.HashMap<>();
          result.rows().forEach(row -> days.put(LocalDate.parse(String.valueOf(row.get(0))),
              new Crossing(QueryRunner.toLong(row.get(2)), QueryRunner.toLong(row.get(3)))));
          return days;
        })
        .recover(e -> {
          // A store without rollup tables (or failing to read them) is read raw; the raw read reports its failure.
          log.debug("Rollup builds not readable; answering raw: {}", e.toString());
          return Future.succeededFuture(Map.of());
        });
  }

  /** The site's sessions on the built days: the size of the answer, for auto mode. */
  private Future<Long> sessions(String site, Set<LocalDate> days) {
    return store.query("SELECT sum(sessions) AS n FROM " + Rollups.from(dialect) + " WHERE site = "
            + SqlLiterals.quote(dialect, site) + " AND dimension = '' AND grain = 1 AND day IN (" + days(days) + ")")
        .map(r -> r.rows().isEmpty() ? 0L : QueryRunner.toLong(r.rows().get(0).get(0)));
  }

  private String days(java.util.Collection<LocalDate> days) {
    return days.stream().sorted().map(d -> Rollups.dayLiteral(dialect, d)).collect(Collectors.joining(", "));
  }

  private Future<Raw> answer(Query query, String site, DateRange range, SiteGoals goals, List<Filter> restriction,
      QueryRunner.Plan plan, Set<Agg> aggs, boolean engagementAlone, Parts parts) {
    Dimension dimension = query.dimensions().isEmpty() ? null : query.dimensions().get(0);
    boolean visitors = aggs.contains(Agg.VISITORS);
    Future<QueryResult> rollupRows = store.query(rowsStatement(site, dimension, parts, visitors));
    List<Future<QueryRunner.Part>> rawParts = new ArrayList<>();
    List<Future<Map<List<String>, List<Long>>>> rawVisitors = new ArrayList<>();
    Query rawQuery = query.with(query.metrics().stream().map(m -> m == Metric.PERCENTAGE ? Metric.VISITORS : m)
        .distinct().toList(), query.dimensions(), List.of());
    for (long[] span : parts.raw()) {
      Instant from = Instant.ofEpochMilli(span[0]);
      Instant to = Instant.ofEpochMilli(span[1]);
      rawParts.add(runner.rawPart(rawQuery, site, from, to, range.zone(), goals));
      if (visitors) {
        rawVisitors.add(runner.rawVisitorIds(rawQuery, site, from, to, range.zone(), goals));
      }
    }
    Future<Raw> totals = Future.succeededFuture(null);
    if (query.has(Metric.PERCENTAGE)) {
      Query total = query.with(List.of(Metric.VISITORS), List.of(), List.of());
      totals = run(total, site, range, goals, List.of())
          .compose(raw -> raw != null ? Future.succeededFuture(raw) : runner.runRaw(total, site, range, goals, List.of(), false));
    }
    Future<Raw> fTotals = totals;
    return Future.all(List.of(rollupRows, Future.all(rawParts), Future.all(rawVisitors), fTotals)).map(done -> {
      boolean eventStatement = plan.statements().stream().anyMatch(st -> st.shape() == Shape.EVENTS);
      boolean sessionStatement = plan.statements().stream().anyMatch(st -> st.shape() == Shape.SESSIONS);
      Map<List<String>, Group> groups = new LinkedHashMap<>();
      if (dimension == null) {
        groups.put(List.of(), new Group());
      }
      QueryResult result = rollupRows.result();
      for (List<Object> row : result.rows()) {
        long bucket = QueryRunner.toLong(row.get(1));
        String value = row.get(2) == null ? "" : row.get(2).toString();
        List<String> key = dimension == null ? List.of()
            : List.of(dimension.isTime()
                ? TimeBuckets.label(dimension.grain(), TimeBuckets.keyOf(dimension.grain(), range.zone(), bucket))
                : shown(dimension, value));
        Group group = groups.computeIfAbsent(key, k -> new Group());
        long events = QueryRunner.toLong(row.get(3));
        long sessions = QueryRunner.toLong(row.get(6));
        long engaged = QueryRunner.toLong(row.get(10));
        group.present |= eventStatement && events > 0 || sessionStatement && sessions > 0 || engagementAlone && engaged > 0;
        for (Agg agg : aggs) {
          int column = COLUMN.getOrDefault(agg, -1);
          if (column >= 0) {
            group.sums.merge(agg, QueryRunner.toLong(row.get(column)), Long::sum);
          }
        }
        if (visitors) {
          group.visitors.addText(row.get(13) == null ? "" : row.get(13).toString());
        }
      }
      for (Future<QueryRunner.Part> part : rawParts) {
        part.result().statements().forEach(r -> add(groups, r, true, aggs));
        part.result().engagement().forEach(r -> add(groups, r, false, aggs));
      }
      for (Future<Map<List<String>, List<Long>>> ids : rawVisitors) {
        ids.result().forEach((key, list) -> list.forEach(groups.computeIfAbsent(key, k -> new Group()).visitors::add));
      }
      Map<Integer, Set<String>> allowed = new LinkedHashMap<>();
      for (Filter f : restriction) {
        Filter.Condition c = (Filter.Condition) f;
        allowed.put(query.dimensions().indexOf(c.dimension()), Set.copyOf(c.values()));
      }
      boolean approximate = false;
      List<Row> rows = new ArrayList<>();
      for (Map.Entry<List<String>, Group> entry : groups.entrySet()) {
        Group group = entry.getValue();
        if (dimension != null && !group.present) {
          continue;
        }
        if (allowed.entrySet().stream().anyMatch(a -> !a.getValue().contains(entry.getKey().get(a.getKey())))) {
          continue;
        }
        Map<Agg, Number> values = new EnumMap<>(Agg.class);
        for (Agg agg : aggs) {
          values.put(agg, group.sums.getOrDefault(agg, 0L));
        }
        if (visitors) {
          values.put(Agg.VISITORS, group.visitors.estimate());
          approximate |= !group.visitors.exact();
        }
        rows.add(new Row(entry.getKey(), values));
      }
      Raw total = fTotals.result();
      Long totalVisitors = total == null ? null : total.rows().isEmpty() ? 0L : total.rows().get(0).get(Agg.VISITORS);
      approximate |= total != null && total.approximateVisitors();
      return new Raw(rows, false, null, totalVisitors, null, Revenue.of(query, goals), false, null, approximate);
    });
  }

  /** A raw part's group: statement rows make it an answer's group, engagement rows only add to it. */
  private static void add(Map<List<String>, Group> groups, Row row, boolean makesGroup, Set<Agg> aggs) {
    Group group = groups.computeIfAbsent(row.dimensions(), k -> new Group());
    group.present |= makesGroup;
    row.aggs().forEach((agg, value) -> {
      // Visitors of parts are not additive: their ids join the union instead.
      if (agg != Agg.VISITORS && aggs.contains(agg)) {
        group.sums.merge(agg, value.longValue(), Long::sum);
      }
    });
  }

  private static final class Group {
    final Map<Agg, Long> sums = new EnumMap<>(Agg.class);
    final VisitorSketch.Union visitors = new VisitorSketch.Union(EXACT_VISITORS);
    boolean present;
  }

  /** Column positions in {@link #rowsStatement} of each summed aggregate. */
  private static final Map<Agg, Integer> COLUMN = Map.of(Agg.EVENTS, 3, Agg.PAGEVIEWS, 4, Agg.VISITS, 5,
      Agg.SESSIONS, 6, Agg.BOUNCES, 7, Agg.DURATION_MS, 8, Agg.SESSION_PAGEVIEWS, 9, Agg.ENGAGED_VISITS, 10,
      Agg.SCROLL_SUM, 11, Agg.ENGAGED_MS, 12);

  private String rowsStatement(String site, Dimension dimension, Parts parts, boolean visitors) {
    String name = dimension == null || dimension.isTime() ? Rollups.TOTAL : dimension.name();
    List<String> where = new ArrayList<>();
    Set<LocalDate> days = new HashSet<>(parts.days());
    if (!parts.days().isEmpty()) {
      where.add("(grain = 1 AND day IN (" + days(parts.days()) + "))");
    }
    for (long[] span : parts.hours()) {
      days.add(day(span[0]));
      where.add("(grain = 0 AND bucket_ms >= " + span[0] + " AND bucket_ms < " + span[1] + ")");
    }
    return "SELECT grain, bucket_ms, value, events, pageviews, visits, sessions, bounces, duration_ms,"
        + " session_pageviews, engaged_visits, scroll_sum, engaged_ms, " + (visitors ? "visitors" : "''") + " AS v"
        + " FROM " + Rollups.from(dialect) + " WHERE site = " + SqlLiterals.quote(dialect, site) + " AND dimension = "
        + SqlLiterals.quote(dialect, name) + " AND day IN (" + days(days) + ") AND ("
        + String.join(" OR ", where) + ")";
  }

  private static String shown(Dimension d, String value) {
    return value.isEmpty() && d.emptyLabel() != null ? d.emptyLabel() : value;
  }
}
