package io.trackflow.query.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.store.EventStore;
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
import java.util.LinkedHashSet;
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

  public StatsService(EventStore store, QueryCache cache, MeterRegistry registry, Clock clock) {
    this.runner = new QueryRunner(store, registry);
    this.cache = cache;
    this.clock = clock;
    this.hits = Counter.builder("trackflow.query.cache").tag("result", "hit")
        .description("Stats answers served from the query cache, or computed on a miss")
        .register(registry);
    this.misses = Counter.builder("trackflow.query.cache").tag("result", "miss")
        .description("Stats answers served from the query cache, or computed on a miss")
        .register(registry);
  }

  /** Answers a parsed query about the site, whose time zone is given. */
  public Future<Answer> query(Query query, String site, ZoneId zone) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, zone);
    Future<LocalDate> firstDay = query.dateRange() instanceof DateRangeSpec.Named n && n.name().equals("all")
        ? runner.firstDay(site, zone, today)
        : Future.succeededFuture(today);
    return firstDay.compose(first -> {
      DateRange range = DateRange.resolve(query.dateRange(), zone, clock, first);
      DateRange comparison = Comparisons.of(query, range, now);
      String key = QueryJson.cacheKey(site, query, range, comparison);
      Duration ttl = range.includes(now) || (comparison != null && comparison.includes(now))
          ? LIVE_TTL : PAST_TTL;
      return cached(key, () -> compute(query, site, range, comparison).map(json -> json.toBuffer()), ttl);
    });
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

  private Future<JsonObject> compute(Query query, String site, DateRange range, DateRange comparisonRange) {
    Future<Raw> main = runner.run(query, site, range, List.of(), true);
    Future<Raw> totals = query.include().totals()
        ? runner.run(query.with(query.metrics(), List.of(), query.filters()), site, range, List.of(), false)
        : Future.succeededFuture(null);
    Future<Raw> comparison;
    if (comparisonRange == null) {
      comparison = Future.succeededFuture(null);
    } else if (runner.pagesInStore(query)) {
      // The store pages the answer: compare only the groups on that page, once they are known.
      comparison = main.compose(m -> runner.run(query, site, comparisonRange, restriction(query, m), false));
    } else {
      comparison = runner.run(query, site, comparisonRange, List.of(), false);
    }
    return Future.all(main, totals, comparison).map(done -> ResultShaper.shape(query, range,
        main.result(), totals.result(), comparisonRange, comparison.result()));
  }

  /**
   * When the store paged the answer, the comparison only needs the groups on that page: one
   * {@code is} filter per non-time dimension with the values seen.
   */
  private static List<Filter> restriction(Query query, Raw main) {
    List<Filter> restriction = new ArrayList<>();
    if (!main.pagedInSql()) {
      return restriction;
    }
    for (int i = 0; i < query.dimensions().size(); i++) {
      Dimension d = query.dimensions().get(i);
      if (d.isTime()) {
        continue;
      }
      Set<String> values = new LinkedHashSet<>();
      for (QueryRunner.Row row : main.rows()) {
        values.add(row.dimensions().get(i));
      }
      if (values.isEmpty()) {
        values.add("");
      }
      restriction.add(new Filter.Condition(Filter.Op.IS, d, List.copyOf(values), true));
    }
    return restriction;
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
