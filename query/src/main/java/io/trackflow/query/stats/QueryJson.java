package io.trackflow.query.stats;

import io.trackflow.query.stats.Query.OrderBy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The normalised form of a query: echoed in answers and hashed into cache keys, so that two
 * requests meaning the same thing (field order, defaults spelled out or not, "7d" on the same
 * day) share one cache entry.
 */
final class QueryJson {

  /** Bumped when the answer format or a metric's definition changes, so old entries are ignored. */
  static final String VERSION = "v1";

  private QueryJson() {}

  static JsonObject echo(Query query, DateRange range) {
    String[] dates = range.echo();
    JsonArray metrics = new JsonArray();
    query.metrics().forEach(m -> metrics.add(m.apiName()));
    JsonArray dimensions = new JsonArray();
    query.dimensions().forEach(d -> dimensions.add(d.name()));
    JsonArray filters = new JsonArray();
    query.filters().forEach(f -> filters.add(filter(f)));
    JsonArray orderBy = new JsonArray();
    for (OrderBy o : ResultShaper.effectiveOrder(query)) {
      orderBy.add(new JsonArray().add(o.field()).add(o.descending() ? "desc" : "asc"));
    }
    JsonObject include = new JsonObject()
        .put("time_labels", query.include().timeLabels())
        .put("total_rows", query.include().totalRows())
        .put("totals", query.include().totals());
    query.include().comparisonMode().ifPresent(c -> {
      JsonObject comparisons = new JsonObject().put("mode", c.apiName());
      if (query.include().comparisonDates() != null) {
        comparisons.put("date_range", new JsonArray().add(query.include().comparisonDates().from().toString())
            .add(query.include().comparisonDates().to().toString()));
      }
      include.put("comparisons", comparisons);
    });
    if (query.include().imports()) {
      include.put("imports", true);
    }
    return new JsonObject()
        .put("site_id", query.siteId())
        .put("metrics", metrics)
        .put("date_range", new JsonArray().add(dates[0]).add(dates[1]))
        .put("dimensions", dimensions)
        .put("filters", filters)
        .put("order_by", orderBy)
        .put("include", include)
        .put("pagination", new JsonObject()
            .put("limit", query.pagination().limit())
            .put("offset", query.pagination().offset()));
  }

  static JsonArray filter(Filter f) {
    return switch (f) {
      case Filter.Condition c -> {
        JsonArray a = new JsonArray().add(c.op().apiName()).add(c.dimension().name())
            .add(new JsonArray(new java.util.ArrayList<>(c.values())));
        if (!c.caseSensitive()) {
          a.add(new JsonObject().put("case_sensitive", false));
        }
        yield a;
      }
      case Filter.And and -> new JsonArray().add("and").add(children(and.children()));
      case Filter.Or or -> new JsonArray().add("or").add(children(or.children()));
      case Filter.Not not -> new JsonArray().add("not").add(filter(not.child()));
    };
  }

  private static JsonArray children(java.util.List<Filter> children) {
    JsonArray a = new JsonArray();
    children.forEach(c -> a.add(filter(c)));
    return a;
  }

  /** Prefix of every cache entry of a site, for invalidation when its data changes. */
  static String sitePrefix(String site) {
    return "stats:" + VERSION + ":" + site + ":";
  }

  /**
   * Cache key: the site, then a SHA-256 of the normalised query with its resolved instants and
   * zone (a relative range on another day is another key), those of the compared range (a
   * running period's comparison grows by the minute) and, when it reads them, the site's goals
   * as they were.
   */
  static String cacheKey(String site, Query query, DateRange range, DateRange comparison, JsonArray goals) {
    JsonObject normalised = echo(query, range);
    if (comparison != null) {
      normalised.put("comparison_from_ms", comparison.fromInstant().toEpochMilli())
          .put("comparison_to_ms", comparison.toInstant().toEpochMilli());
    }
    if (goals != null) {
      normalised.put("goals", goals);
    }
    return hashed(sitePrefix(site), normalised, range);
  }

  /** A funnel request as answers echo it: site, funnel name, the resolved range, filters. */
  static JsonObject echo(FunnelQuery query, DateRange range) {
    String[] dates = range.echo();
    JsonArray filters = new JsonArray();
    query.filters().forEach(f -> filters.add(filter(f)));
    return new JsonObject()
        .put("site_id", query.siteId())
        .put("funnel", query.funnel())
        .put("date_range", new JsonArray().add(dates[0]).add(dates[1]))
        .put("filters", filters);
  }

  /**
   * Cache key of a funnel answer: like a query's, with the funnel's steps as they were (a
   * changed goal is another answer) and, when filters read goals, the site's goals.
   */
  static String funnelCacheKey(String site, FunnelQuery query, DateRange range, JsonArray steps, JsonArray goals) {
    JsonObject normalised = echo(query, range).put("steps", steps);
    if (goals != null) {
      normalised.put("goals", goals);
    }
    return hashed(sitePrefix(site) + "funnel:", normalised, range);
  }

  /** A cache key under the prefix for a normalised request over the resolved range. */
  static String hashed(String prefix, JsonObject normalised, DateRange range) {
    normalised
        .put("zone", range.zone().getId())
        .put("from_ms", range.fromInstant().toEpochMilli())
        .put("to_ms", range.toInstant().toEpochMilli())
        .remove("site_id");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(normalised.encode().getBytes(StandardCharsets.UTF_8));
      return prefix + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
