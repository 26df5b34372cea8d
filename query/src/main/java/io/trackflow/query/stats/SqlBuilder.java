package io.trackflow.query.stats;

import io.trackflow.core.store.ReadView;
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
    VISITORS, VISITS, PAGEVIEWS, EVENTS, SESSIONS, BOUNCES, DURATION_MS, SESSION_PAGEVIEWS;

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
      List<Filter> filters, Set<Agg> aggs, Page page) {}

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
      // Only the columns the statement reads: 18.16 reads every column a UNION ALL branch lists.
      Set<String> columns = new LinkedHashSet<>();
      List<String> outer = new ArrayList<>();
      boolean pagesJoined = false;
      for (int i = 0; i < spec.dimensions().size(); i++) {
        Dimension d = spec.dimensions().get(i);
        if (sessionFinal(d)) {
          pagesJoined = true;
          outer.add(pageColumn(d) + " AS d" + i);
        } else {
          String expr = d.isTime()
              ? TimeBuckets.key(dialect, d.grain(), spec.zone(), spec.from(), spec.to(), "timestamp_ms")
              : eventExpr(d);
          columns.add(expr + " AS d" + i);
          outer.add("d" + i);
        }
      }
      for (Agg agg : spec.aggs()) {
        outer.add(eventAgg(agg) + " AS " + agg.column());
        switch (agg) {
          case VISITORS -> columns.add("visitor_id");
          case VISITS -> columns.add("session_id");
          case PAGEVIEWS -> columns.add(dialect.kindColumn());
          default -> { }
        }
      }
      if (pagesJoined) {
        columns.add("session_id");
      }
      if (columns.isEmpty()) {
        columns.add(dialect.kindColumn());
      }
      List<String> conditions = new ArrayList<>(List.of(dialect.notEngagement()));
      List<Filter> pageFilters = new ArrayList<>();
      for (Filter f : spec.filters()) {
        if (readsSessionFinal(f)) {
          pageFilters.add(f);
        } else {
          conditions.add(filter(f, this::eventExpr));
        }
      }
      if (!pageFilters.isEmpty()) {
        // Filters on entry or exit pages (and the visit attributes or-ed with them) read the
        // sessions the events belong to.
        Set<String> read = new LinkedHashSet<>(List.of("session_id"));
        pageFilters.forEach(f -> collectColumns(f, read));
        conditions.add("session_id IN (SELECT session_id FROM "
            + sessionPages(view, spec, List.copyOf(read)) + " AS p WHERE "
            + pageFilters.stream().map(f -> filter(f, this::sessionValue)).collect(Collectors.joining(" AND "))
            + ")");
      }
      String rows = view.rows(StoredTable.EVENTS, spec.site(), spec.from(), spec.to(), List.copyOf(columns),
          String.join(" AND ", conditions));
      String from;
      if (pagesJoined) {
        String pages = "SELECT session_id, entry_page AS v_entry_page, exit_page AS v_exit_page FROM "
            + sessionPages(view, spec, List.of("session_id", "entry_page", "exit_page")) + " AS p";
        from = dialect.joinSessions("SELECT * FROM " + rows + " AS r", pages);
      } else {
        from = rows + " AS t";
      }
      return select(outer, from, spec);
    };
  }

  /** Aggregates over matching sessions (session metrics; also visitors and visits without event dimensions). */
  Function<ReadView, String> sessions(Spec spec) {
    return view -> {
      List<String> outer = new ArrayList<>();
      Set<String> columns = new LinkedHashSet<>();
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
      for (Agg agg : spec.aggs()) {
        columns.addAll(sessionAggColumns(agg));
        outer.add(sessionAgg(agg) + " AS " + agg.column());
      }
      List<String> stable = new ArrayList<>();
      List<String> after = new ArrayList<>();
      List<String> eventFilters = new ArrayList<>(List.of(dialect.notEngagement()));
      for (Filter f : spec.filters()) {
        if (f.eventLevel()) {
          eventFilters.add(filter(f, this::eventExpr));
          continue;
        }
        collectColumns(f, columns);
        (readsSessionFinal(f) ? after : stable).add(filter(f, this::sessionValue));
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

  /** How many groups a statement (without its paging) yields, for {@code total_rows}. */
  Function<ReadView, String> countRows(Function<ReadView, String> statement) {
    return view -> "SELECT count(*) AS n FROM (" + statement.apply(view) + ") AS grouped";
  }

  /** The site's first event time (epoch ms), where {@code all} starts: a replay changes no minimum. */
  String firstEvent(String site) {
    return "SELECT min(timestamp_ms) AS first_ms FROM events WHERE site = " + dialect.literal(site);
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
        + view.rows(StoredTable.EVENTS, site, from, to, List.of(eventExpr(d) + " AS value", "visitor_id"),
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

  /** The SQL of a filter, each dimension read through {@code column}. */
  private String filter(Filter f, Function<Dimension, String> column) {
    return switch (f) {
      case Filter.And and -> and.children().stream().map(c -> filter(c, column))
          .collect(Collectors.joining(" AND ", "(", ")"));
      case Filter.Or or -> or.children().stream().map(c -> filter(c, column))
          .collect(Collectors.joining(" OR ", "(", ")"));
      case Filter.Not not -> "NOT (" + filter(not.child(), column) + ")";
      case Filter.Condition c -> condition(c, column.apply(c.dimension()));
    };
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

  /** The expression of a dimension on an event row. */
  private String eventExpr(Dimension d) {
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
