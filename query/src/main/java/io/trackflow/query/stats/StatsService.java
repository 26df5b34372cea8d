package io.trackflow.query.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.Funnel;
import io.trackflow.query.account.Goal;
import io.trackflow.query.stats.Query.DateRangeSpec;
import io.trackflow.query.stats.QueryRunner.Raw;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers stats queries for an authorized site: resolves the range in the site's zone, serves
 * from the cache when it can, otherwise runs the query (with totals and comparison) and caches
 * the answer — briefly when the range includes now, for an hour otherwise.
 */
public final class StatsService {

  private static final Logger log = LoggerFactory.getLogger(StatsService.class);

  /** Answers whose range includes now change with every new event. */
  static final Duration LIVE_TTL = Duration.ofSeconds(10);
  /** Answers about the past change only when data is deleted (which invalidates the site). */
  static final Duration PAST_TTL = Duration.ofHours(1);
  static final Duration REALTIME_TTL = Duration.ofSeconds(5);

  /** An answer and whether it came from the cache. */
  public record Answer(Buffer body, boolean cached) {}

  private final QueryRunner runner;
  private final QueryCache cache;
  private final Clock clock;
  private final Counter hits;
  private final Counter misses;

  /** A service using the rollups as the system properties say ({@link RollupOptions#fromSystemProperties()}). */
  public StatsService(EventStore store, QueryCache cache, MeterRegistry registry, Clock clock) {
    this(store, cache, registry, clock, RollupOptions.fromSystemProperties());
  }

  public StatsService(EventStore store, QueryCache cache, MeterRegistry registry, Clock clock, RollupOptions rollups) {
    this.runner = new QueryRunner(store, registry, rollups);
    this.cache = cache;
    this.clock = clock;
    this.hits = Counter.builder("trackflow.query.cache").tag("result", "hit")
        .description("Stats answers served from the query cache, or computed on a miss")
        .register(registry);
    this.misses = Counter.builder("trackflow.query.cache").tag("result", "miss")
        .description("Stats answers served from the query cache, or computed on a miss")
        .register(registry);
  }

  /** Answers a parsed query about the site, whose time zone is given, for a site without goals. */
  public Future<Answer> query(Query query, String site, ZoneId zone) {
    return query(query, site, zone, List.of());
  }

  /** Answers a parsed query about the site, whose time zone and goals are given. */
  public Future<Answer> query(Query query, String site, ZoneId zone, List<Goal> siteGoals) {
    SiteGoals goals = new SiteGoals(siteGoals);
    Instant now = clock.instant();
    return checkedRange(query, site, zone, goals, now).compose(range -> {
      DateRange comparison = Comparisons.of(query, range, now);
      String key = QueryJson.cacheKey(site, query, range, comparison, query.readsGoals() ? goals.normalised() : null);
      Duration ttl = range.includes(now) || (comparison != null && comparison.includes(now))
          ? LIVE_TTL : PAST_TTL;
      return cached(key, () -> compute(query, site, range, goals, comparison).map(json -> json.toBuffer()), ttl);
    });
  }

  /**
   * Visitors reaching each step of a funnel over the request's range, with its filters: steps
   * count in order within one visit. The site's goals are needed for goal filters.
   */
  public Future<Answer> funnel(FunnelQuery request, String site, ZoneId zone, Funnel funnel, List<Goal> siteGoals) {
    SiteGoals goals = new SiteGoals(siteGoals);
    Query query = request.asQuery();
    Instant now = clock.instant();
    return checkedRange(query, site, zone, goals, now).compose(range -> {
      String key = QueryJson.funnelCacheKey(site, request, range, SiteGoals.normalised(funnel.steps()),
          query.readsGoals() ? goals.normalised() : null);
      Duration ttl = range.includes(now) ? LIVE_TTL : PAST_TTL;
      return cached(key, () -> computeFunnel(request, query, site, range, goals, funnel).map(JsonObject::toBuffer), ttl);
    });
  }

  private Future<JsonObject> computeFunnel(FunnelQuery request, Query query, String site, DateRange range,
      SiteGoals goals, Funnel funnel) {
    SqlBuilder sql = runner.sql();
    SqlBuilder.Spec steps = new SqlBuilder.Spec(site, range.fromInstant(), range.toInstant(), range.zone(), List.of(),
        query.filters(), Set.of(), null, goals);
    SqlBuilder.Spec all = new SqlBuilder.Spec(site, range.fromInstant(), range.toInstant(), range.zone(), List.of(),
        query.filters(), Set.of(SqlBuilder.Agg.VISITORS), null, goals);
    Future<List<Long>> reached = runner.store().query(sql.funnel(steps, funnel.steps())).map(r -> {
      List<Long> visitors = new ArrayList<>();
      for (int k = 0; k < funnel.steps().size(); k++) {
        visitors.add(r.rows().isEmpty() ? 0L : QueryRunner.toLong(r.rows().get(0).get(k)));
      }
      return visitors;
    });
    Future<Long> allVisitors = runner.store().query(sql.events(all))
        .map(r -> r.rows().isEmpty() ? 0L : QueryRunner.toLong(r.rows().get(0).get(0)));
    return Future.all(reached, allVisitors).map(done ->
        FunnelAnswer.shape(request, range, funnel.steps(), reached.result(), allVisitors.result()));
  }

  /** Keys listed in answers of {@link #propKeys}: the most frequent first. */
  static final int PROP_KEYS_LIMIT = 100;

  /**
   * The custom property keys of the events a stats query of the same range and filters would
   * count, most frequent first, with their visitors and events: which {@code event:props:<key>}
   * breakdowns have anything to show (e.g. for one goal).
   */
  public Future<Answer> propKeys(Query query, String site, ZoneId zone, List<Goal> siteGoals) {
    SiteGoals goals = new SiteGoals(siteGoals);
    Instant now = clock.instant();
    return checkedRange(query, site, zone, goals, now).compose(range -> {
      JsonObject echo = QueryJson.echo(query, range);
      echo.remove("metrics");
      echo.remove("dimensions");
      echo.remove("order_by");
      echo.remove("include");
      echo.remove("pagination");
      String key = QueryJson.hashed(QueryJson.sitePrefix(site) + "props:", echo.copy()
          .put("goals", query.readsGoals() ? goals.normalised() : null), range);
      Duration ttl = range.includes(now) ? LIVE_TTL : PAST_TTL;
      SqlBuilder.Spec spec = new SqlBuilder.Spec(site, range.fromInstant(), range.toInstant(), range.zone(), List.of(),
          query.filters(), Set.of(), null, goals);
      return cached(key, () -> runner.store().query(runner.sql().propKeys(spec, PROP_KEYS_LIMIT)).map(r -> {
        JsonArray results = new JsonArray();
        for (List<Object> row : r.rows()) {
          results.add(new JsonObject().put("key", String.valueOf(row.get(0)))
              .put("visitors", QueryRunner.toLong(row.get(1))).put("events", QueryRunner.toLong(row.get(2))));
        }
        return new JsonObject().put("results", results).put("query", echo).toBuffer();
      }), ttl);
    });
  }

  /** The query's range at {@code now}, once its goal conditions name goals the site has (else a 400). */
  private Future<DateRange> checkedRange(Query query, String site, ZoneId zone, SiteGoals goals, Instant now) {
    try {
      goals.check(query);
    } catch (HttpFailure e) {
      return Future.failedFuture(e);
    }
    return resolve(query, site, zone, now);
  }

  /** The query's range in the site's zone ({@code all} starts at the site's first event). */
  private Future<DateRange> resolve(Query query, String site, ZoneId zone, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    Future<LocalDate> firstDay = query.dateRange() instanceof DateRangeSpec.Named n && n.name().equals("all")
        ? runner.firstDay(site, zone, today)
        : Future.succeededFuture(today);
    return firstDay.map(first -> DateRange.resolve(query.dateRange(), zone, clock, first));
  }

  /**
   * The site's stats for the query's range and filters as a CSV export, the range resolved in
   * the site's zone as for {@link #query}.
   */
  public Future<CsvExport> export(io.vertx.core.Vertx vertx, Query query, String site, ZoneId zone,
      List<Goal> siteGoals) {
    SiteGoals goals = new SiteGoals(siteGoals);
    return checkedRange(query, site, zone, goals, clock.instant())
        .map(range -> new CsvExport(vertx, runner, query, site, range, goals));
  }

  static final Duration CAPABILITIES_TTL = Duration.ofMinutes(10);

  /**
   * Which optional dimensions the site has data for: {@code visit:region} and {@code visit:city}
   * exist only where a city database is configured (or imports brought them), so the dashboard
   * hides their cards otherwise. Judged from the stored sessions and the imports.
   */
  public Future<Answer> capabilities(String site) {
    return cached(QueryJson.sitePrefix(site) + "capabilities", () -> runner.store()
        .query(runner.sql().places(site))
        .map(r -> {
          List<Object> row = r.rows().isEmpty() ? List.of() : r.rows().get(0);
          boolean regions = !row.isEmpty() && QueryRunner.toLong(row.get(0)) > 0;
          boolean cities = !row.isEmpty() && QueryRunner.toLong(row.get(1)) > 0;
          return new JsonObject().put("dimensions", new JsonObject()
              .put("visit:region", regions).put("visit:city", cities)).toBuffer();
        }), CAPABILITIES_TTL);
  }

  /** Rows of the realtime top pages and top sources. */
  static final int REALTIME_TOP = 10;

  /**
   * Visitors of the last 5 minutes, pageviews of each of the last 30 minutes, and the pages and
   * sources with the most visitors in the last 5 minutes.
   */
  public Future<Answer> realtime(String site, ZoneId zone) {
    return cached(QueryJson.sitePrefix(site) + "realtime", () -> computeRealtime(site, zone), REALTIME_TTL);
  }

  /** Drops every cached answer of a site (its events were deleted or rewritten). */
  public Future<Void> invalidate(String site) {
    return cache.invalidatePrefix(QueryJson.sitePrefix(site));
  }

  private Future<Answer> cached(String key, java.util.function.Supplier<Future<Buffer>> compute, Duration ttl) {
    // A cache that fails is treated as a miss: stats stay available without it.
    return cache.get(key)
        .recover(e -> {
          log.warn("Query cache read failed, computing instead: {}", e.getMessage());
          return Future.succeededFuture();
        })
        .compose(hit -> {
          if (hit != null) {
            hits.increment();
            return Future.succeededFuture(new Answer(hit, true));
          }
          misses.increment();
          return compute.get().compose(body -> cache.put(key, body, ttl)
              .recover(e -> {
                log.warn("Query cache write failed: {}", e.getMessage());
                return Future.succeededFuture();
              })
              .map(v -> new Answer(body, false)));
        });
  }

  private Future<JsonObject> compute(Query query, String site, DateRange range, SiteGoals goals,
      DateRange comparisonRange) {
    Future<Raw> main = runner.run(query, site, range, goals, List.of(), true);
    Future<Raw> totals = query.include().totals()
        ? runner.run(totalsQuery(query), site, range, goals, List.of(), false)
        : Future.succeededFuture(null);
    Future<Raw> comparison;
    if (comparisonRange == null) {
      comparison = Future.succeededFuture(null);
    } else if (runner.pagesInStore(query)) {
      // The store pages the answer: compare only the groups on that page, once they are known.
      comparison = main.compose(m -> runner.run(query, site, comparisonRange, goals, restriction(query, m), false));
    } else {
      comparison = runner.run(query, site, comparisonRange, goals, List.of(), false);
    }
    Future<Long> mismatches = query.has(Metric.TOTAL_REVENUE) || query.has(Metric.AVERAGE_REVENUE)
        ? runner.revenueMismatches(query, site, range, goals)
        : Future.succeededFuture(null);
    return Future.all(main, totals, comparison, mismatches).map(done -> ResultShaper.shape(query, range,
        main.result(), totals.result(), comparisonRange, comparison.result(), mismatches.result()));
  }

  /**
   * The query of {@code meta.totals}: the same without dimensions. A goal breakdown's totals
   * count conversions of any goal (its rows' union), not every event.
   */
  static Query totalsQuery(Query query) {
    List<Filter> filters = new ArrayList<>(query.filters());
    if (query.goalDimension() >= 0) {
      filters.add(new Filter.Condition(Filter.Op.MATCHES, query.dimensions().get(query.goalDimension()),
          List.of("*"), true));
    }
    return query.with(query.metrics(), List.of(), filters);
  }

  /**
   * When the store paged the answer, the comparison only needs the groups on that page: one
   * {@code is} filter per non-time dimension with the values seen.
   */
  private static List<Filter> restriction(Query query, Raw main) {
    return main.pagedInSql() ? QueryRunner.restriction(query, main.rows()) : List.of();
  }

  private Future<Buffer> computeRealtime(String site, ZoneId zone) {
    Instant now = clock.instant();
    long minute = Math.floorDiv(now.toEpochMilli(), 60_000L);
    Instant end = now.plusMillis(1);
    Instant fiveAgo = now.minus(Duration.ofMinutes(5));
    Instant thirtyAgo = Instant.ofEpochMilli((minute - 29) * 60_000L);
    SqlBuilder sql = runner.sql();
    Future<Long> visitors = runner.store().query(sql.realtimeVisitors(site, fiveAgo, end))
        .map(r -> r.rows().isEmpty() ? 0L : QueryRunner.toLong(r.rows().get(0).get(0)));
    Future<Map<Long, Long>> perMinute = runner.store().query(sql.realtimePageviews(site, thirtyAgo, end))
        .map(r -> {
          Map<Long, Long> counts = new HashMap<>();
          r.rows().forEach(row -> counts.put(QueryRunner.toLong(row.get(0)), QueryRunner.toLong(row.get(1))));
          return counts;
        });
    Future<JsonArray> pages = realtimeTop(site, fiveAgo, end, "event:page");
    Future<JsonArray> sources = realtimeTop(site, fiveAgo, end, "visit:source");
    return Future.all(visitors, perMinute, pages, sources).map(done -> {
      JsonArray minutes = new JsonArray();
      for (long m = minute - 29; m <= minute; m++) {
        minutes.add(new JsonObject()
            .put("minute", Instant.ofEpochMilli(m * 60_000L).atZone(zone).toOffsetDateTime().toString())
            .put("pageviews", perMinute.result().getOrDefault(m, 0L)));
      }
      return new JsonObject()
          .put("visitors", visitors.result())
          .put("pageviews_per_minute", minutes)
          .put("top_pages", pages.result())
          .put("top_sources", sources.result())
          .toBuffer();
    });
  }

  private Future<JsonArray> realtimeTop(String site, Instant from, Instant to, String dimension) {
    Dimension d = Dimension.parse(dimension).orElseThrow();
    return runner.store().query(runner.sql().realtimeTop(site, from, to, d, REALTIME_TOP)).map(r -> {
      JsonArray rows = new JsonArray();
      r.rows().forEach(row -> rows.add(new JsonObject().put("value", String.valueOf(row.get(0)))
          .put("visitors", QueryRunner.toLong(row.get(1)))));
      return rows;
    });
  }
}
