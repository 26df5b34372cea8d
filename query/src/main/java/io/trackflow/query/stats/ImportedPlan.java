package io.trackflow.query.stats;

import io.trackflow.core.store.ImportedTable;
import io.trackflow.query.stats.SqlBuilder.Agg;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether and how a query's answer can include imported daily aggregates: every dimension and
 * filter must be one that one imported table holds (a time dimension of a day or longer goes with
 * any), and every metric one that table can give. Then the answer adds that table's sums to the
 * native aggregates, group by group; otherwise it leaves imports out and says why, as Plausible
 * does. Visitors are summed over days and groups, so they are exact where visitor ids are daily
 * (they are: the salt rotates) and a visitor falls in one group per day.
 *
 * @param table the imported table read
 * @param columns per query dimension, the table's column (null for the time dimension)
 * @param propKey for {@link ImportedTable#CUSTOM_PROPS}: the property the rows must have
 * @param aggregates the SQL sum behind each raw aggregate this table gives
 */
record ImportedPlan(ImportedTable table, List<String> columns, String propKey, Map<Agg, String> aggregates) {

  /** A plan, or the reason there is none. */
  record Outcome(ImportedPlan plan, String skipped) {}

  private static final Map<String, Column> COLUMNS = Map.ofEntries(
      Map.entry("visit:source", new Column(ImportedTable.SOURCES, "source")),
      Map.entry("visit:referrer", new Column(ImportedTable.SOURCES, "referrer")),
      Map.entry("visit:utm_source", new Column(ImportedTable.SOURCES, "utm_source")),
      Map.entry("visit:utm_medium", new Column(ImportedTable.SOURCES, "utm_medium")),
      Map.entry("visit:utm_campaign", new Column(ImportedTable.SOURCES, "utm_campaign")),
      Map.entry("visit:utm_term", new Column(ImportedTable.SOURCES, "utm_term")),
      Map.entry("visit:utm_content", new Column(ImportedTable.SOURCES, "utm_content")),
      Map.entry("event:page", new Column(ImportedTable.PAGES, "page")),
      Map.entry("event:hostname", new Column(ImportedTable.PAGES, "hostname")),
      Map.entry("visit:entry_page", new Column(ImportedTable.ENTRY_PAGES, "entry_page")),
      Map.entry("visit:exit_page", new Column(ImportedTable.EXIT_PAGES, "exit_page")),
      Map.entry("visit:country", new Column(ImportedTable.LOCATIONS, "country")),
      Map.entry("visit:region", new Column(ImportedTable.LOCATIONS, "region")),
      Map.entry("visit:city", new Column(ImportedTable.LOCATIONS, "city")),
      Map.entry("visit:device", new Column(ImportedTable.DEVICES, "device")),
      Map.entry("visit:browser", new Column(ImportedTable.BROWSERS, "browser")),
      Map.entry("visit:browser_version", new Column(ImportedTable.BROWSERS, "browser_version")),
      Map.entry("visit:os", new Column(ImportedTable.OPERATING_SYSTEMS, "operating_system")),
      Map.entry("visit:os_version", new Column(ImportedTable.OPERATING_SYSTEMS, "operating_system_version")),
      Map.entry("event:name", new Column(ImportedTable.CUSTOM_EVENTS, "name")));

  private record Column(ImportedTable table, String name) {}

  /** The imported column a dimension reads, or null when no table holds it. */
  static String column(Dimension d) {
    if (d.kind() == Dimension.Kind.EVENT_PROP) {
      return "value";
    }
    Column c = COLUMNS.get(d.name());
    return c == null ? null : c.name();
  }

  private static ImportedTable table(Dimension d) {
    if (d.kind() == Dimension.Kind.EVENT_PROP) {
      return ImportedTable.CUSTOM_PROPS;
    }
    Column c = COLUMNS.get(d.name());
    return c == null ? null : c.table();
  }

  static Outcome plan(Query query) {
    Set<ImportedTable> tables = new LinkedHashSet<>();
    Set<String> propKeys = new LinkedHashSet<>();
    List<Dimension> used = new ArrayList<>();
    for (Dimension d : query.dimensions()) {
      if (d.isTime()) {
        if (d.grain() == Dimension.TimeGrain.HOUR) {
          return skipped("imported data is daily, so it has no hours; use time:day or longer");
        }
      } else {
        used.add(d);
      }
    }
    query.filters().forEach(f -> collect(f, used));
    for (Dimension d : used) {
      ImportedTable t = table(d);
      if (t == null) {
        return skipped("imported data has no " + d.name());
      }
      tables.add(t);
      if (d.kind() == Dimension.Kind.EVENT_PROP) {
        propKeys.add(d.propKey());
      }
    }
    if (tables.size() > 1 || propKeys.size() > 1) {
      return skipped("imported data does not break " + String.join(" and ", used.stream().map(Dimension::name)
          .distinct().toList()) + " down together");
    }
    ImportedTable table = tables.isEmpty() ? ImportedTable.VISITORS : tables.iterator().next();
    Map<Agg, String> aggregates = aggregates(table);
    for (Metric m : query.metrics()) {
      for (Agg agg : needs(m)) {
        if (agg == null || !aggregates.containsKey(agg)) {
          return skipped("imported " + table.tableName().substring("imported_".length()).replace('_', ' ')
              + " have no " + m.apiName());
        }
      }
    }
    List<String> columns = new ArrayList<>();
    for (Dimension d : query.dimensions()) {
      columns.add(d.isTime() ? null : column(d));
    }
    return new Outcome(new ImportedPlan(table, columns, propKeys.isEmpty() ? null : propKeys.iterator().next(),
        aggregates), null);
  }

  /** The label of the time bucket a date falls in, as {@link TimeBuckets#label} writes it. */
  static String bucket(Dimension.TimeGrain grain, String date) {
    java.time.LocalDate day = java.time.LocalDate.parse(date);
    return switch (grain) {
      case DAY -> day.toString();
      case WEEK -> day.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY)).toString();
      case MONTH -> day.withDayOfMonth(1).toString();
      case HOUR -> throw new IllegalArgumentException("imported data has no hours");
    };
  }

  private static Outcome skipped(String reason) {
    return new Outcome(null, reason);
  }

  private static void collect(Filter f, List<Dimension> into) {
    switch (f) {
      case Filter.Condition c -> into.add(c.dimension());
      case Filter.And a -> a.children().forEach(c -> collect(c, into));
      case Filter.Or o -> o.children().forEach(c -> collect(c, into));
      case Filter.Not n -> collect(n.child(), into);
    }
  }

  /** The raw aggregates a metric is computed from (a null: imports cannot give it). */
  private static List<Agg> needs(Metric m) {
    return switch (m) {
      case VISITORS, PERCENTAGE -> List.of(Agg.VISITORS);
      case VISITS -> List.of(Agg.VISITS);
      case PAGEVIEWS -> List.of(Agg.PAGEVIEWS);
      case EVENTS -> List.of(Agg.EVENTS);
      case BOUNCE_RATE -> List.of(Agg.SESSIONS, Agg.BOUNCES);
      case VISIT_DURATION -> List.of(Agg.SESSIONS, Agg.DURATION_MS);
      case VIEWS_PER_VISIT -> List.of(Agg.SESSIONS, Agg.SESSION_PAGEVIEWS);
      // Conversion bases, revenue and engagement are not in the imported files TrackFlow keeps.
      case CONVERSION_RATE, TOTAL_REVENUE, AVERAGE_REVENUE, SCROLL_DEPTH, TIME_ON_PAGE ->
          java.util.Collections.singletonList(null);
    };
  }

  /** What each table can give, as sums of its columns (durations are stored in seconds). */
  private static Map<Agg, String> aggregates(ImportedTable table) {
    Map<Agg, String> sums = new EnumMap<>(Agg.class);
    switch (table) {
      case PAGES -> {
        sums.put(Agg.VISITORS, "sum(visitors)");
        sums.put(Agg.VISITS, "sum(visits)");
        sums.put(Agg.PAGEVIEWS, "sum(pageviews)");
      }
      case CUSTOM_EVENTS, CUSTOM_PROPS -> {
        sums.put(Agg.VISITORS, "sum(visitors)");
        sums.put(Agg.EVENTS, "sum(events)");
      }
      default -> {
        String visits = switch (table) {
          case ENTRY_PAGES -> "entrances";
          case EXIT_PAGES -> "exits";
          default -> "visits";
        };
        sums.put(Agg.VISITORS, "sum(visitors)");
        sums.put(Agg.VISITS, "sum(" + visits + ")");
        sums.put(Agg.SESSIONS, "sum(" + visits + ")");
        sums.put(Agg.PAGEVIEWS, "sum(pageviews)");
        sums.put(Agg.SESSION_PAGEVIEWS, "sum(pageviews)");
        sums.put(Agg.BOUNCES, "sum(bounces)");
        sums.put(Agg.DURATION_MS, "sum(visit_duration) * 1000");
      }
    }
    return sums;
  }
}
