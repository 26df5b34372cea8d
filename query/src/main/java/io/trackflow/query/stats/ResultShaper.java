package io.trackflow.query.stats;

import io.trackflow.query.stats.Query.OrderBy;
import io.trackflow.query.stats.QueryRunner.Raw;
import io.trackflow.query.stats.QueryRunner.Row;
import io.trackflow.query.stats.SqlBuilder.Agg;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw aggregates into the API answer: derives each metric (with its rounding), fills empty
 * time buckets, orders and pages (unless the store did), attaches comparisons and builds
 * {@code {results, meta, query}}.
 */
final class ResultShaper {

  private ResultShaper() {}

  /** Time series (one time dimension alone) get every bucket of the range, empty ones as zero. */
  static boolean gapFilled(Query query) {
    return query.dimensions().size() == 1 && query.dimensions().get(0).isTime();
  }

  /** The ordering applied: the requested one or the default, then every dimension ascending. */
  static List<OrderBy> effectiveOrder(Query query) {
    List<OrderBy> order = new ArrayList<>(query.orderBy());
    if (order.isEmpty()) {
      query.timeDimension().ifPresent(t -> order.add(new OrderBy(t.name(), false)));
      order.add(new OrderBy(query.metrics().get(0).apiName(), true));
    }
    for (Dimension d : query.dimensions()) {
      if (order.stream().noneMatch(o -> o.field().equals(d.name()))) {
        order.add(new OrderBy(d.name(), false));
      }
    }
    return order;
  }

  /** One result line before JSON. */
  private record Line(List<String> dimensions, List<Object> metrics) {}

  static JsonObject shape(Query query, DateRange range, Raw main, Raw totals,
      DateRange comparisonRange, Raw comparison, Long revenueMismatches) {
    List<Row> rows = main.rows();
    List<String> labels = query.timeDimension().map(t -> TimeLabels.labels(range, t.grain())).orElse(List.of());
    if (gapFilled(query)) {
      Map<List<String>, Row> byLabel = new HashMap<>();
      rows.forEach(r -> byLabel.put(r.dimensions(), r));
      rows = labels.stream()
          .map(l -> byLabel.getOrDefault(List.of(l), new Row(List.of(l), new EnumMap<>(Agg.class))))
          .toList();
    }
    List<Line> lines = new ArrayList<>(rows.size());
    for (Row row : rows) {
      lines.add(new Line(row.dimensions(), metrics(query, row, main)));
    }
    long totalRows;
    if (main.pagedInSql()) {
      totalRows = main.totalRows() == null ? lines.size() : main.totalRows();
    } else {
      lines.sort(comparator(query));
      totalRows = lines.size();
      int from = Math.min(query.pagination().offset(), lines.size());
      int to = (int) Math.min((long) from + query.pagination().limit(), lines.size());
      lines = new ArrayList<>(lines.subList(from, to));
    }

    int timeIndex = timeIndex(query);
    Map<List<String>, Row> comparisonRows = new HashMap<>();
    List<String> comparisonLabels = List.of();
    if (comparison != null) {
      comparisonLabels = query.timeDimension()
          .map(t -> TimeLabels.labels(comparisonRange, t.grain())).orElse(List.of());
      for (Row r : comparison.rows()) {
        comparisonRows.put(alignKey(r.dimensions(), timeIndex, comparisonLabels), r);
      }
    }

    JsonArray results = new JsonArray();
    for (Line line : lines) {
      JsonObject result = new JsonObject()
          .put("dimensions", new JsonArray(new ArrayList<>(line.dimensions())))
          .put("metrics", new JsonArray(new ArrayList<>(line.metrics())));
      if (comparison != null) {
        List<String> key = alignKey(line.dimensions(), timeIndex, labels);
        Row other = comparisonRows.get(key);
        List<String> otherDims = new ArrayList<>(line.dimensions());
        if (timeIndex >= 0) {
          int position = Integer.parseInt(key.get(timeIndex));
          otherDims.set(timeIndex, position >= 0 && position < comparisonLabels.size()
              ? comparisonLabels.get(position) : null);
        }
        if (other == null) {
          other = new Row(otherDims, new EnumMap<>(Agg.class));
        }
        List<Object> otherMetrics = metrics(query, other, comparison);
        result.put("comparison", new JsonObject()
            .put("dimensions", new JsonArray(otherDims))
            .put("metrics", new JsonArray(new ArrayList<>(otherMetrics)))
            .put("change", new JsonArray(change(query, line.metrics(), otherMetrics))));
      }
      results.add(result);
    }

    JsonObject meta = new JsonObject();
    if (query.include().timeLabels()) {
      meta.put("time_labels", new JsonArray(new ArrayList<>(labels)));
    }
    if (query.include().totalRows()) {
      meta.put("total_rows", totalRows);
    }
    if (totals != null) {
      Row row = totals.rows().isEmpty() ? new Row(List.of(), new EnumMap<>(Agg.class)) : totals.rows().get(0);
      List<Object> values = metrics(StatsService.totalsQuery(query), row, totals);
      JsonObject t = new JsonObject();
      for (int i = 0; i < query.metrics().size(); i++) {
        t.put(query.metrics().get(i).apiName(), values.get(i));
      }
      meta.put("totals", t);
    }
    if (query.include().imports()) {
      meta.put("imports_included", main.importsIncluded());
      if (main.importsSkipped() != null) {
        meta.put("imports_warning", "imported data is not included: " + main.importsSkipped());
      }
    }
    if (revenueMismatches != null) {
      meta.put("revenue_excluded_events", revenueMismatches);
    }
    if (comparisonRange != null) {
      String[] echo = comparisonRange.echo();
      meta.put("comparison_date_range", new JsonArray().add(echo[0]).add(echo[1]));
    }
    return new JsonObject()
        .put("results", results)
        .put("meta", meta)
        .put("query", QueryJson.echo(query, range));
  }

  /** Key that matches a group with its comparison: time labels become their position. */
  private static List<String> alignKey(List<String> dims, int timeIndex, List<String> labels) {
    if (timeIndex < 0) {
      return dims;
    }
    List<String> key = new ArrayList<>(dims);
    key.set(timeIndex, Integer.toString(labels.indexOf(dims.get(timeIndex))));
    return key;
  }

  private static int timeIndex(Query query) {
    for (int i = 0; i < query.dimensions().size(); i++) {
      if (query.dimensions().get(i).isTime()) {
        return i;
      }
    }
    return -1;
  }

  /** The metric values of one group, in the query's order. */
  static List<Object> metrics(Query query, Row row, Raw raw) {
    List<Object> values = new ArrayList<>(query.metrics().size());
    for (Metric m : query.metrics()) {
      values.add(switch (m) {
        case VISITORS -> row.get(Agg.VISITORS);
        case VISITS -> row.get(Agg.VISITS);
        case PAGEVIEWS -> row.get(Agg.PAGEVIEWS);
        case EVENTS -> row.get(Agg.EVENTS);
        case BOUNCE_RATE -> ratio(100L * row.get(Agg.BOUNCES), row.get(Agg.SESSIONS), 0).longValue();
        case VISIT_DURATION -> ratio(row.get(Agg.DURATION_MS), 1000L * row.get(Agg.SESSIONS), 0).longValue();
        case VIEWS_PER_VISIT -> ratio(row.get(Agg.SESSION_PAGEVIEWS), row.get(Agg.SESSIONS), 2).doubleValue();
        case PERCENTAGE -> ratio(100L * row.get(Agg.VISITORS),
            raw.totalVisitors() == null ? 0 : raw.totalVisitors(), 1).doubleValue();
        case TOTAL_REVENUE, AVERAGE_REVENUE -> Revenue.money(
            raw.revenue() == null ? null : raw.revenue().currencyOf(query, row.dimensions()),
            row.exact(Agg.REVENUE_MICROS), row.get(Agg.REVENUE_EVENTS), m == Metric.AVERAGE_REVENUE);
        case SCROLL_DEPTH -> row.get(Agg.ENGAGED_VISITS) == 0 ? null
            : ratio(row.get(Agg.SCROLL_SUM), row.get(Agg.ENGAGED_VISITS), 0).longValue();
        case TIME_ON_PAGE -> row.get(Agg.ENGAGED_VISITS) == 0 ? null
            : ratio(row.get(Agg.ENGAGED_MS), 1000L * row.get(Agg.ENGAGED_VISITS), 0).longValue();
        case CONVERSION_RATE -> ratio(100L * row.get(Agg.VISITORS),
            raw.goalBase() == null ? 0 : raw.goalBase().getOrDefault(withoutGoal(query, row.dimensions()), 0L), 2)
            .doubleValue();
      });
    }
    return values;
  }

  /**
   * A group's dimension values without its goal's and properties', which is how conversion rate
   * bases are keyed.
   */
  private static List<String> withoutGoal(Query query, List<String> dimensions) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < dimensions.size(); i++) {
      if (!Query.outsideConversionBase(query.dimensions().get(i))) {
        rest.add(dimensions.get(i));
      }
    }
    return rest;
  }

  /** numerator / denominator rounded half-up to the scale; zero when the denominator is. */
  static BigDecimal ratio(long numerator, long denominator, int scale) {
    if (denominator == 0) {
      return BigDecimal.ZERO.setScale(scale);
    }
    return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), scale, RoundingMode.HALF_UP);
  }

  /**
   * Change against the comparison: the difference for rates given in percent (bounce rate,
   * percentage, conversion rate), the relative change in whole percent for the others; null
   * when either value is (no engagement measured).
   */
  private static List<Object> change(Query query, List<Object> current, List<Object> previous) {
    List<Object> change = new ArrayList<>();
    for (int i = 0; i < query.metrics().size(); i++) {
      Metric m = query.metrics().get(i);
      if (current.get(i) == null || previous.get(i) == null) {
        change.add(null);
        continue;
      }
      BigDecimal cur = Revenue.amount(current.get(i));
      BigDecimal prev = Revenue.amount(previous.get(i));
      switch (m) {
        case BOUNCE_RATE -> change.add(cur.subtract(prev).longValue());
        case PERCENTAGE, CONVERSION_RATE -> change.add(cur.subtract(prev).doubleValue());
        default -> {
          if (prev.signum() == 0) {
            change.add(cur.signum() == 0 ? 0L : 100L);
          } else {
            change.add(cur.subtract(prev).multiply(BigDecimal.valueOf(100))
                .divide(prev, 0, RoundingMode.HALF_UP).longValue());
          }
        }
      }
    }
    return change;
  }

  private static Comparator<Line> comparator(Query query) {
    Comparator<Line> result = null;
    for (OrderBy o : effectiveOrder(query)) {
      Comparator<Line> c = fieldComparator(query, o.field());
      if (o.descending()) {
        c = c.reversed();
      }
      result = result == null ? c : result.thenComparing(c);
    }
    return result;
  }

  private static Comparator<Line> fieldComparator(Query query, String field) {
    for (int i = 0; i < query.dimensions().size(); i++) {
      if (query.dimensions().get(i).name().equals(field)) {
        int index = i;
        return (a, b) -> compareCodePoints(a.dimensions().get(index), b.dimensions().get(index));
      }
    }
    for (int i = 0; i < query.metrics().size(); i++) {
      if (query.metrics().get(i).apiName().equals(field)) {
        int index = i;
        // A value not measured (null) orders below every number.
        return Comparator.comparing(l -> l.metrics().get(index) == null ? null
            : Revenue.amount(l.metrics().get(index)), Comparator.nullsFirst(Comparator.naturalOrder()));
      }
    }
    throw new IllegalArgumentException("cannot order by " + field);
  }

  /** Code point order, which is the byte order of UTF-8 that both stores sort strings by. */
  static int compareCodePoints(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
