package io.trackflow.query.stats;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.trackflow.query.stats.Query.OrderBy;
import io.trackflow.query.stats.SqlBuilder.Agg;
import io.trackflow.query.stats.SqlBuilder.Page;
import io.trackflow.query.stats.SqlBuilder.Spec;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Plans the statements a query needs, runs them on the event store and merges their raw
 * aggregates per dimension values. Metrics are derived from these by {@link ResultShaper}.
 */
final class QueryRunner {

  /** Raw aggregates of one group of the answer: counts as longs, revenue sums as BigIntegers. */
  record Row(List<String> dimensions, Map<Agg, Number> aggs) {
    long get(Agg agg) {
      return aggs.getOrDefault(agg, 0L).longValue();
    }

    /** An aggregate without rounding or wrapping (the revenue sums). */
    BigInteger exact(Agg agg) {
      return aggs.get(agg) instanceof BigInteger exact ? exact : BigInteger.valueOf(get(agg));
    }
  }

  /**
   * Everything computed for one date range.
   *
   * @param pagedInSql rows are already ordered and paged by the store
   * @param totalRows number of groups before paging, when counted by the store
   * @param totalVisitors visitors without dimensions, for {@code percentage}
   * @param goalBase visitors per group without the goal filters, for {@code conversion_rate};
   *     keyed by the group's dimension values other than event:goal and event:props:*
   * @param importsIncluded imported aggregates were added in
   * @param importsSkipped why they were not, when the query asked for them
   */
  record Raw(List<Row> rows, boolean pagedInSql, Long totalRows, Long totalVisitors,
      Map<List<String>, Long> goalBase, Revenue revenue, boolean importsIncluded, String importsSkipped) {

    Raw(List<Row> rows, boolean pagedInSql, Long totalRows, Long totalVisitors, Map<List<String>, Long> goalBase,
        Revenue revenue) {
      this(rows, pagedInSql, totalRows, totalVisitors, goalBase, revenue, false, null);
    }
  }

  private final EventStore store;
  private final SqlBuilder sql;
  private final Timer latency;
  private final RollupPlanner rollups;

  QueryRunner(EventStore store, MeterRegistry registry, RollupOptions rollups) {
    this.store = store;
    this.sql = new SqlBuilder(Dialect.of(store.dialect()));
    this.rollups = new RollupPlanner(store, this, rollups);
    this.latency = Timer.builder("trackflow.query.latency")
        .description("Time the event store takes to answer one stats query (all its statements)")
        .tag("dialect", store.dialect().name().toLowerCase(Locale.ROOT))
        .publishPercentileHistogram()
        .register(registry);
  }

  SqlBuilder sql() {
    return sql;
  }

  EventStore store() {
    return store;
  }

  /** Keys of custom properties an export lists at most. */
  static final int EXPORTED_PROP_KEYS = 1_000;

  /** The custom property keys of the site's matching events in the range, most frequent first. */
  Future<List<String>> propKeys(String site, DateRange range, SiteGoals goals, List<Filter> filters) {
    Spec spec = spec(site, range, goals, List.of(), filters, Set.of(), null);
    return store.query(sql.propKeys(spec, EXPORTED_PROP_KEYS))
        .map(r -> r.rows().stream().map(row -> String.valueOf(row.get(0))).toList());
  }

  /** The day of the site's first event in the zone, or today when it has none. */
  Future<LocalDate> firstDay(String site, ZoneId zone, LocalDate today) {
    return store.query(sql.firstEvent(site)).map(r -> {
      Object first = r.rows().isEmpty() ? null : r.rows().get(0).get(0);
      long ms = toLong(first);
      return first == null || ms <= 0 ? today : Instant.ofEpochMilli(ms).atZone(zone).toLocalDate();
    });
  }

  /**
   * Runs a query for one range; {@code restriction} narrows the groups (comparisons). With
   * {@code include.imports}, imported aggregates are added to the groups where the query allows
   * ({@link ImportedPlan}); the groups are then ordered and paged in Java.
   */
  Future<Raw> run(Query query, String site, DateRange range, SiteGoals goals, List<Filter> restriction,
      boolean allowPaging) {
    if (!query.include().imports()) {
      return runNative(query, site, range, goals, restriction, allowPaging);
    }
    ImportedPlan.Outcome outcome = ImportedPlan.plan(query);
    if (outcome.plan() == null) {
      return runNative(query, site, range, goals, restriction, allowPaging).map(raw -> new Raw(raw.rows(),
          raw.pagedInSql(), raw.totalRows(), raw.totalVisitors(), raw.goalBase(), raw.revenue(), false,
          outcome.skipped()));
    }
    List<Filter> filters = new ArrayList<>(query.filters());
    filters.addAll(restriction);
    Set<Agg> aggs = EnumSet.noneOf(Agg.class);
    plan(query, false, false).statements().forEach(st -> aggs.addAll(st.aggs()));
    Future<Raw> own = runNative(query, site, range, goals, restriction, false);
    Future<List<Row>> imported = importedRows(outcome.plan(), site, range, goals, query.dimensions(), filters, aggs);
    Future<Long> importedVisitors = Future.succeededFuture(0L);
    if (query.has(Metric.PERCENTAGE)) {
      Query totals = query.with(List.of(Metric.VISITORS), List.of(), query.filters());
      importedVisitors = importedRows(ImportedPlan.plan(totals).plan(), site, range, goals, List.of(), query.filters(),
          Set.of(Agg.VISITORS)).map(rows -> rows.isEmpty() ? 0L : rows.get(0).get(Agg.VISITORS));
    }
    Future<Long> extraVisitors = importedVisitors;
    return Future.all(own, imported, extraVisitors).map(done -> {
      Map<List<String>, Row> merged = new LinkedHashMap<>();
      for (Row row : own.result().rows()) {
        merged.put(row.dimensions(), row);
      }
      for (Row row : imported.result()) {
        merged.merge(row.dimensions(), row, QueryRunner::sum);
      }
      Raw mine = own.result();
      Long totalVisitors = mine.totalVisitors() == null ? null : mine.totalVisitors() + extraVisitors.result();
      return new Raw(new ArrayList<>(merged.values()), false, null, totalVisitors, mine.goalBase(), mine.revenue(),
          true, null);
    });
  }

  /** Two groups' aggregates added up (exact ones stay exact). */
  private static Row sum(Row a, Row b) {
    Map<Agg, Number> aggs = new EnumMap<>(Agg.class);
    aggs.putAll(a.aggs());
    b.aggs().forEach((agg, value) -> aggs.merge(agg, value, (x, y) -> x instanceof BigInteger || y instanceof BigInteger
        ? new BigInteger(x.toString()).add(new BigInteger(y.toString())) : (Number) (x.longValue() + y.longValue())));
    return new Row(a.dimensions(), aggs);
  }

  /**
   * The imported table's sums for the range's whole days, grouped like the query's groups (the
   * date becomes the time dimension's bucket label) and summed per group.
   */
  private Future<List<Row>> importedRows(ImportedPlan plan, String site, DateRange range, SiteGoals goals,
      List<Dimension> dimensions, List<Filter> filters, Set<Agg> aggs) {
    LocalDate first = range.start().toLocalDate();
    if (!first.atStartOfDay(range.zone()).equals(range.start())) {
      first = first.plusDays(1);
    }
    LocalDate last = range.end().toLocalDate();
    if (last.atStartOfDay(range.zone()).equals(range.end())) {
      last = last.minusDays(1);
    }
    if (last.isBefore(first)) {
      return Future.succeededFuture(List.of());
    }
    int timeIndex = -1;
    for (int i = 0; i < dimensions.size(); i++) {
      if (dimensions.get(i).isTime()) {
        timeIndex = i;
      }
    }
    Spec spec = spec(site, range, goals, dimensions, filters, aggs, null);
    String statement = sql.imported(plan, site, first, last, spec, timeIndex >= 0);
    int time = timeIndex;
    return store.query(statement).map(result -> {
      Map<List<String>, Row> rows = new LinkedHashMap<>();
      int dt = time >= 0 ? result.columnIndex("dt") : -1;
      for (List<Object> values : result.rows()) {
        List<String> key = new ArrayList<>(dimensions.size());
        for (int i = 0; i < dimensions.size(); i++) {
          key.add(i == time ? ImportedPlan.bucket(dimensions.get(i).grain(), String.valueOf(values.get(dt)))
              : String.valueOf(values.get(result.columnIndex("d" + i))));
        }
        Map<Agg, Number> sums = new EnumMap<>(Agg.class);
        for (Agg agg : aggs) {
          sums.put(agg, toLong(values.get(result.columnIndex(agg.column()))));
        }
        rows.merge(List.copyOf(key), new Row(List.copyOf(key), sums), QueryRunner::sum);
      }
      return new ArrayList<>(rows.values());
    });
  }

  /** From the rollups where they answer the query ({@link RollupPlanner}), else from the raw tables. */
  private Future<Raw> runNative(Query query, String site, DateRange range, SiteGoals goals, List<Filter> restriction,
      boolean allowPaging) {
    if (!rollups.answerable(query, restriction, range)) {
      return runRaw(query, site, range, goals, restriction, allowPaging);
    }
    long started = System.nanoTime();
    return rollups.run(query, site, range, goals, restriction).compose(raw -> {
      if (raw == null) {
        return runRaw(query, site, range, goals, restriction, allowPaging);
      }
      latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      return Future.succeededFuture(raw);
    });
  }

  /** The groups' aggregates of a span, by statement (groups of the answer) and engagement (adding to them). */
  record Part(List<Row> statements, List<Row> engagement) {}

  /** A query without filters over the instants [from, to), unpaged, its statements' rows apart. */
  Future<Part> rawPart(Query query, String site, Instant from, Instant to, ZoneId zone, SiteGoals goals) {
    Plan plan = plan(query, false, false);
    Revenue revenue = Revenue.of(query, goals);
    List<Future<List<Row>>> statements = new ArrayList<>();
    for (Statement st : plan.statements()) {
      statements.add(rows(statement(st.shape(), new Spec(site, from, to, zone, query.dimensions(), List.of(), st.aggs(),
          null, goals, revenue)), query.dimensions()));
    }
    Future<List<Row>> engagement = plan.engagement() == null ? Future.succeededFuture(List.of())
        : rows(statement(Shape.ENGAGEMENT, new Spec(site, from, to, zone, query.dimensions(), List.of(),
            plan.engagement().aggs(), null, goals, revenue)), query.dimensions());
    return Future.all(Future.all(statements), engagement).map(done -> {
      List<Row> rows = new ArrayList<>();
      statements.forEach(f -> rows.addAll(f.result()));
      return new Part(rows, engagement.result());
    });
  }

  /** The raw path: statements on the raw tables. */
  Future<Raw> runRaw(Query query, String site, DateRange range, SiteGoals goals, List<Filter> restriction,
      boolean allowPaging) {
    long started = System.nanoTime();
    Plan plan = plan(query, allowPaging, sql.dialect().reportsRowsBeforeLimit());
    List<Filter> filters = new ArrayList<>(query.filters());
    filters.addAll(restriction);
    Revenue revenue = Revenue.of(query, goals);

    List<Future<QueryResult>> parts = new ArrayList<>();
    for (Statement st : plan.statements()) {
      Spec spec = new Spec(site, range.fromInstant(), range.toInstant(), range.zone(), query.dimensions(), filters,
          st.aggs(), plan.page(), goals, revenue);
      parts.add(store.query(statement(st.shape(), spec)));
    }
    // Engagement joins the groups the other statements found; when the store paged those, only
    // the groups on the page are asked for.
    Future<List<Row>> engagement = Future.succeededFuture(List.of());
    if (plan.engagement() != null) {
      Statement st = plan.engagement();
      engagement = (plan.page() == null ? Future.succeededFuture(List.<Filter>of())
          : parts.get(0).map(r -> restriction(query, toRows(r, query.dimensions()))))
          .compose(page -> {
            List<Filter> narrowed = new ArrayList<>(filters);
            narrowed.addAll(page);
            return rows(statement(st.shape(), spec(site, range, goals, query.dimensions(), narrowed, st.aggs(), null)),
                query.dimensions());
          });
    }
    Future<Long> totalRows = Future.succeededFuture(null);
    if (plan.page() != null && query.include().totalRows()) {
      if (sql.dialect().reportsRowsBeforeLimit()) {
        // The paged statement's own answer says how many groups there were.
        totalRows = parts.get(0).map(r -> r.rowsBeforeLimit() != null ? r.rowsBeforeLimit() : (long) r.rows().size());
      } else {
        Statement st = plan.statements().get(0);
        // Only the groups are counted: no aggregate needs computing for that.
        Spec spec = spec(site, range, goals, query.dimensions(), filters, Set.of(), null);
        totalRows = store.query(sql.countRows(statement(st.shape(), spec)))
            .map(r -> toLong(r.rows().get(0).get(0)));
      }
    }
    Future<Long> totalVisitors = Future.succeededFuture(null);
    if (query.has(Metric.PERCENTAGE)) {
      Spec spec = spec(site, range, goals, List.of(), query.filters(), Set.of(Agg.VISITORS), null);
      totalVisitors = rows(statement(plan.visitors(), spec), List.of())
          .map(r -> r.isEmpty() ? 0L : r.get(0).get(Agg.VISITORS));
    }
    Future<Map<List<String>, Long>> goalBase = Future.succeededFuture(null);
    if (query.has(Metric.CONVERSION_RATE)) {
      List<Filter> withoutGoals = new ArrayList<>(query.conversionBaseFilters());
      // The base of a goal's (or property value's) group is its other dimensions' group.
      restriction.stream()
          .filter(f -> !(f instanceof Filter.Condition c && Query.outsideConversionBase(c.dimension())))
          .forEach(withoutGoals::add);
      List<Dimension> baseDimensions = query.dimensions().stream().filter(d -> !Query.outsideConversionBase(d)).toList();
      Spec spec = spec(site, range, goals, baseDimensions, withoutGoals, Set.of(Agg.VISITORS), null);
      goalBase = rows(statement(plan.visitors(), spec), baseDimensions).map(rows -> {
        Map<List<String>, Long> base = new HashMap<>();
        rows.forEach(r -> base.put(r.dimensions(), r.get(Agg.VISITORS)));
        return base;
      });
    }
    Future<Long> fTotalRows = totalRows;
    Future<Long> fTotalVisitors = totalVisitors;
    Future<Map<List<String>, Long>> fGoalBase = goalBase;
    Future<List<Row>> fEngagement = engagement;
    return Future.all(List.of(Future.all(parts), fTotalRows, fTotalVisitors, fGoalBase, fEngagement)).map(done -> {
      latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      Map<List<String>, Row> merged = new LinkedHashMap<>();
      for (Future<QueryResult> part : parts) {
        for (Row row : toRows(part.result(), query.dimensions())) {
          merged.merge(row.dimensions(), row, (a, b) -> {
            a.aggs().putAll(b.aggs());
            return a;
          });
        }
      }
      for (Row row : fEngagement.result()) {
        Row group = merged.get(row.dimensions());
        if (group != null) {
          group.aggs().putAll(row.aggs());
        }
      }
      return new Raw(new ArrayList<>(merged.values()), plan.page() != null, fTotalRows.result(),
          fTotalVisitors.result(), fGoalBase.result(), revenue);
    });
  }

  /**
   * How many matching events convert a revenue goal of the query but carry revenue in another
   * currency than the goal's: left out of its revenue metrics, reported beside them.
   */
  Future<Long> revenueMismatches(Query query, String site, DateRange range, SiteGoals goals) {
    Revenue revenue = Revenue.of(query, goals);
    if (revenue == null || revenue.goals().isEmpty()) {
      return Future.succeededFuture(0L);
    }
    Spec spec = new Spec(site, range.fromInstant(), range.toInstant(), range.zone(), List.of(), query.filters(),
        Set.of(), null, goals, revenue);
    return store.query(sql.revenueMismatches(spec)).map(r -> r.rows().isEmpty() ? 0L : toLong(r.rows().get(0).get(0)));
  }

  /** True when the store orders and pages this query's answer itself (never with imports). */
  boolean pagesInStore(Query query) {
    return !query.include().imports() && plan(query, true, sql.dialect().reportsRowsBeforeLimit()).page() != null;
  }

  private Function<ReadView, String> statement(Shape shape, Spec spec) {
    return switch (shape) {
      case EVENTS -> sql.events(spec);
      case SESSIONS -> sql.sessions(spec);
      case ENGAGEMENT -> sql.engagement(spec);
    };
  }

  /**
   * One {@code is} condition per non-time dimension with the values of the given groups: the
   * groups a paged answer shows, so that other statements compute only those.
   */
  static List<Filter> restriction(Query query, List<Row> rows) {
    List<Filter> restriction = new ArrayList<>();
    for (int i = 0; i < query.dimensions().size(); i++) {
      Dimension d = query.dimensions().get(i);
      if (d.isTime()) {
        continue;
      }
      Set<String> values = new java.util.LinkedHashSet<>();
      for (Row row : rows) {
        values.add(row.dimensions().get(i));
      }
      if (values.isEmpty()) {
        values.add("");
      }
      restriction.add(new Filter.Condition(Filter.Op.IS, d, List.copyOf(values), true));
    }
    return restriction;
  }

  private static Spec spec(String site, DateRange range, SiteGoals goals, List<Dimension> dims,
      List<Filter> filters, Set<Agg> aggs, Page page) {
    return new Spec(site, range.fromInstant(), range.toInstant(), range.zone(), dims, filters, aggs, page, goals);
  }

  private Future<List<Row>> rows(Function<ReadView, String> statement, List<Dimension> dimensions) {
    return store.query(statement).map(result -> toRows(result, dimensions));
  }

  /** Rows of a statement: dimension values (time bucket keys turned into labels) and aggregates. */
  private static List<Row> toRows(QueryResult result, List<Dimension> dimensions) {
    List<Row> rows = new ArrayList<>(result.rows().size());
    List<String> columns = result.columns();
    for (List<Object> values : result.rows()) {
      List<String> dims = new ArrayList<>(dimensions.size());
      Map<Agg, Number> aggs = new EnumMap<>(Agg.class);
      for (int i = 0; i < columns.size(); i++) {
        String column = columns.get(i);
        if (column.startsWith("d") && i < dimensions.size()) {
          Object v = values.get(i);
          Dimension d = dimensions.get(i);
          dims.add(d.isTime() ? TimeBuckets.label(d.grain(), toLong(v)) : v == null ? "" : v.toString());
        } else if (column.startsWith("m_")) {
          Agg agg = Agg.valueOf(column.substring(2).toUpperCase(Locale.ROOT));
          aggs.put(agg, agg.exact() ? exact(values.get(i)) : toLong(values.get(i)));
        }
      }
      rows.add(new Row(List.copyOf(dims), aggs));
    }
    return rows;
  }

  private static BigInteger exact(Object value) {
    return value == null || value.toString().isEmpty() ? BigInteger.ZERO
        : new BigDecimal(value.toString()).toBigIntegerExact();
  }

  static long toLong(Object value) {
    return switch (value) {
      case null -> 0L;
      case Number n -> n.longValue();
      case Boolean b -> b ? 1L : 0L;
      default -> {
        String s = value.toString();
        yield s.isEmpty() ? 0L : new java.math.BigDecimal(s).longValue();
      }
    };
  }

  /** What a statement aggregates: events, sessions or engagement pings. */
  enum Shape {
    EVENTS, SESSIONS, ENGAGEMENT
  }

  /** One statement of a plan: which shape and which aggregates. */
  record Statement(Shape shape, Set<Agg> aggs) {}

  /**
   * The statements of a query, and the paging pushed into SQL when there is a single one.
   *
   * @param engagement the engagement pings' statement when other statements give the groups, or null
   * @param visitors where visitors are counted without dimensions (percentage, conversion base)
   */
  record Plan(List<Statement> statements, Statement engagement, Page page, Shape visitors) {}

  /**
   * With an event dimension, one event statement answers every metric. Otherwise visits,
   * visitors and the session metrics come from the sessions that started in the range (a
   * session statement) and pageviews and events from the range's events (an event statement).
   */
  static Plan plan(Query query, boolean allowPaging, boolean totalRowsFree) {
    boolean eventDims = query.hasEventDimension();
    Set<Agg> eventAggs = EnumSet.noneOf(Agg.class);
    Set<Agg> sessionAggs = EnumSet.noneOf(Agg.class);
    Set<Agg> engagementAggs = EnumSet.noneOf(Agg.class);
    Set<Agg> visitorsAndVisits = eventDims ? eventAggs : sessionAggs;
    for (Metric m : query.metrics()) {
      switch (m) {
        case VISITORS, PERCENTAGE, CONVERSION_RATE -> visitorsAndVisits.add(Agg.VISITORS);
        case VISITS -> visitorsAndVisits.add(Agg.VISITS);
        case PAGEVIEWS -> eventAggs.add(Agg.PAGEVIEWS);
        case EVENTS -> eventAggs.add(Agg.EVENTS);
        case BOUNCE_RATE -> sessionAggs.addAll(List.of(Agg.SESSIONS, Agg.BOUNCES));
        case VISIT_DURATION -> sessionAggs.addAll(List.of(Agg.SESSIONS, Agg.DURATION_MS));
        case VIEWS_PER_VISIT -> sessionAggs.addAll(List.of(Agg.SESSIONS, Agg.SESSION_PAGEVIEWS));
        case TOTAL_REVENUE, AVERAGE_REVENUE -> eventAggs.addAll(List.of(Agg.REVENUE_MICROS, Agg.REVENUE_EVENTS));
        case SCROLL_DEPTH -> engagementAggs.addAll(List.of(Agg.ENGAGED_VISITS, Agg.SCROLL_SUM));
        case TIME_ON_PAGE -> engagementAggs.addAll(List.of(Agg.ENGAGED_VISITS, Agg.ENGAGED_MS));
      }
    }
    List<Statement> statements = new ArrayList<>();
    if (!sessionAggs.isEmpty()) {
      statements.add(new Statement(Shape.SESSIONS, sessionAggs));
    }
    if (!eventAggs.isEmpty()) {
      statements.add(new Statement(Shape.EVENTS, eventAggs));
    }
    Statement engagement = null;
    if (!engagementAggs.isEmpty()) {
      if (statements.isEmpty()) {
        statements.add(new Statement(Shape.ENGAGEMENT, engagementAggs));
      } else {
        engagement = new Statement(Shape.ENGAGEMENT, engagementAggs);
      }
    }
    Page page = null;
    boolean gapFilled = ResultShaper.gapFilled(query);
    // Paging in the store saves transferring every group; where total_rows then needs a second
    // pass (DuckDB) it is worth it only where groups can be many (paths, referrers, props).
    boolean manyGroups = query.dimensions().stream().anyMatch(QueryRunner::manyGroups);
    boolean pageInStore = !query.include().totalRows() || manyGroups || totalRowsFree;
    if (allowPaging && pageInStore && statements.size() == 1 && !gapFilled && !query.dimensions().isEmpty()) {
      List<String> order = new ArrayList<>();
      for (OrderBy o : ResultShaper.effectiveOrder(query)) {
        String column = sqlColumn(query, o.field());
        if (column == null) {
          order = null;
          break;
        }
        order.add(column + (o.descending() ? " DESC" : " ASC"));
      }
      if (order != null) {
        page = new Page(order, query.pagination().limit(), query.pagination().offset());
      }
    }
    return new Plan(statements, engagement, page, eventDims ? Shape.EVENTS : Shape.SESSIONS);
  }

  /** Dimensions whose distinct values can run into the thousands. */
  static boolean manyGroups(Dimension d) {
    return switch (d.name()) {
      case "event:page", "visit:entry_page", "visit:exit_page", "visit:referrer" -> true;
      default -> d.kind() == Dimension.Kind.EVENT_PROP;
    };
  }

  /** The SQL column an order field sorts by, or null when only Java can order by it. */
  private static String sqlColumn(Query query, String field) {
    for (int i = 0; i < query.dimensions().size(); i++) {
      if (query.dimensions().get(i).name().equals(field)) {
        return "d" + i;
      }
    }
    return switch (field) {
      case "visitors", "percentage" -> Agg.VISITORS.column();
      case "visits" -> Agg.VISITS.column();
      case "pageviews" -> Agg.PAGEVIEWS.column();
      case "events" -> Agg.EVENTS.column();
      default -> null;
    };
  }
}
