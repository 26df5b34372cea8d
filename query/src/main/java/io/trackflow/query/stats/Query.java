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
   */
  public record Include(boolean timeLabels, boolean totalRows, boolean totals, ComparisonMode comparison,
      DateRangeSpec.Dates comparisonDates) {
    public static final Include NONE = new Include(false, false, false, null);

    public Include(boolean timeLabels, boolean totalRows, boolean totals, ComparisonMode comparison) {
      this(timeLabels, totalRows, totals, comparison, null);
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

  /** The same query with other metrics, dimensions and filters (used to plan helper queries). */
  Query with(List<Metric> newMetrics, List<Dimension> newDimensions, List<Filter> newFilters) {
    return new Query(siteId, newMetrics, dateRange, newDimensions, newFilters, List.of(),
        Include.NONE, Pagination.DEFAULT);
  }

  /** Top-level filter conditions that make a goal (event:name or event:page), for conversion rate. */
  List<Filter> goalFilters() {
    return filters.stream().filter(Query::isGoal).toList();
  }

  static boolean isGoal(Filter f) {
    return f instanceof Filter.Condition c
        && (c.dimension().name().equals("event:name") || c.dimension().name().equals("event:page"));
  }
}
