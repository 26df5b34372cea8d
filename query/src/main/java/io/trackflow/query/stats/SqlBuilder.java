package io.trackflow.query.stats;

import io.trackflow.core.store.ReadView;
import io.trackflow.query.account.Goal;
import io.trackflow.core.store.StoredTable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compiles stats queries to SQL, once for both stores: the {@link Dialect} supplies function
 * names, time zone arithmetic and the escaping of every value, and the store's {@link ReadView}
 * how each table is read so every event and session counts once. A statement is therefore a
 * function of the view.
 *
 * <p>Two shapes exist. An <em>event</em> statement aggregates matching events, grouped by event
 * columns, time buckets of the event, or visit attributes (which every event carries; entry and
 * exit pages are joined from the sessions table). A <em>session</em> statement aggregates the
 * sessions table's rows of sessions that started in the range, grouped by their attributes or
 * the bucket of their start. Output columns are {@code d0…dn} for dimensions and the {@link Agg}
 * names for aggregates.
 */
final class SqlBuilder {

  /** Raw aggregates the statements return; metrics are derived from them in Java. */
  enum Agg {
    VISITORS, VISITS, PAGEVIEWS, EVENTS, SESSIONS, BOUNCES, DURATION_MS, SESSION_PAGEVIEWS,
    SCROLL_SUM, ENGAGED_VISITS, ENGAGED_MS, REVENUE_MICROS, REVENUE_EVENTS;

    /** Summed exactly, beyond a long's range: the revenue (text from the store, a BigInteger here). */
    boolean exact() {
      return this == REVENUE_MICROS;
    }

    String column() {
      return "m_" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** Sorting and paging pushed into SQL: ORDER BY these columns, then LIMIT/OFFSET. */
  record Page(List<String> orderBy, int limit, int offset) {}

  /**
   * What one statement computes.
   *
   * @param site the site's domain
   * @param filters top-level filters (and-ed); each is wholly event-level or wholly visit-level
   * @param page ordering and paging to push down, or null for all groups
   */
  record Spec(String site, Instant from, Instant to, ZoneId zone, List<Dimension> dimensions,
      List<Filter> filters, Set<Agg> aggs, Page page, SiteGoals goals, Revenue revenue) {

    /** A statement that sums no revenue. */
    Spec(String site, Instant from, Instant to, ZoneId zone, List<Dimension> dimensions,
        List<Filter> filters, Set<Agg> aggs, Page page, SiteGoals goals) {
      this(site, from, to, zone, dimensions, filters, aggs, page, goals, null);
    }
  }

  /**
   * How long before its events a session can have started: sessions end when the visitor id's
   * daily salt rotates, so never more than a day; the margin covers accepted client clock skew.
   */
  static final Duration LONGEST_SESSION = Duration.ofHours(26);


  /** The column of each dimension on an event row (visit attributes are copied onto events). */
  private static final Map<String, String> COLUMNS = Map.ofEntries(
      Map.entry("event:page", "pathname"),
      Map.entry("event:name", "name"),
      Map.entry("event:hostname", "hostname"),
      Map.entry("event:screen_size", "screen_size"),
      Map.entry("visit:source", "referrer_source"),
      Map.entry("visit:referrer", "referrer"),
      Map.entry("visit:utm_source", "utm_source"),
      Map.entry("visit:utm_medium", "utm_medium"),
      Map.entry("visit:utm_campaign", "utm_campaign"),
      Map.entry("visit:utm_term", "utm_term"),
      Map.entry("visit:utm_content", "utm_content"),
      Map.entry("visit:country", "country"),
      Map.entry("visit:region", "region"),
      Map.entry("visit:city", "city"),
      Map.entry("visit:device", "device"),
      Map.entry("visit:browser", "browser"),
      Map.entry("visit:browser_version", "browser_version"),
      Map.entry("visit:os", "os"),
      Map.entry("visit:os_version", "os_version"),
      Map.entry("visit:entry_page", "entry_page"),
      Map.entry("visit:exit_page", "exit_page"));

  private final Dialect dialect;

  SqlBuilder(Dialect dialect) {
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Aggregates over matching events (event metrics). */
  Function<ReadView, String> events(Spec spec) {
    return view -> {
      Set<String> read = new LinkedHashSet<>();
      List<String> outer = new ArrayList<>();
      for (Agg agg : spec.aggs()) {
        switch (agg) {
          case VISITORS -> read.add("visitor_id");
          case VISITS -> read.add("session_id");
          case PAGEVIEWS -> read.add(dialect.kindColumn());
          case REVENUE_MICROS, REVENUE_EVENTS -> read.addAll(List.of("revenue_micros", "revenue_currency",
              "name", "pathname", dialect.kindColumn()));
          default -> { }
        }
        outer.add((agg == Agg.REVENUE_MICROS || agg == Agg.REVENUE_EVENTS ? revenueAgg(agg, spec) : eventAgg(agg))
            + " AS " + agg.column());
      }
      Source source = source(view, spec, dialect.notEngagement(), read);
      List<String> columns = new ArrayList<>(source.dimensions());
      columns.addAll(outer);
      return select(columns, source.from(), spec);
    };
  }

  /**
   * Aggregates over the matching engagement pings (engagement metrics): per group and visit the
   * deepest scroll and the engaged time, then per group their sums and the number of visits.
   */
  Function<ReadView, String> engagement(Spec spec) {
    return view -> {
      Source source = source(view, spec, dialect.isEngagement(),
          new LinkedHashSet<>(List.of("session_id", "scroll_depth", "engagement_millis")));
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < spec.dimensions().size(); i++) {
        groups.add("d" + i);
      }
      List<String> inner = new ArrayList<>(source.dimensions());
      inner.addAll(List.of("session_id", "max(scroll_depth) AS visit_scroll", "sum(engagement_millis) AS visit_ms"));
      groups.add("session_id");
      String perVisit = "(SELECT " + String.join(", ", inner) + " FROM " + source.from()
          + " GROUP BY " + String.join(", ", groups) + ") AS v";
      List<String> outer = new ArrayList<>(groups.subList(0, groups.size() - 1));
      for (Agg agg : spec.aggs()) {
        outer.add(switch (agg) {
          case SCROLL_SUM -> "sum(visit_scroll)";
          case ENGAGED_VISITS -> "count(*)";
          case ENGAGED_MS -> "sum(visit_ms)";
          default -> throw new IllegalArgumentException(agg + " is not an engagement aggregate");
        } + " AS " + agg.column());
      }
      return select(outer, perVisit, spec);
    };
  }

  /**
   * Visitors reaching each step of a funnel (columns {@code s1…sn}). Per visit (session id), the
   * matching events that convert any step's goal, in time order (then event id) as a list of
   * bit masks (bit k: converts step k+1); step 1 is at the first element with bit 0, step k at
   * the first with bit k-1 after step k-1's (the earliest choice leaves the most room after it).
   * A step counts the distinct visitors with a visit reaching it: steps spread over two visits
   * never chain.
   */
  Function<ReadView, String> funnel(Spec spec, List<Goal> steps) {
    return view -> {
      List<String> bits = new ArrayList<>();
      for (int k = 0; k < steps.size(); k++) {
        bits.add("CASE WHEN " + converts(steps.get(k)) + " THEN " + (1L << k) + " ELSE 0 END");
      }
      Source source = source(view, spec, dialect.notEngagement() + " AND " + anyGoal(steps),
          new LinkedHashSet<>(List.of("session_id", "visitor_id", "timestamp_ms", "event_id",
              "(" + String.join(" + ", bits) + ") AS step_mask")));
      // Not aliased to visitor_id: ClickHouse 18.16 would read the column name as the alias.
      String visits = "SELECT session_id, " + dialect.anyValue("visitor_id") + " AS visitor, "
          + dialect.inEventOrder("step_mask") + " AS masks FROM " + source.from() + " GROUP BY session_id";
      List<String> positions = new ArrayList<>(List.of("visitor"));
      List<String> reached = new ArrayList<>();
      for (int k = 1; k <= steps.size(); k++) {
        String first = dialect.firstWithBit("masks", 1L << (k - 1), k == 1 ? "0" : "p" + (k - 1));
        positions.add((k == 1 ? first : "CASE WHEN p" + (k - 1) + " = 0 THEN 0 ELSE " + first + " END") + " AS p" + k);
        reached.add(dialect.uniqExactIf("visitor", "p" + k + " > 0") + " AS s" + k);
      }
      return "SELECT " + String.join(", ", reached) + " FROM (SELECT " + String.join(", ", positions)
          + " FROM (" + visits + ") AS v) AS l";
    };
  }

  /** The most frequent custom property keys of the matching events: key, visitors, events. */
  Function<ReadView, String> propKeys(Spec spec, int limit) {
    return view -> {
      Source source = source(view, spec, dialect.notEngagement(),
          new LinkedHashSet<>(List.of(dialect.expand("prop_keys") + " AS prop_key", "visitor_id")));
      return "SELECT prop_key, " + dialect.uniqExact("visitor_id") + " AS visitors, count(*) AS events FROM "
          + source.from() + " GROUP BY prop_key ORDER BY events DESC, prop_key LIMIT " + limit;
    };
  }

  /** A statement's rows: its dimensions as d0…dn (in that order) and the FROM clause they read. */
  private record Source(List<String> dimensions, String from) {}

  /**
   * The matching rows of the events table of the given kind (a condition: events, or engagement
   * pings), with the dimension columns and the columns in {@code read}.
   */
  private Source source(ReadView view, Spec spec, String kind, Set<String> read) {
    // Only the columns the statement reads: 18.16 reads every column a UNION ALL branch lists.
    Set<String> columns = new LinkedHashSet<>();
    List<String> dimensions = new ArrayList<>();
    boolean pagesJoined = false;
    for (int i = 0; i < spec.dimensions().size(); i++) {
      Dimension d = spec.dimensions().get(i);
      if (sessionFinal(d)) {
        pagesJoined = true;
        dimensions.add(pageColumn(d) + " AS d" + i);
      } else {
        String expr = d.isTime()
            ? TimeBuckets.key(dialect, d.grain(), spec.zone(), spec.from(), spec.to(), "timestamp_ms")
            : eventExpr(d, spec.goals());
        columns.add(expr + " AS d" + i);
        dimensions.add("d" + i);
      }
    }
    columns.addAll(read);
    if (pagesJoined) {
      columns.add("session_id");
    }
    if (columns.isEmpty()) {
      columns.add(dialect.kindColumn());
    }
    List<String> conditions = new ArrayList<>(List.of(kind));
    if (spec.dimensions().stream().anyMatch(Dimension::isGoal)) {
      // Only conversions have a goal to group by.
      conditions.add(anyGoal(spec.goals().all()));
    }
    List<Filter> pageFilters = new ArrayList<>();
    for (Filter f : spec.filters()) {
      if (readsSessionFinal(f)) {
        pageFilters.add(f);
      } else {
        conditions.add(filter(f, d -> eventExpr(d, spec.goals()), spec.goals()));
      }
    }
    if (!pageFilters.isEmpty()) {
      // Filters on entry or exit pages (and the visit attributes or-ed with them) read the
      // sessions the events belong to.
      Set<String> pageColumns = new LinkedHashSet<>(List.of("session_id"));
      pageFilters.forEach(f -> collectColumns(f, pageColumns));
      conditions.add("session_id IN (SELECT session_id FROM "
          + sessionPages(view, spec, List.copyOf(pageColumns)) + " AS p WHERE "
          + pageFilters.stream().map(f -> filter(f, this::sessionValue, spec.goals()))
              .collect(Collectors.joining(" AND "))
          + ")");
    }
    String rows = view.rows(StoredTable.EVENTS, spec.site(), spec.from(), spec.to(), List.copyOf(columns),
        String.join(" AND ", conditions));
    if (!pagesJoined) {
      return new Source(dimensions, rows + " AS t");
    }
    String pages = "SELECT session_id, entry_page AS v_entry_page, exit_page AS v_exit_page FROM "
        + sessionPages(view, spec, List.of("session_id", "entry_page", "exit_page")) + " AS p";
    return new Source(dimensions, dialect.joinSessions("SELECT * FROM " + rows + " AS r", pages));
  }

  /** Aggregates over matching sessions (session metrics; also visitors and visits without event dimensions). */
  Function<ReadView, String> sessions(Spec spec) {
    return view -> {
      Set<String> columns = new LinkedHashSet<>();
      List<String> outer = sessionDimensions(spec, columns);
      for (Agg agg : spec.aggs()) {
        columns.addAll(sessionAggColumns(agg));
        outer.add(sessionAgg(agg) + " AS " + agg.column());
      }
      List<String> stable = new ArrayList<>();
      List<String> after = new ArrayList<>();
      List<String> eventFilters = new ArrayList<>(List.of(dialect.notEngagement()));
      for (Filter f : spec.filters()) {
        if (f.eventLevel()) {
          eventFilters.add(filter(f, d -> eventExpr(d, spec.goals()), spec.goals()));
          continue;
        }
        collectColumns(f, columns);
        (readsSessionFinal(f) ? after : stable).add(filter(f, this::sessionValue, spec.goals()));
      }
      if (eventFilters.size() > 1) {
        // Sessions with at least one matching event in the range.
        columns.add("session_id");
        after.add("session_id IN (SELECT session_id FROM " + view.rows(StoredTable.EVENTS, spec.site(),
            spec.from(), spec.to(), List.of("session_id"), String.join(" AND ", eventFilters)) + " AS m)");
      }
      if (columns.isEmpty()) {
        columns.add("events");
      }
      String rows = view.rows(StoredTable.SESSIONS, spec.site(), spec.from(), spec.to(),
          List.copyOf(columns), stable.isEmpty() ? null : String.join(" AND ", stable));
      // Conditions on a session's totals, entry or exit apply to its newest row, so outside.
      String from = after.isEmpty() ? rows + " AS s"
          : "(SELECT * FROM " + rows + " AS s WHERE " + String.join(" AND ", after) + ") AS f";
      return select(outer, from, spec);
    };
  }

  /**
   * The dimensions of a session statement as d0…dn over a sessions row (time: the bucket of the
   * start); adds the columns they read to {@code columns}.
   */
  private List<String> sessionDimensions(Spec spec, Set<String> columns) {
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < spec.dimensions().size(); i++) {
      Dimension d = spec.dimensions().get(i);
      if (d.isEvent()) {
        throw new IllegalArgumentException("event dimension in a session statement: " + d.name());
      }
      if (d.isTime()) {
        columns.add("start_ms");
        outer.add(TimeBuckets.key(dialect, d.grain(), spec.zone(), spec.from(), spec.to(), "start_ms") + " AS d" + i);
      } else {
        columns.add(sessionColumn(d));
        outer.add(sessionValue(d) + " AS d" + i);
      }
    }
    return outer;
  }

  /**
   * Sums of an imported table for the site's dates {@code first} to {@code last} (both included):
   * grouped by the date (column {@code dt}, as text) when {@code byDate}, and by each non-time
   * dimension ({@code d0…}, shown as native answers show it), filtered like native rows.
   */
  String imported(ImportedPlan plan, String site, java.time.LocalDate first, java.time.LocalDate last, Spec spec,
      boolean byDate) {
    List<String> outer = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    if (byDate) {
      outer.add(dialect.dateText("date") + " AS dt");
      groups.add("dt");
    }
    for (int i = 0; i < spec.dimensions().size(); i++) {
      Dimension d = spec.dimensions().get(i);
      if (!d.isTime()) {
        outer.add(shown(d, plan.columns().get(i)) + " AS d" + i);
        groups.add("d" + i);
      }
    }
    for (Agg agg : spec.aggs()) {
      outer.add(plan.aggregates().get(agg) + " AS " + agg.column());
    }
    List<String> where = new ArrayList<>(List.of("site = " + dialect.literal(site),
        "date >= " + dialect.dateLiteral(first), "date <= " + dialect.dateLiteral(last)));
    if (plan.propKey() != null) {
      where.add("property = " + dialect.literal(plan.propKey()));
    }
    for (Filter f : spec.filters()) {
      where.add(filter(f, d -> shown(d, ImportedPlan.column(d)), spec.goals()));
    }
    return "SELECT " + String.join(", ", outer) + " FROM " + plan.table().tableName() + " WHERE "
        + String.join(" AND ", where) + (groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", groups));
  }

  /** How many groups a statement (without its paging) yields, for {@code total_rows}. */
  Function<ReadView, String> countRows(Function<ReadView, String> statement) {
    return view -> "SELECT count(*) AS n FROM (" + statement.apply(view) + ") AS grouped";
  }

  /** The site's first event time (epoch ms), where {@code all} starts: a replay changes no minimum. */
  String firstEvent(String site) {
    return "SELECT min(timestamp_ms) AS first_ms FROM events WHERE site = " + dialect.literal(site);
  }

  /**
   * Whether any of the site's sessions or imported locations has a region, and a city: counts
   * above 0 in columns {@code regions}, {@code cities}. Existence needs neither deduplication nor
   * a full scan: each part stops at its first row.
   */
  String places(String site) {
    return "SELECT " + anyPlace(site, "region") + " AS regions, " + anyPlace(site, "city") + " AS cities";
  }

  private String anyPlace(String site, String column) {
    List<String> parts = new ArrayList<>();
    for (String table : List.of(StoredTable.SESSIONS.tableName(), io.trackflow.core.store.ImportedTable.LOCATIONS.tableName())) {
      parts.add("(SELECT count(*) FROM (SELECT 1 AS found FROM " + table + " WHERE site = " + dialect.literal(site)
          + " AND " + column + " != '' LIMIT 1) AS " + table + "_" + column + ")");
    }
    return String.join(" + ", parts);
  }

  /** Distinct visitors with an event (other than engagement) in the instant range. */
  Function<ReadView, String> realtimeVisitors(String site, Instant from, Instant to) {
    return view -> "SELECT " + dialect.uniqExact("visitor_id") + " AS visitors FROM "
        + view.rows(StoredTable.EVENTS, site, from, to, List.of("visitor_id"), dialect.notEngagement()) + " AS r";
  }

  /** Pageviews per epoch minute in the instant range. */
  Function<ReadView, String> realtimePageviews(String site, Instant from, Instant to) {
    return view -> "SELECT minute, count(*) AS pageviews FROM "
        + view.rows(StoredTable.EVENTS, site, from, to, List.of(dialect.epochMinute("timestamp_ms") + " AS minute"),
            dialect.isPageview()) + " AS pv GROUP BY minute ORDER BY minute";
  }

  /**
   * The values of an event-row dimension with the most distinct visitors among the events (other
   * than engagement) in the instant range: who is on which page, or came from where, right now.
   */
  Function<ReadView, String> realtimeTop(String site, Instant from, Instant to, Dimension d, int limit) {
    return view -> "SELECT value, " + dialect.uniqExact("visitor_id") + " AS visitors FROM "
        + view.rows(StoredTable.EVENTS, site, from, to, List.of(eventExpr(d, SiteGoals.NONE) + " AS value", "visitor_id"),
            dialect.notEngagement())
        + " AS r GROUP BY value ORDER BY visitors DESC, value ASC LIMIT " + limit;
  }

  /** Entry and exit pages of the sessions the range's events can belong to. */
  private static String sessionPages(ReadView view, Spec spec, List<String> columns) {
    return view.rows(StoredTable.SESSIONS, spec.site(), spec.from().minus(LONGEST_SESSION), spec.to(),
        columns, null);
  }

  /** {@code from} is a complete FROM clause (derived tables carry their alias). */
  private String select(List<String> columns, String from, Spec spec) {
    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", columns))
        .append(" FROM ").append(from);
    if (!spec.dimensions().isEmpty()) {
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < spec.dimensions().size(); i++) {
        groups.add("d" + i);
      }
      sql.append(" GROUP BY ").append(String.join(", ", groups));
    }
    if (spec.page() != null) {
      sql.append(" ORDER BY ").append(String.join(", ", spec.page().orderBy()))
          .append(" LIMIT ").append(spec.page().limit())
          .append(" OFFSET ").append(spec.page().offset());
    }
    return sql.toString();
  }

  /**
   * Revenue summed in its goal's currency: per group of the goal dimension in that goal's (the
   * group's d column names it), else in the one currency of the revenue goals in view, over the
   * events converting one of them.
   */
  private String revenueAgg(Agg agg, Spec spec) {
    Revenue revenue = spec.revenue();
    String counted;
    if (revenue == null || revenue.goals().isEmpty() || (!revenue.perGoal() && revenue.currency() == null)) {
      counted = "1 = 0";
    } else if (revenue.perGoal()) {
      int goal = spec.dimensions().indexOf(spec.dimensions().stream().filter(Dimension::isGoal).findFirst().orElseThrow());
      StringBuilder currency = new StringBuilder("CASE d" + goal);
      revenue.currencyByGoal().forEach((name, code) ->
          currency.append(" WHEN ").append(dialect.literal(name)).append(" THEN ").append(dialect.literal(code)));
      counted = "revenue_currency != '' AND revenue_currency = " + currency.append(" ELSE '' END");
    } else {
      counted = "revenue_currency = " + dialect.literal(revenue.currency()) + " AND " + anyGoal(revenue.goals());
    }
    return agg == Agg.REVENUE_MICROS ? dialect.exactSumIf("revenue_micros", counted) : dialect.countIf(counted);
  }

  /**
   * The matching events that convert a revenue goal in view but carry revenue in another
   * currency than the goal's (column {@code mismatched}).
   */
  Function<ReadView, String> revenueMismatches(Spec spec) {
    return view -> {
      Source source = source(view, spec, dialect.notEngagement(),
          new LinkedHashSet<>(List.of("revenue_currency", "name", "pathname", dialect.kindColumn())));
      String mismatched = spec.revenue().goals().stream()
          .map(g -> "(" + converts(g) + " AND revenue_currency != '' AND revenue_currency != "
              + dialect.literal(g.currency()) + ")")
          .collect(Collectors.joining(" OR ", "(", ")"));
      return "SELECT " + dialect.countIf(spec.revenue().goals().isEmpty() ? "1 = 0" : mismatched)
          + " AS mismatched FROM " + source.from();
    };
  }

  private String eventAgg(Agg agg) {
    return switch (agg) {
      case VISITORS -> dialect.uniqExact("visitor_id");
      case VISITS -> dialect.uniqExact("session_id");
      case PAGEVIEWS -> dialect.countIf(dialect.isPageview());
      case EVENTS -> "count(*)";
      default -> throw new IllegalArgumentException(agg + " is a session aggregate");
    };
  }

  private String sessionAgg(Agg agg) {
    return switch (agg) {
      case VISITORS -> dialect.uniqExact("visitor_id");
      case VISITS, SESSIONS -> "count(*)";
      case BOUNCES -> dialect.countIf("pageviews <= 1 AND interactive = 0");
      case DURATION_MS -> "sum(end_ms - start_ms)";
      case SESSION_PAGEVIEWS -> "sum(pageviews)";
      default -> throw new IllegalArgumentException(agg + " is an event aggregate");
    };
  }

  private static List<String> sessionAggColumns(Agg agg) {
    return switch (agg) {
      case VISITORS -> List.of("visitor_id");
      case BOUNCES -> List.of("pageviews", "interactive");
      case DURATION_MS -> List.of("start_ms", "end_ms");
      case SESSION_PAGEVIEWS -> List.of("pageviews");
      default -> List.of();
    };
  }

  /**
   * The SQL of a filter, each dimension read through {@code column}; an event:goal condition is
   * true for events that convert the goals it names (or, for is_not, none of them).
   */
  private String filter(Filter f, Function<Dimension, String> column, SiteGoals goals) {
    return switch (f) {
      case Filter.And and -> and.children().stream().map(c -> filter(c, column, goals))
          .collect(Collectors.joining(" AND ", "(", ")"));
      case Filter.Or or -> or.children().stream().map(c -> filter(c, column, goals))
          .collect(Collectors.joining(" OR ", "(", ")"));
      case Filter.Not not -> "NOT (" + filter(not.child(), column, goals) + ")";
      case Filter.Condition c when c.dimension().isGoal() -> {
        String any = anyGoal(goals.selected(c));
        yield c.op() == Filter.Op.IS_NOT ? "NOT " + any : any;
      }
      case Filter.Condition c -> condition(c, column.apply(c.dimension()));
    };
  }

  /** True for an event that converts any of the goals (false without goals). */
  private String anyGoal(List<Goal> goals) {
    if (goals.isEmpty()) {
      return "1 = 0";
    }
    return goals.stream().map(this::converts).collect(Collectors.joining(" OR ", "(", ")"));
  }

  /** True for an event that converts the goal: its custom event, or a pageview of its paths. */
  private String converts(Goal goal) {
    if (goal.isEvent()) {
      return "name = " + dialect.literal(goal.eventName());
    }
    String path = goal.pagePath().indexOf('*') < 0
        ? "pathname = " + dialect.literal(goal.pagePath())
        : dialect.matches("pathname", dialect.literal(Wildcards.toRegex(goal.pagePath())));
    return "(" + dialect.isPageview() + " AND " + path + ")";
  }

  /** The goals an event converts, one row each (for the event:goal dimension). */
  private String goalNames(List<Goal> goals) {
    if (goals.isEmpty()) {
      return "''";
    }
    return dialect.expandNonEmpty(goals.stream()
        .map(g -> "CASE WHEN " + converts(g) + " THEN " + dialect.literal(g.displayName()) + " ELSE '' END")
        .toList());
  }

  /**
   * A visit attribute as answers show it: the dimension's label where the stored value is empty.
   * Filters compare this too, so a value taken from an answer selects its group.
   */
  private String shown(Dimension d, String column) {
    String label = d.emptyLabel();
    return label == null ? column
        : "CASE WHEN " + column + " = '' THEN " + dialect.literal(label) + " ELSE " + column + " END";
  }

  private String condition(Filter.Condition c, String expr) {
    // Case-insensitive means both sides lower-cased, for patterns too: ClickHouse 18.16 prefilters
    // a regex by its literal substring and ignores a (?i) flag while doing so.
    boolean fold = !c.caseSensitive();
    String subject = fold ? dialect.lower(expr) : expr;
    String emptyLabel = c.dimension().emptyLabel();
    boolean exact = c.op() == Filter.Op.IS || c.op() == Filter.Op.IS_NOT;
    List<String> values = c.values().stream()
        // "" still names the empty value, as it did before answers carried the label.
        .map(v -> exact && emptyLabel != null && v.isEmpty() ? emptyLabel : v)
        .map(v -> fold ? v.toLowerCase(Locale.ROOT) : v)
        .toList();
    return switch (c.op()) {
      case IS -> subject + " IN (" + literals(values) + ")";
      case IS_NOT -> subject + " NOT IN (" + literals(values) + ")";
      case CONTAINS -> values.stream().map(v -> dialect.contains(subject, dialect.literal(v)))
          .collect(Collectors.joining(" OR ", "(", ")"));
      case MATCHES -> values.stream()
          .map(v -> dialect.matches(subject, dialect.literal(Wildcards.toRegex(v))))
          .collect(Collectors.joining(" OR ", "(", ")"));
    };
  }

  private String literals(List<String> values) {
    return values.stream().map(dialect::literal).collect(Collectors.joining(", "));
  }

  /** The expression of a dimension on an event row (event:goal: one row per goal converted). */
  private String eventExpr(Dimension d, SiteGoals goals) {
    if (d.isGoal()) {
      return goalNames(goals.all());
    }
    if (d.kind() == Dimension.Kind.EVENT_PROP) {
      return dialect.prop(dialect.literal(d.propKey()));
    }
    if (sessionFinal(d)) {
      throw new IllegalArgumentException(d.name() + " is not on event rows");
    }
    return shown(d, column(d));
  }

  /** The value of a visit dimension on a sessions row, as answers show it. */
  private String sessionValue(Dimension d) {
    return shown(d, sessionColumn(d));
  }

  /** The column of a visit dimension on a sessions row. */
  private static String sessionColumn(Dimension d) {
    if (!d.isVisit()) {
      throw new IllegalArgumentException(d.name() + " is not a visit dimension");
    }
    return column(d);
  }

  private static String column(Dimension d) {
    String column = COLUMNS.get(d.name());
    if (column == null) {
      throw new IllegalArgumentException("no column for " + d.name());
    }
    return column;
  }

  private static String pageColumn(Dimension d) {
    return "v_" + column(d);
  }

  /** Entry and exit pages are known only from the session's newest totals, never on its events. */
  private static boolean sessionFinal(Dimension d) {
    return d.name().equals("visit:entry_page") || d.name().equals("visit:exit_page");
  }

  private static boolean readsSessionFinal(Filter f) {
    return switch (f) {
      case Filter.Condition c -> sessionFinal(c.dimension());
      case Filter.And a -> a.children().stream().anyMatch(SqlBuilder::readsSessionFinal);
      case Filter.Or o -> o.children().stream().anyMatch(SqlBuilder::readsSessionFinal);
      case Filter.Not n -> readsSessionFinal(n.child());
    };
  }

  private static void collectColumns(Filter f, Set<String> into) {
    switch (f) {
      case Filter.Condition c -> into.add(sessionColumn(c.dimension()));
      case Filter.And a -> a.children().forEach(c -> collectColumns(c, into));
      case Filter.Or o -> o.children().forEach(c -> collectColumns(c, into));
      case Filter.Not n -> collectColumns(n.child(), into);
    }
  }
}
