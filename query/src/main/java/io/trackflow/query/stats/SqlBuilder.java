package io.trackflow.query.stats;

import io.trackflow.core.event.Event;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles stats queries to SQL, once for both stores: the {@link Dialect} supplies function
 * names, time zone functions and the escaping of every value.
 *
 * <p>Two shapes exist. An <em>event</em> statement aggregates matching events, grouped by event
 * columns, time buckets of the event, or attributes of the event's session (joined). A
 * <em>session</em> statement first groups events into sessions (in the range), then aggregates
 * sessions grouped by their attributes or the bucket of their start. Output columns are
 * {@code d0…dn} for dimensions and the {@link Agg} names for aggregates.
 */
final class SqlBuilder {

  /** Raw aggregates the statements return; metrics are derived from them in Java. */
  enum Agg {
    VISITORS, VISITS, PAGEVIEWS, EVENTS, SESSIONS, BOUNCES, DURATION_MS, SESSION_PAGEVIEWS;

    String column() {
      return "m_" + name().toLowerCase(Locale.ROOT);
    }

    /** Aggregates only a session statement computes. */
    boolean sessionOnly() {
      return this == SESSIONS || this == BOUNCES || this == DURATION_MS || this == SESSION_PAGEVIEWS;
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
      List<Filter> filters, Set<Agg> aggs, Page page) {}

  private static final String PAGEVIEW = "name = '" + Event.PAGEVIEW + "'";

  private static final Map<String, String> EVENT_COLUMNS = Map.ofEntries(
      Map.entry("event:page", "pathname"),
      Map.entry("event:name", "name"),
      Map.entry("event:hostname", "hostname"),
      Map.entry("visit:source", "referrer_source"),
      Map.entry("visit:referrer", "referrer"),
      Map.entry("visit:utm_source", "utm_source"),
      Map.entry("visit:utm_medium", "utm_medium"),
      Map.entry("visit:utm_campaign", "utm_campaign"),
      Map.entry("visit:utm_term", "utm_term"),
      Map.entry("visit:utm_content", "utm_content"),
      Map.entry("visit:country", "country"),
      Map.entry("visit:device", "device"),
      Map.entry("visit:browser", "browser"),
      Map.entry("visit:browser_version", "browser_version"),
      Map.entry("visit:os", "os"),
      Map.entry("visit:os_version", "os_version"));

  private final Dialect dialect;

  SqlBuilder(Dialect dialect) {
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Aggregates over matching events (event-level metrics). */
  String events(Spec spec) {
    List<Filter> eventFilters = spec.filters().stream().filter(Filter::eventLevel).toList();
    List<Filter> visitFilters = spec.filters().stream().filter(f -> !f.eventLevel()).toList();
    Set<Dimension> visitDims = new LinkedHashSet<>();
    spec.dimensions().stream().filter(Dimension::isVisit).forEach(visitDims::add);

    List<String> inner = new ArrayList<>(List.of("visitor_id", "session_id", "name"));
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < spec.dimensions().size(); i++) {
      Dimension d = spec.dimensions().get(i);
      if (d.isVisit()) {
        outer.add(visitColumn(d) + " AS d" + i);
      } else {
        String expr = d.isTime()
            ? TimeBuckets.key(dialect, d.grain(), spec.zone(), spec.from(), spec.to(), dialect.millis())
            : eventExpr(d);
        inner.add(expr + " AS d" + i);
        outer.add("d" + i);
      }
    }
    for (Agg agg : spec.aggs()) {
      outer.add(eventAgg(agg) + " AS " + agg.column());
    }
    StringBuilder where = new StringBuilder(base(spec));
    for (Filter f : eventFilters) {
      where.append(" AND ").append(filter(f, true));
    }
    String from;
    if (visitDims.isEmpty()) {
      if (!visitFilters.isEmpty()) {
        where.append(" AND session_id IN (SELECT session_id FROM ")
            .append(sessions(spec, List.of(), visitFilters, Set.of(), false)).append(" AS s)");
      }
      from = "(SELECT " + String.join(", ", inner) + " FROM " + dialect.events()
          + " WHERE " + where + ") AS t";
    } else {
      String left = "SELECT " + String.join(", ", inner) + " FROM " + dialect.events()
          + " WHERE " + where;
      List<String> right = new ArrayList<>(List.of("session_id"));
      visitDims.forEach(d -> right.add(visitColumn(d)));
      String sessions = "SELECT " + String.join(", ", right) + " FROM "
          + sessions(spec, List.copyOf(visitDims), visitFilters, Set.of(), false) + " AS s";
      from = dialect.joinSessions(left, sessions);
    }
    return select(outer, from, spec);
  }

  /** Aggregates over matching sessions (session-level metrics, or all metrics without event or time-of-event dimensions). */
  String sessions(Spec spec) {
    List<Filter> eventFilters = spec.filters().stream().filter(Filter::eventLevel).toList();
    List<Filter> visitFilters = spec.filters().stream().filter(f -> !f.eventLevel()).toList();
    List<Dimension> visitDims = spec.dimensions().stream().filter(Dimension::isVisit).toList();
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < spec.dimensions().size(); i++) {
      Dimension d = spec.dimensions().get(i);
      if (d.isEvent()) {
        throw new IllegalArgumentException("event dimension in a session statement: " + d.name());
      }
      outer.add((d.isTime()
          ? TimeBuckets.key(dialect, d.grain(), spec.zone(), spec.from(), spec.to(), "s_start_ms")
          : visitColumn(d)) + " AS d" + i);
    }
    for (Agg agg : spec.aggs()) {
      outer.add(sessionAgg(agg) + " AS " + agg.column());
    }
    String from = sessions(spec, visitDims, visitFilters, Set.copyOf(eventFilters), true) + " AS t";
    return select(outer, from, spec);
  }

  /** How many groups a statement (without its paging) yields, for {@code total_rows}. */
  String countRows(String statement) {
    return "SELECT count(*) AS n FROM (" + statement + ") AS grouped";
  }

  /** The site's first event time (epoch ms), where {@code all} starts. */
  String firstEvent(String site) {
    return "SELECT min(" + dialect.millis() + ") AS first_ms FROM " + dialect.events()
        + " WHERE site = " + dialect.literal(site);
  }

  /** Distinct visitors with an event (other than engagement) in the instant range. */
  String realtimeVisitors(String site, Instant from, Instant to) {
    return "SELECT " + dialect.uniqExact("visitor_id") + " AS visitors FROM " + dialect.events()
        + " WHERE site = " + dialect.literal(site) + " AND " + dialect.inRange(from, to)
        + " AND name != '" + Event.ENGAGEMENT + "'";
  }

  /** Pageviews per epoch minute in the instant range. */
  String realtimePageviews(String site, Instant from, Instant to) {
    return "SELECT minute, count(*) AS pageviews FROM (SELECT " + dialect.epochMinute()
        + " AS minute FROM " + dialect.events() + " WHERE site = " + dialect.literal(site) + " AND "
        + dialect.inRange(from, to) + " AND " + PAGEVIEW + ") AS pv GROUP BY minute ORDER BY minute";
  }

  /**
   * The sessions of the range as a derived table: one row per session with its visitor, start,
   * end, pageview and interactive counts, the attributes asked for, and (when event filters are
   * given) only sessions with at least one matching event, counting matching pageviews/events.
   */
  private String sessions(Spec spec, List<Dimension> attrs, List<Filter> visitFilters,
      Set<Filter> eventFilters, boolean full) {
    Set<Dimension> needed = new LinkedHashSet<>(attrs);
    visitFilters.forEach(f -> collectDimensions(f, needed));
    String key = dialect.tuple(dialect.millis(), "event_id");
    List<String> cols = new ArrayList<>(List.of("session_id"));
    if (full) {
      String matched = eventFilters.isEmpty() ? "1 = 1"
          : eventFilters.stream().map(f -> filter(f, true)).collect(Collectors.joining(" AND "));
      // Only the per-session columns the outer aggregates, buckets and filters read.
      Set<Agg> aggs = spec.aggs();
      if (aggs.contains(Agg.VISITORS)) {
        cols.add(dialect.anyValue("visitor_id") + " AS s_visitor");
      }
      boolean timeDimension = spec.dimensions().stream().anyMatch(Dimension::isTime);
      if (timeDimension || aggs.contains(Agg.DURATION_MS)) {
        cols.add("min(" + dialect.millis() + ") AS s_start_ms");
      }
      if (aggs.contains(Agg.DURATION_MS)) {
        cols.add("max(" + dialect.millis() + ") AS s_end_ms");
      }
      if (aggs.contains(Agg.BOUNCES) || aggs.contains(Agg.SESSION_PAGEVIEWS)) {
        cols.add(dialect.countIf(PAGEVIEW) + " AS s_pageviews");
      }
      if (aggs.contains(Agg.BOUNCES)) {
        cols.add(dialect.countIf("name != '" + Event.PAGEVIEW + "' AND " + dialect.isTrue("interactive"))
            + " AS s_interactive");
      }
      if (aggs.contains(Agg.PAGEVIEWS)) {
        cols.add(dialect.countIf(PAGEVIEW + " AND " + matched) + " AS s_m_pageviews");
      }
      if (aggs.contains(Agg.EVENTS) || !eventFilters.isEmpty()) {
        cols.add(dialect.countIf(matched) + " AS s_m_events");
      }
    }
    for (Dimension d : needed) {
      String column = visitColumn(d);
      switch (d.name()) {
        case "visit:entry_page" -> cols.add(dialect.argMinIf("pathname", key, PAGEVIEW) + " AS " + column);
        case "visit:exit_page" -> cols.add(dialect.argMaxIf("pathname", key, PAGEVIEW) + " AS " + column);
        default -> cols.add(dialect.argMin(EVENT_COLUMNS.get(d.name()), key) + " AS " + column);
      }
    }
    String grouped = "SELECT " + String.join(", ", cols) + " FROM " + dialect.events() + " WHERE "
        + base(spec) + " GROUP BY session_id";
    List<String> where = new ArrayList<>();
    if (full && !eventFilters.isEmpty()) {
      where.add("s_m_events > 0");
    }
    visitFilters.forEach(f -> where.add(filter(f, false)));
    return where.isEmpty() ? "(" + grouped + ")"
        : "(SELECT * FROM (" + grouped + ") AS g WHERE " + String.join(" AND ", where) + ")";
  }

  private String base(Spec spec) {
    return "site = " + dialect.literal(spec.site()) + " AND " + dialect.inRange(spec.from(), spec.to())
        + " AND name != '" + Event.ENGAGEMENT + "'";
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

  private String eventAgg(Agg agg) {
    return switch (agg) {
      case VISITORS -> dialect.uniqExact("visitor_id");
      case VISITS -> dialect.uniqExact("session_id");
      case PAGEVIEWS -> dialect.countIf(PAGEVIEW);
      case EVENTS -> "count(*)";
      default -> throw new IllegalArgumentException(agg + " is a session aggregate");
    };
  }

  private String sessionAgg(Agg agg) {
    return switch (agg) {
      case VISITORS -> dialect.uniqExact("s_visitor");
      case VISITS -> "count(*)";
      case PAGEVIEWS -> "sum(s_m_pageviews)";
      case EVENTS -> "sum(s_m_events)";
      case SESSIONS -> "count(*)";
      case BOUNCES -> dialect.countIf("s_pageviews <= 1 AND s_interactive = 0");
      case DURATION_MS -> "sum(s_end_ms - s_start_ms)";
      case SESSION_PAGEVIEWS -> "sum(s_pageviews)";
    };
  }

  /** The SQL of a filter: event-level filters read event columns, visit-level ones session attributes. */
  private String filter(Filter f, boolean eventLevel) {
    return switch (f) {
      case Filter.And and -> and.children().stream().map(c -> filter(c, eventLevel))
          .collect(Collectors.joining(" AND ", "(", ")"));
      case Filter.Or or -> or.children().stream().map(c -> filter(c, eventLevel))
          .collect(Collectors.joining(" OR ", "(", ")"));
      case Filter.Not not -> "NOT (" + filter(not.child(), eventLevel) + ")";
      case Filter.Condition c -> condition(c, eventLevel ? eventExpr(c.dimension()) : visitColumn(c.dimension()));
    };
  }

  private String condition(Filter.Condition c, String expr) {
    // Case-insensitive means both sides lower-cased, for patterns too: ClickHouse 18.16 prefilters
    // a regex by its literal substring and ignores a (?i) flag while doing so.
    boolean fold = !c.caseSensitive();
    String subject = fold ? dialect.lower(expr) : expr;
    List<String> values = c.values().stream()
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

  private String eventExpr(Dimension d) {
    if (d.kind() == Dimension.Kind.EVENT_PROP) {
      return dialect.prop(dialect.literal(d.propKey()));
    }
    String column = EVENT_COLUMNS.get(d.name());
    if (column == null) {
      throw new IllegalArgumentException("no event column for " + d.name());
    }
    return column;
  }

  private static String visitColumn(Dimension d) {
    return "v_" + d.name().substring("visit:".length());
  }

  private static void collectDimensions(Filter f, Set<Dimension> into) {
    switch (f) {
      case Filter.Condition c -> into.add(c.dimension());
      case Filter.And a -> a.children().forEach(c -> collectDimensions(c, into));
      case Filter.Or o -> o.children().forEach(c -> collectDimensions(c, into));
      case Filter.Not n -> collectDimensions(n.child(), into);
    }
  }
}
