package io.trackflow.query.stats;

import java.util.List;

/**
 * A validated funnel request: a site's funnel by name over a date range, with stats filters.
 * Produced only by {@link QueryParser#parseFunnel}.
 */
public record FunnelQuery(String siteId, String funnel, Query.DateRangeSpec dateRange, List<Filter> filters) {

  public FunnelQuery {
    filters = List.copyOf(filters);
  }

  /** The same range and filters as a stats query, to reuse its range, filter and SQL machinery. */
  Query asQuery() {
    return new Query(siteId, List.of(Metric.VISITORS), dateRange, List.of(), filters, List.of(),
        Query.Include.NONE, Query.Pagination.DEFAULT);
  }
}
