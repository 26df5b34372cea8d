package io.trackflow.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.BoundedWorker;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.AuthRoutes;
import io.trackflow.query.auth.ClientAddress;
import io.trackflow.query.auth.LoginRateLimiter;
import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.auth.TokenService;
import io.trackflow.query.goal.GoalsRoutes;
import io.trackflow.query.site.ApiSupport;
import io.trackflow.query.site.KeysRoutes;
import io.trackflow.query.site.SiteDeletion;
import io.trackflow.query.site.SitesRoutes;
import io.trackflow.query.site.UsersRoutes;
import io.trackflow.query.stats.StatsRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The query role's parts put together: auth, the account and sites API, the stats API, the
 * OpenAPI document and the dashboard, in the order they must be mounted. The role provider builds
 * it from configuration; tests build it directly.
 */
public final class QueryAssembly {

  /** Tunables of the query role. */
  public record Options(
      String jwtSecret,
      Duration accessTokenTtl,
      Duration refreshTokenTtl,
      int bcryptCost,
      int loginLimitPerIp,
      int loginLimitPerAccount,
      Duration loginWindow,
      List<String> trustedProxies,
      Duration deletedSiteSweep) {

    public Options {
      trustedProxies = List.copyOf(trustedProxies);
    }

    /** Production defaults around the given key. */
    public static Options defaults(String jwtSecret) {
      return new Options(jwtSecret, Duration.ofMinutes(15), Duration.ofDays(30), 11, 30, 10,
          Duration.ofMinutes(15), List.of(), Duration.ofSeconds(60));
    }
  }

  private final AccountStore store;
  private final BoundedWorker hashing;
  private final TokenService tokens;
  private final AccessControl access;
  private final PasswordHasher hasher;
  private final List<HttpRoutes> routes;
  private final StatsRoutes stats;

  public QueryAssembly(Vertx vertx, MeterRegistry registry, AccountStore store, Optional<EventStore> events,
      QueryCache cache, AttemptLimiter attempts, Options options, Clock clock) {
    this.store = store;
    this.hashing = new BoundedWorker(vertx, "password-hashing", 2, 64, registry);
    this.hasher = new PasswordHasher(hashing, options.bcryptCost());
    this.tokens = new TokenService(vertx, options.jwtSecret(), options.accessTokenTtl(), clock);
    this.access = new AccessControl(store, tokens, registry);
    LoginRateLimiter limiter = new LoginRateLimiter(attempts, options.loginLimitPerIp(),
        options.loginLimitPerAccount(), options.loginWindow());
    AuthRoutes auth = new AuthRoutes(store, tokens, hasher, limiter, new ClientAddress(options.trustedProxies()),
        access, registry, options.refreshTokenTtl(), clock);
    this.stats = events.map(e -> new StatsRoutes(e, cache, access, store, registry, clock)).orElse(null);
    SiteDeletion deletion = new SiteDeletion(vertx, store, events,
        domain -> stats == null ? cache.invalidatePrefix("stats:") : stats.service().invalidate(domain),
        options.deletedSiteSweep());
    SitesRoutes sites = new SitesRoutes(store, access, hasher, deletion);
    KeysRoutes keys = new KeysRoutes(store, access);
    UsersRoutes users = new UsersRoutes(store, access, hasher);
    OpenApiRoutes openApi = new OpenApiRoutes();

    List<HttpRoutes> all = new ArrayList<>();
    // Body, metrics and authentication first: every /api route below relies on them.
    all.add((v, router) -> {
      ApiSupport.mountCommon(router, registry);
      router.route("/api/*").handler(access.handler());
      auth.mount(router);
      users.mount(router);
      keys.mount(router);
    });
    if (stats != null) {
      // Before the sites routes: /api/sites/:domain/realtime must not be taken for a site path.
      all.add(stats);
    }
    all.add((v, router) -> sites.mount(router));
    all.add(new GoalsRoutes(store, access));
    all.add(openApi);
    all.add(new DashboardRoutes());
    this.routes = List.copyOf(all);
  }

  public List<HttpRoutes> routes() {
    return routes;
  }

  public AccessControl access() {
    return access;
  }

  public TokenService tokens() {
    return tokens;
  }

  public PasswordHasher hasher() {
    return hasher;
  }

  public AccountStore store() {
    return store;
  }

  public boolean servesStats() {
    return stats != null;
  }

  public Future<Void> close() {
    return hashing.close();
  }
}
