package io.trackflow.query.stats;

import io.trackflow.core.rollup.Rollups;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers from the rollups the queries they answer exactly (docs/stats.md, "Rollups"): no
 * filters (the groups a comparison restricts to are picked in Java), no dimension, one dimension
 * with rollup rows, or one time dimension (then only zones whose offsets over the range are whole
 * hours), metrics the rollup columns hold. The range splits into built whole UTC days (day rows),
 * built UTC days the range or the time buckets cut at whole hours (hour rows for the counts, the
 * day row's prefix and suffix counts for the visitors), and the rest (unbuilt days, cuts that are
 * not whole hours), answered by the raw statements; groups are summed in Java.
 *
 * <p>Visitors add up across UTC days because visitor ids are salted per UTC day; distinct visits
 * of an event dimension and engagement (per visit, the deepest scroll) add up only across whole
 * UTC days. Where a visitor or a session crosses from one day into the next (rare: a collector
 * rotates its salt a little after midnight; the build counts them), both days are read raw.
 */
final class RollupPlanner {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RollupPlanner.class);

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 86_400_000L;

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
      Parts parts = decompose(range, built, dimension, aggs.contains(Agg.VISITORS), dayOnly);
      if (parts.days().isEmpty() && parts.hours().isEmpty()) {
        return Future.succeededFuture(null);
      }
      Future<Boolean> use = options.mode() == RollupOptions.Mode.ALWAYS ? Future.succeededFuture(true)
          : sessions(site, built).map(n -> n >= options.minSessions());
      return use.compose(yes -> yes ? answer(query, site, range, goals, restriction, plan, aggs, engagementAlone, parts)
          : Future.succeededFuture(null));
    });
  }

  /**
   * What the rollups read and what the raw statements read: whole UTC days (day rows), hour
   * spans (hour rows, epoch ms, end excluded) of which {@code visitorHours} also give their
   * visitors, the days cut into pieces (their day rows give the pieces' visitors), and raw spans;
   * with the builds of the days read.
   */
  record Parts(List<LocalDate> days, List<long[]> hours, Set<Long> visitorHours, Map<LocalDate, Split> splits,
      List<long[]> raw, Map<LocalDate, Build> builds) {}

  /**
   * A built day the range or the time buckets cut: the visitors of its first piece [00:00,
   * before) and its last piece [from, 24:00), in hours (0 where the piece is not read this way).
   */
  record Split(int before, int from) {}

  /** A built day's sessions and visitors crossing its start and its end, and its rows' build time. */
  record Build(long in, long out, long build) {}

  static Parts decompose(DateRange range, Map<LocalDate, Build> built, Dimension dimension, boolean visitors,
      boolean dayOnly) {
    long from = range.fromInstant().toEpochMilli();
    long to = range.toInstant().toEpochMilli();
    List<LocalDate> days = new ArrayList<>();
    List<long[]> hours = new ArrayList<>();
    Set<Long> visitorHours = new HashSet<>();
    Map<LocalDate, Split> splits = new HashMap<>();
    List<long[]> raw = new ArrayList<>();
    Set<LocalDate> crossed = new HashSet<>();
    if (visitors || dayOnly) {
      // A visitor or session on both sides of a midnight in the range counts once in a raw read of both days.
      for (LocalDate day = day(from); day.isBefore(day(to - 1)); day = day.plusDays(1)) {
        Build before = built.get(day);
        Build after = built.get(day.plusDays(1));
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
      List<Long> cuts = cuts(dimension, range.zone(), start, s, e);
      if (!built.containsKey(day) || crossed.contains(day)) {
        add(raw, s, e);
      } else if (s == start && e == start + DAY && cuts.isEmpty()) {
        days.add(day);
      } else if (dayOnly) {
        add(raw, s, e);
      } else if (visitors) {
        Split split = split(start, s, e, cuts, visitorHours);
        if (split == null) {
          add(raw, s, e);
        } else {
          add(hours, s, e);
          if (split.before() > 0 || split.from() > 0) {
            splits.put(day, split);
          }
        }
      } else {
        long hs = Math.floorDiv(s + HOUR - 1, HOUR) * HOUR;
        long he = Math.floorDiv(e, HOUR) * HOUR;
        if (hs >= he) {
          add(raw, s, e);
        } else {
          add(raw, s, hs);
          add(hours, hs, he);
          add(raw, he, e);
        }
      }
    }
    Map<LocalDate, Build> builds = new HashMap<>();
    days.forEach(d -> builds.put(d, built.get(d)));
    for (long[] span : hours) {
      for (long t = span[0]; t < span[1]; t += HOUR) {
        builds.put(day(t), built.get(day(t)));
      }
    }
    return new Parts(days, hours, visitorHours, splits, raw, builds);
  }

  /**
   * How the visitors of each piece of [s, e) (a built day starting at {@code start}, split at the
   * cuts) are read: an hour row for a one-hour piece, the day row's prefix or suffix count for a
   * piece that starts or ends the day; null when a piece is none of these (read the day raw).
   */
  private static Split split(long start, long s, long e, List<Long> cuts, Set<Long> visitorHours) {
    List<Long> bounds = new ArrayList<>();
    bounds.add(s);
    bounds.addAll(cuts);
    bounds.add(e);
    int before = 0;
    int after = 0;
    Set<Long> hours = new HashSet<>();
    for (int i = 0; i + 1 < bounds.size(); i++) {
      long a = bounds.get(i);
      long b = bounds.get(i + 1);
      if (a % HOUR != 0 || b % HOUR != 0) {
        return null;
      }
      if (b - a == HOUR) {
        hours.add(a);
      } else if (a == start) {
        before = (int) ((b - start) / HOUR);
      } else if (b == start + DAY) {
        after = (int) ((a - start) / HOUR);
      } else {
        return null;
      }
    }
    visitorHours.addAll(hours);
    return new Split(before, after);
  }

  /** The starts of the time buckets strictly inside [s, e), of a day starting at dayStart. */
  private static List<Long> cuts(Dimension dimension, ZoneId zone, long dayStart, long s, long e) {
    if (dimension == null || !dimension.isTime()) {
      return List.of();
    }
    List<Long> cuts = new ArrayList<>();
    // With whole-hour offsets (answerable() checks), buckets start on whole UTC hours.
    for (long t = dayStart + HOUR; t < dayStart + DAY; t += HOUR) {
      if (t > s && t < e && TimeBuckets.keyOf(dimension.grain(), zone, t) != TimeBuckets.keyOf(dimension.grain(), zone, t - 1)) {
        cuts.add(t);
      }
    }
    return cuts;
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
  private Future<Map<LocalDate, Build>> builtDays(LocalDate first, LocalDate last) {
    return store.query(Rollups.builds(dialect) + " AND day >= " + Rollups.dayLiteral(dialect, first)
            + " AND day <= " + Rollups.dayLiteral(dialect, last))
        .map(result -> {
          Map<LocalDate, Build> days = new HashMap<>();
          result.rows().forEach(row -> days.put(LocalDate.parse(String.valueOf(row.get(0))),
              new Build(QueryRunner.toLong(row.get(2)), QueryRunner.toLong(row.get(3)), QueryRunner.toLong(row.get(4)))));
          return days;
        })
        .recover(e -> {
          // A store without rollup tables (or failing to read them) is read raw; the raw read reports its failure.
          log.debug("Rollup builds not readable; answering raw: {}", e.toString());
          return Future.succeededFuture(Map.of());
        });
  }

  /** The site's sessions on the built days: the size of the answer, for auto mode. */
  private Future<Long> sessions(String site, Map<LocalDate, Build> days) {
    return store.query("SELECT sum(sessions) AS n FROM " + Rollups.TABLE + " WHERE site = "
            + SqlLiterals.quote(dialect, site) + " AND dimension = '' AND grain = 1" + ofBuilds(days))
        .map(r -> r.rows().isEmpty() ? 0L : QueryRunner.toLong(r.rows().get(0).get(0)));
  }

  /**
   * The condition that reads the rows of these days' recorded builds: on ClickHouse, rows a
   * second builder wrote meanwhile carry another build time and are left out.
   */
  private String ofBuilds(Map<LocalDate, Build> builds) {
    List<LocalDate> days = builds.keySet().stream().sorted().toList();
    String inDays = " AND day IN (" + days.stream().map(d -> Rollups.dayLiteral(dialect, d))
        .collect(Collectors.joining(", ")) + ")";
    if (dialect != SqlDialect.CLICKHOUSE) {
      return inDays;
    }
    return inDays + " AND (day, build) IN (" + days.stream()
        .map(d -> "(" + Rollups.dayLiteral(dialect, d) + ", " + builds.get(d).build() + ")")
        .collect(Collectors.joining(", ")) + ")";
  }

  private Future<Raw> answer(Query query, String site, DateRange range, SiteGoals goals, List<Filter> restriction,
      QueryRunner.Plan plan, Set<Agg> aggs, boolean engagementAlone, Parts parts) {
    Dimension dimension = query.dimensions().isEmpty() ? null : query.dimensions().get(0);
    boolean visitors = aggs.contains(Agg.VISITORS);
    Future<QueryResult> rollupRows = store.query(rowsStatement(site, dimension, parts));
    List<Future<QueryRunner.Part>> rawParts = new ArrayList<>();
    Query rawQuery = query.with(query.metrics().stream().map(m -> m == Metric.PERCENTAGE ? Metric.VISITORS : m)
        .distinct().toList(), query.dimensions(), List.of());
    for (long[] span : parts.raw()) {
      rawParts.add(runner.rawPart(rawQuery, site, Instant.ofEpochMilli(span[0]), Instant.ofEpochMilli(span[1]),
          range.zone(), goals));
    }
    Future<Raw> totals = Future.succeededFuture(null);
    if (query.has(Metric.PERCENTAGE)) {
      Query total = query.with(List.of(Metric.VISITORS), List.of(), List.of());
      totals = run(total, site, range, goals, List.of())
          .compose(raw -> raw != null ? Future.succeededFuture(raw) : runner.runRaw(total, site, range, goals, List.of(), false));
    }
    Future<Raw> fTotals = totals;
    return Future.all(List.of(rollupRows, Future.all(rawParts), fTotals)).map(done -> {
      boolean eventStatement = plan.statements().stream().anyMatch(st -> st.shape() == Shape.EVENTS);
      boolean sessionStatement = plan.statements().stream().anyMatch(st -> st.shape() == Shape.SESSIONS);
      Map<List<String>, Group> groups = new LinkedHashMap<>();
      if (dimension == null) {
        groups.put(List.of(), new Group());
      }
      for (List<Object> row : rollupRows.result().rows()) {
        boolean hourly = QueryRunner.toLong(row.get(0)) == 0;
        long bucket = QueryRunner.toLong(row.get(1));
        String value = row.get(2) == null ? "" : row.get(2).toString();
        Split split = hourly ? null : parts.splits().get(day(bucket));
        if (split != null) {
          // The day's counts come from its hour rows; its row gives the visitors of its first and last pieces.
          if (split.before() > 0) {
            groups.computeIfAbsent(key(dimension, range, bucket, value), k -> new Group()).visitors
                += QueryRunner.toLong(row.get(COLUMN_BEFORE));
          }
          if (split.from() > 0) {
            groups.computeIfAbsent(key(dimension, range, bucket + split.from() * HOUR, value), k -> new Group()).visitors
                += QueryRunner.toLong(row.get(COLUMN_FROM));
          }
          continue;
        }
        Group group = groups.computeIfAbsent(key(dimension, range, bucket, value), k -> new Group());
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
        if (!hourly || parts.visitorHours().contains(bucket)) {
          group.visitors += QueryRunner.toLong(row.get(COLUMN_VISITORS));
        }
      }
      for (Future<QueryRunner.Part> part : rawParts) {
        part.result().statements().forEach(r -> add(groups, r, true, aggs));
        part.result().engagement().forEach(r -> add(groups, r, false, aggs));
      }
      Map<Integer, Set<String>> allowed = new LinkedHashMap<>();
      for (Filter f : restriction) {
        Filter.Condition c = (Filter.Condition) f;
        allowed.put(query.dimensions().indexOf(c.dimension()), Set.copyOf(c.values()));
      }
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
          values.put(Agg.VISITORS, group.visitors);
        }
        rows.add(new Row(entry.getKey(), values));
      }
      Raw total = fTotals.result();
      Long totalVisitors = total == null ? null : total.rows().isEmpty() ? 0L : total.rows().get(0).get(Agg.VISITORS);
      return new Raw(rows, false, null, totalVisitors, null, Revenue.of(query, goals));
    });
  }

  /** The group a bucket's row belongs to. */
  private static List<String> key(Dimension dimension, DateRange range, long bucket, String value) {
    if (dimension == null) {
      return List.of();
    }
    return List.of(dimension.isTime()
        ? TimeBuckets.label(dimension.grain(), TimeBuckets.keyOf(dimension.grain(), range.zone(), bucket))
        : shown(dimension, value));
  }

  /** A raw part's group: statement rows make it an answer's group, engagement rows only add to it. */
  private static void add(Map<List<String>, Group> groups, Row row, boolean makesGroup, Set<Agg> aggs) {
    Group group = groups.computeIfAbsent(row.dimensions(), k -> new Group());
    group.present |= makesGroup;
    row.aggs().forEach((agg, value) -> {
      if (agg == Agg.VISITORS) {
        // The raw span's visitors are its own: spans and rollup days lie on different UTC days.
        group.visitors += value.longValue();
      } else if (aggs.contains(agg)) {
        group.sums.merge(agg, value.longValue(), Long::sum);
      }
    });
  }

  private static final class Group {
    final Map<Agg, Long> sums = new EnumMap<>(Agg.class);
    long visitors;
    boolean present;
  }

  /** Column positions in {@link #rowsStatement} of each summed aggregate. */
  private static final Map<Agg, Integer> COLUMN = Map.of(Agg.EVENTS, 3, Agg.PAGEVIEWS, 4, Agg.VISITS, 5,
      Agg.SESSIONS, 6, Agg.BOUNCES, 7, Agg.DURATION_MS, 8, Agg.SESSION_PAGEVIEWS, 9, Agg.ENGAGED_VISITS, 10,
      Agg.SCROLL_SUM, 11, Agg.ENGAGED_MS, 12);
  private static final int COLUMN_VISITORS = 13;
  private static final int COLUMN_BEFORE = 14;
  private static final int COLUMN_FROM = 15;

  private String rowsStatement(String site, Dimension dimension, Parts parts) {
    String name = dimension == null || dimension.isTime() ? Rollups.TOTAL : dimension.name();
    List<String> where = new ArrayList<>();
    if (!parts.days().isEmpty()) {
      where.add("(grain = 1 AND day IN (" + days(parts.days()) + "))");
    }
    for (long[] span : parts.hours()) {
      where.add("(grain = 0 AND bucket_ms >= " + span[0] + " AND bucket_ms < " + span[1] + ")");
    }
    if (!parts.splits().isEmpty()) {
      where.add("(grain = 1 AND day IN (" + days(parts.splits().keySet()) + "))");
    }
    return "SELECT grain, bucket_ms, value, events, pageviews, visits, sessions, bounces, duration_ms,"
        + " session_pageviews, engaged_visits, scroll_sum, engaged_ms, visitor_count, "
        + hourCounts(parts.splits(), "visitors_before", true) + " AS vb, "
        + hourCounts(parts.splits(), "visitors_from", false) + " AS vf"
        + " FROM " + Rollups.TABLE + " WHERE site = " + SqlLiterals.quote(dialect, site) + " AND dimension = "
        + SqlLiterals.quote(dialect, name) + ofBuilds(parts.builds()) + " AND (" + String.join(" OR ", where) + ")";
  }

  /** Per split day, the count its day row holds for its first (before) or last piece. */
  private String hourCounts(Map<LocalDate, Split> splits, String column, boolean before) {
    List<String> cases = new ArrayList<>();
    splits.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
      int hour = before ? entry.getValue().before() : entry.getValue().from();
      if (hour > 0) {
        cases.add("WHEN grain = 1 AND day = " + Rollups.dayLiteral(dialect, entry.getKey()) + " THEN "
            + Rollups.hourCount(dialect, column, hour));
      }
    });
    return cases.isEmpty() ? "0" : "CASE " + String.join(" ", cases) + " ELSE 0 END";
  }

  private String days(java.util.Collection<LocalDate> days) {
    return days.stream().sorted().map(d -> Rollups.dayLiteral(dialect, d)).collect(Collectors.joining(", "));
  }

  private static String shown(Dimension d, String value) {
    return value.isEmpty() && d.emptyLabel() != null ? d.emptyLabel() : value;
  }
}
