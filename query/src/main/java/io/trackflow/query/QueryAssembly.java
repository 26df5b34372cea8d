package io.trackflow.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.BoundedWorker;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.AccountRoutes;
import io.trackflow.query.auth.AuthRoutes;
import io.trackflow.query.auth.ClientAddress;
import io.trackflow.query.auth.LoginRateLimiter;
import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.auth.SessionIssuer;
import io.trackflow.query.auth.SetupRoutes;
import io.trackflow.query.auth.TokenService;
import io.trackflow.query.data.Imports;
import io.trackflow.query.data.ImportsRoutes;
import io.trackflow.query.data.RetentionJob;
import io.trackflow.query.goal.GoalsRoutes;
import io.trackflow.query.site.ApiSupport;
import io.trackflow.query.site.InvitationRoutes;
import io.trackflow.query.site.ShareLinksRoutes;
import io.trackflow.query.site.TeamRoutes;
import io.trackflow.query.site.KeysRoutes;
import io.trackflow.query.site.SiteDeletion;
import io.trackflow.query.site.SitesRoutes;
import io.trackflow.query.site.UsersRoutes;
import io.trackflow.query.stats.RollupOptions;
import io.trackflow.query.stats.StatsRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
      Duration deletedSiteSweep,
      RollupOptions rollups) {

    public Options {
      trustedProxies = List.copyOf(trustedProxies);
    }

    /** Options with the stats' default use of the rollups. */
    public Options(String jwtSecret, Duration accessTokenTtl, Duration refreshTokenTtl, int bcryptCost,
        int loginLimitPerIp, int loginLimitPerAccount, Duration loginWindow, List<String> trustedProxies,
        Duration deletedSiteSweep) {
      this(jwtSecret, accessTokenTtl, refreshTokenTtl, bcryptCost, loginLimitPerIp, loginLimitPerAccount, loginWindow,
          trustedProxies, deletedSiteSweep, RollupOptions.DEFAULT);
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
  private final SetupRoutes setup;
  private final RetentionJob retention;

  public QueryAssembly(Vertx vertx, MeterRegistry registry, AccountStore store, Optional<EventStore> events,
      QueryCache cache, AttemptLimiter attempts, Options options, Clock clock) {
    this.store = store;
    this.hashing = new BoundedWorker(vertx, "password-hashing", 2, 64, registry);
    this.hasher = new PasswordHasher(hashing, options.bcryptCost());
    this.tokens = new TokenService(vertx, options.jwtSecret(), options.accessTokenTtl(), clock);
    this.access = new AccessControl(store, tokens, registry);
    LoginRateLimiter limiter = new LoginRateLimiter(attempts, options.loginLimitPerIp(),
        options.loginLimitPerAccount(), options.loginWindow());
    ClientAddress clientAddress = new ClientAddress(options.trustedProxies());
    SessionIssuer sessions = new SessionIssuer(store, tokens, options.refreshTokenTtl(), clock);
    AuthRoutes auth = new AuthRoutes(store, sessions, hasher, limiter, clientAddress, access, registry, clock);
    this.setup = new SetupRoutes(store, hasher, sessions, options.jwtSecret());
    AccountRoutes account = new AccountRoutes(store, access, hasher, sessions, limiter, clientAddress, clock);
    InvitationRoutes invitations = new InvitationRoutes(store, access, hasher, sessions, clock);
    this.stats = events.map(e -> new StatsRoutes(e, cache, access, store, registry, clock, options.rollups())).orElse(null);
    SiteDeletion deletion = new SiteDeletion(vertx, store, events,
        domain -> stats == null ? cache.invalidatePrefix("stats:") : stats.service().invalidate(domain),
        options.deletedSiteSweep());
    Function<String, Future<Void>> invalidate =
        domain -> stats == null ? Future.<Void>succeededFuture() : stats.service().invalidate(domain);
    this.retention = events.map(e -> new RetentionJob(vertx, store, e, invalidate, registry, clock)).orElse(null);
    ImportsRoutes importRoutes = events.map(e -> new ImportsRoutes(vertx, access, store, e,
        new Imports(store, e, invalidate, registry, clock), invalidate)).orElse(null);
    SitesRoutes sites = new SitesRoutes(store, access, deletion);
    TeamRoutes team = new TeamRoutes(store, access, clock);
    ShareLinksRoutes shares = new ShareLinksRoutes(store, access, hasher, tokens, limiter, clientAddress, clock);
    KeysRoutes keys = new KeysRoutes(store, access);
    UsersRoutes users = new UsersRoutes(store, access, hasher);
    OpenApiRoutes openApi = new OpenApiRoutes();

    List<HttpRoutes> all = new ArrayList<>();
    // Body, metrics and authentication first: every /api route below relies on them.
    all.add((v, router) -> {
      ApiSupport.mountCommon(router, registry);
      router.route("/api/*").handler(access.handler());
      auth.mount(router);
      setup.mount(router);
      account.mount(router);
      invitations.mount(router);
      users.mount(router);
      keys.mount(router);
    });
    if (stats != null) {
      // Before the sites routes: /api/sites/:domain/realtime must not be taken for a site path.
      all.add(stats);
      all.add((v, router) -> importRoutes.mount(router));
    }
    all.add((v, router) -> sites.mount(router));
    all.add((v, router) -> team.mount(router));
    all.add((v, router) -> shares.mount(router));
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

  /** First-run setup: logs the setup token while no user exists. */
  public SetupRoutes setup() {
    return setup;
  }

  /** The daily retention job, where there is an event store. */
  public Optional<RetentionJob> retention() {
    return Optional.ofNullable(retention);
  }

  public boolean servesStats() {
    return stats != null;
  }

  public Future<Void> close() {
    return hashing.close();
  }
}
