package io.trackflow.query.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Funnel;
import io.trackflow.query.account.Goal;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.auth.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats endpoints: {@code POST /api/v2/query} (Plausible Stats API v2 shape),
 * {@code POST /api/v2/funnel}, {@code POST /api/v2/props}, {@code GET /api/sites/{domain}/realtime},
 * {@code …/export} (CSV) and {@code …/capabilities}. Each authorizes the site for reading, then answers
 * from {@link StatsService}.
 */
public final class StatsRoutes implements HttpRoutes {

  private static final Logger log = LoggerFactory.getLogger(StatsRoutes.class);
  static final int MAX_BODY = 64 * 1024;

  /** Authorizes reading a site's stats; {@link AccessControl} in production. */
  @FunctionalInterface
  interface SiteAuthorizer {
    Future<SiteAccess> authorize(RoutingContext ctx, String domain);
  }

  /** A site's configured goals; the account store in production. */
  @FunctionalInterface
  interface GoalSource {
    Future<List<Goal>> goals(String domain);
  }

  /** A site's configured funnels; the account store in production. */
  @FunctionalInterface
  interface FunnelSource {
    Future<List<Funnel>> funnels(String domain);
  }

  private final StatsService service;
  private final SiteAuthorizer authorizer;
  private final GoalSource goals;
  private final FunnelSource funnels;
  private final QueryParser parser = new QueryParser();
  private final MeterRegistry registry;

  public StatsRoutes(EventStore store, QueryCache cache, AccessControl access, AccountStore accounts,
      MeterRegistry registry, Clock clock, RollupOptions rollups) {
    this(new StatsService(store, cache, registry, clock, rollups),
        (ctx, domain) -> access.authorizeSite(ctx, domain, Permission.READ), accounts::goals, accounts::funnels,
        registry);
  }

  StatsRoutes(StatsService service, SiteAuthorizer authorizer, GoalSource goals, FunnelSource funnels,
      MeterRegistry registry) {
    this.service = service;
    this.authorizer = authorizer;
    this.goals = goals;
    this.funnels = funnels;
    this.registry = registry;
  }

  /** The service behind the routes, e.g. to invalidate a deleted site's cached answers. */
  public StatsService service() {
    return service;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.post("/api/v2/query")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(this::query);
    router.get("/api/sites/:domain/realtime").handler(this::realtime);
    router.post("/api/v2/funnel")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(this::funnel);
    router.post("/api/v2/props")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(this::propKeys);
    router.get("/api/sites/:domain/export").handler(ctx -> export(vertx, ctx));
    router.get("/api/sites/:domain/capabilities").handler(this::capabilities);
  }

  private void capabilities(RoutingContext ctx) {
    authorizer.authorize(ctx, ctx.pathParam("domain"))
        .compose(access -> service.capabilities(access.domain()).recover(StatsRoutes::unavailable))
        .onSuccess(answer -> respond(ctx, answer))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /api/sites/{domain}/export?date_range=…&filters=…}: the stats API's range (a
   * named one, or {@code from,to}) and filters (URL-encoded JSON), answered with a zip of CSV
   * files streamed as it is written. A failure after the first bytes cuts the connection, so a
   * partial zip is never taken for a whole one.
   */
  private void export(Vertx vertx, RoutingContext ctx) {
    String domain = ctx.pathParam("domain");
    Query query;
    try {
      query = parser.parse(exportQuery(domain, ctx.queryParam("date_range"), ctx.queryParam("filters")));
    } catch (HttpFailure e) {
      rejected("invalid_export");
      ctx.fail(e);
      return;
    }
    authorizer.authorize(ctx, domain)
        .compose(access -> goalsOf(query, access.domain())
            .compose(siteGoals -> service.export(vertx, query, access.domain(), zone(access), siteGoals))
            .recover(StatsRoutes::unavailable))
        .onSuccess(export -> {
          HttpServerResponse response = ctx.response().setChunked(true)
              .putHeader("content-type", "application/zip")
              .putHeader("content-disposition", "attachment; filename=\"" + export.archiveName() + "\"");
          export.writeTo(bytes -> bytes.length() == 0 ? Future.succeededFuture() : response.write(bytes))
              .onSuccess(v -> response.end())
              .onFailure(e -> {
                log.error("Export of {} failed after it started; cutting the download", domain, e);
                if (response.headWritten()) {
                  response.reset();
                } else {
                  ctx.fail(new HttpFailure(503, "store_unavailable", "the event store could not answer; try again shortly"));
                }
              });
        })
        .onFailure(ctx::fail);
  }

  /** The query an export's parameters describe, validated like a stats query body. */
  static JsonObject exportQuery(String domain, List<String> dateRange, List<String> filters) {
    JsonObject body = new JsonObject().put("site_id", domain).put("metrics", new JsonArray().add("visitors"));
    String range = dateRange.isEmpty() ? "30d" : dateRange.get(0);
    if (range.contains(",")) {
      String[] parts = range.split(",", -1);
      body.put("date_range", parts.length == 2 ? new JsonArray().add(parts[0].trim()).add(parts[1].trim()) : range);
    } else if (range.startsWith("[")) {
      body.put("date_range", json(range, "date_range"));
    } else {
      body.put("date_range", range);
    }
    if (!filters.isEmpty() && !filters.get(0).isBlank()) {
      body.put("filters", json(filters.get(0), "filters"));
    }
    return body;
  }

  private static Object json(String text, String field) {
    try {
      return io.vertx.core.json.Json.decodeValue(text);
    } catch (io.vertx.core.json.DecodeException e) {
      throw QueryParser.invalid(field, "not valid JSON");
    }
  }

  /** What a query route answers once the query is parsed and the site authorized. */
  @FunctionalInterface
  private interface QueryAnswer {
    Future<StatsService.Answer> answer(Query query, String domain, ZoneId zone, List<Goal> siteGoals);
  }

  private void propKeys(RoutingContext ctx) {
    answerQuery(ctx, parser::parsePropKeys, service::propKeys);
  }

  private void query(RoutingContext ctx) {
    answerQuery(ctx, parser::parse, service::query);
  }

  /** Parses the body (a 400, counted, when it is no query), authorizes its site, then answers. */
  private void answerQuery(RoutingContext ctx, Function<Buffer, Query> parse, QueryAnswer answer) {
    Query query;
    try {
      query = parse.apply(ctx.body().buffer());
    } catch (HttpFailure e) {
      rejected("invalid_query");
      ctx.fail(e);
      return;
    }
    authorizer.authorize(ctx, query.siteId())
        .compose(access -> goalsOf(query, access.domain())
            .compose(siteGoals -> answer.answer(query, access.domain(), zone(access), siteGoals))
            .recover(StatsRoutes::unavailable))
        .onSuccess(result -> respond(ctx, result))
        .onFailure(ctx::fail);
  }

  private void funnel(RoutingContext ctx) {
    FunnelQuery request;
    try {
      request = parser.parseFunnel(ctx.body().buffer());
    } catch (HttpFailure e) {
      rejected("invalid_query");
      ctx.fail(e);
      return;
    }
    authorizer.authorize(ctx, request.siteId())
        .compose(access -> funnels.funnels(access.domain()).compose(all -> {
          Funnel funnel = all.stream().filter(f -> f.name().equals(request.funnel())).findFirst().orElse(null);
          if (funnel == null) {
            return Future.failedFuture(new HttpFailure(404, "funnel_not_found", "the site has no funnel named '"
                + request.funnel() + "'; funnels are configured in the site's settings"));
          }
          return goalsOf(request.asQuery(), access.domain())
              .compose(siteGoals -> service.funnel(request, access.domain(), zone(access), funnel, siteGoals));
        }).recover(StatsRoutes::unavailable))
        .onSuccess(answer -> respond(ctx, answer))
        .onFailure(ctx::fail);
  }

  private void realtime(RoutingContext ctx) {
    authorizer.authorize(ctx, ctx.pathParam("domain"))
        .compose(access -> service.realtime(access.domain(), zone(access)).recover(StatsRoutes::unavailable))
        .onSuccess(answer -> respond(ctx, answer))
        .onFailure(ctx::fail);
  }

  /** The site's goals when the answer depends on them; no account store round trip otherwise. */
  private Future<List<Goal>> goalsOf(Query query, String domain) {
    return query.readsGoals() ? goals.goals(domain) : Future.succeededFuture(List.of());
  }

  private static void respond(RoutingContext ctx, StatsService.Answer answer) {
    ctx.response()
        .putHeader("content-type", "application/json")
        .putHeader("x-trackflow-cache", answer.cached() ? "hit" : "miss")
        .end(answer.body());
  }

  private static ZoneId zone(SiteAccess access) {
    try {
      return ZoneId.of(access.timezone());
    } catch (DateTimeException | NullPointerException e) {
      // Sites are validated when saved; an unknown zone here falls back rather than failing reads.
      log.warn("Site {} has an unknown time zone '{}', using UTC", access.domain(), access.timezone());
      return ZoneOffset.UTC;
    }
  }

  private static <T> Future<T> unavailable(Throwable e) {
    if (e instanceof HttpFailure) {
      return Future.failedFuture(e);
    }
    log.error("Stats query failed in the event store", e);
    return Future.failedFuture(new HttpFailure(503, "store_unavailable",
        "the event store could not answer; try again shortly"));
  }

  private void rejected(String reason) {
    Counter.builder("trackflow.query.rejected")
        .description("Stats requests refused before reaching the store, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
