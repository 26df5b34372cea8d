package io.trackflow.query.stats;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A validated stats query (Plausible Stats API v2 shape). Produced only by {@link QueryParser}, so
 * every field here is known to be well formed.
 *
 * @param filters top-level filters, combined with and
 */
public record Query(
    String siteId,
    List<Metric> metrics,
    DateRangeSpec dateRange,
    List<Dimension> dimensions,
    List<Filter> filters,
    List<OrderBy> orderBy,
    Include include,
    Pagination pagination) {

  public Query {
    metrics = List.copyOf(metrics);
    dimensions = List.copyOf(dimensions);
    filters = List.copyOf(filters);
    orderBy = List.copyOf(orderBy);
  }

  /** The requested date range before it is resolved against a clock and a time zone. */
  public sealed interface DateRangeSpec {
    /** {@code day}, {@code 7d}, {@code 30d}, {@code month}, {@code 6mo}, {@code 12mo}, {@code year}, {@code all}. */
    record Named(String name) implements DateRangeSpec {}

    /** Two calendar dates, both included. */
    record Dates(LocalDate from, LocalDate to) implements DateRangeSpec {}

    /** Two ISO-8601 date-times, both included; without an offset they are read in the site's zone. */
    record DateTimes(String from, String to) implements DateRangeSpec {}
  }

  /** How results are ordered: a metric or dimension of the query, ascending or descending. */
  public record OrderBy(String field, boolean descending) {}

  /** Comparison periods ({@code custom} takes its dates from {@link Include#comparisonDates}). */
  public enum ComparisonMode {
    PREVIOUS_PERIOD("previous_period"), YEAR_OVER_YEAR("year_over_year"), CUSTOM("custom");

    final String apiName;

    ComparisonMode(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }
  }

  /**
   * Optional extras of the answer.
   *
   * @param comparisonDates the compared dates, only with {@link ComparisonMode#CUSTOM}
   * @param imports whether imported daily aggregates are merged into the answer
   */
  public record Include(boolean timeLabels, boolean totalRows, boolean totals, ComparisonMode comparison,
      DateRangeSpec.Dates comparisonDates, boolean imports) {
    public static final Include NONE = new Include(false, false, false, null);

    public Include(boolean timeLabels, boolean totalRows, boolean totals, ComparisonMode comparison) {
      this(timeLabels, totalRows, totals, comparison, null, false);
    }

    public Include(boolean timeLabels, boolean totalRows, boolean totals, ComparisonMode comparison,
        DateRangeSpec.Dates comparisonDates) {
      this(timeLabels, totalRows, totals, comparison, comparisonDates, false);
    }

    public Include(boolean timeLabels, boolean totalRows, boolean totals, ComparisonMode comparison,
        boolean imports) {
      this(timeLabels, totalRows, totals, comparison, null, imports);
    }

    public Optional<ComparisonMode> comparisonMode() {
      return Optional.ofNullable(comparison);
    }
  }

  /** Page of the results. */
  public record Pagination(int limit, int offset) {
    public static final int MAX_LIMIT = 10_000;
    public static final Pagination DEFAULT = new Pagination(MAX_LIMIT, 0);
  }

  public Optional<Dimension> timeDimension() {
    return dimensions.stream().filter(Dimension::isTime).findFirst();
  }

  public boolean has(Metric metric) {
    return metrics.contains(metric);
  }

  public boolean hasEventDimension() {
    return dimensions.stream().anyMatch(Dimension::isEvent);
  }

  /**
   * The same query with other metrics, dimensions and filters (used to plan helper queries); it
   * includes imported data when this one does.
   */
  Query with(List<Metric> newMetrics, List<Dimension> newDimensions, List<Filter> newFilters) {
    return new Query(siteId, newMetrics, dateRange, newDimensions, newFilters, List.of(),
        new Include(false, false, false, null, include.imports()), Pagination.DEFAULT);
  }

  /**
   * Top-level filter conditions that make a goal (event:goal, event:name or event:page), for
   * conversion rate.
   */
  List<Filter> goalFilters() {
    return filters.stream().filter(Query::isGoal).toList();
  }

  static boolean isGoal(Filter f) {
    return f instanceof Filter.Condition c && (c.dimension().isGoal()
        || c.dimension().name().equals("event:name") || c.dimension().name().equals("event:page"));
  }

  /**
   * What a conversion rate divides by leaves out the goal and what narrows conversions further:
   * the goal filters, top-level conditions on custom properties, and the event:goal and
   * event:props:* dimensions (their groups exist only among conversions), as in Plausible.
   */
  static boolean outsideConversionBase(Dimension d) {
    return d.isGoal() || d.kind() == Dimension.Kind.EVENT_PROP;
  }

  /** The filters of a conversion rate's base: without goals and top-level property conditions. */
  List<Filter> conversionBaseFilters() {
    return filters.stream().filter(f -> !isGoal(f)
        && !(f instanceof Filter.Condition c && c.dimension().kind() == Dimension.Kind.EVENT_PROP)).toList();
  }

  /** Top-level event:goal conditions that name goals (all but is_not): which revenue is summed. */
  List<Filter> revenueGoalFilters() {
    return filters.stream().filter(f -> f instanceof Filter.Condition c && c.dimension().isGoal()
        && c.op() != Filter.Op.IS_NOT).toList();
  }

  /** The position of the event:goal dimension, or -1. */
  int goalDimension() {
    for (int i = 0; i < dimensions.size(); i++) {
      if (dimensions.get(i).isGoal()) {
        return i;
      }
    }
    return -1;
  }

  /** True when the answer depends on the site's configured goals. */
  boolean readsGoals() {
    return goalDimension() >= 0 || filters.stream().anyMatch(Query::mentionsGoal);
  }

  static boolean mentionsGoal(Filter f) {
    return switch (f) {
      case Filter.Condition c -> c.dimension().isGoal();
      case Filter.And a -> a.children().stream().anyMatch(Query::mentionsGoal);
      case Filter.Or o -> o.children().stream().anyMatch(Query::mentionsGoal);
      case Filter.Not n -> mentionsGoal(n.child());
    };
  }
}
