package io.trackflow.query;

import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.ratelimit.local.InMemoryAttemptLimiter;
import io.trackflow.core.config.ConfigException;
import io.trackflow.core.config.Role;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.health.ReadinessCheck;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.role.Components;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.role.RoleProvider;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.AdminBootstrap;
import io.trackflow.query.auth.SigningKey;
import io.trackflow.query.data.RetentionJob;
import io.trackflow.query.stats.RollupOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query role: accounts and auth, the sites API, the stats API, the OpenAPI document and the
 * dashboard, all on the process's HTTP server. Its adapters (account store, event store, query
 * cache) come from the process's {@link Components}.
 */
public final class QueryRoleProvider implements RoleProvider {

  private static final Logger log = LoggerFactory.getLogger(QueryRoleProvider.class);
  private static final Duration PURGE_EVERY = Duration.ofHours(1);
  /** The retention job's first run waits until start-up is over; then it runs daily. */
  private static final Duration RETENTION_FIRST = Duration.ofMinutes(1);
  private static final Duration RETENTION_EVERY = Duration.ofDays(1);

  @Override
  public Role role() {
    return Role.QUERY;
  }

  @Override
  public Future<RoleInstance> start(RoleContext context) {
    Vertx vertx = context.vertx();
    TrackflowConfig config = context.config();
    Components components = context.components();
    Future<AccountStore> store = components.get(AccountStore.class);
    Future<Optional<EventStore>> events = components.has(EventStore.class)
        ? components.get(EventStore.class).map(Optional::of)
        : Future.succeededFuture(Optional.empty());
    Future<QueryCache> cache = components.has(QueryCache.class)
        ? components.get(QueryCache.class)
        : Future.succeededFuture(new InMemoryQueryCache(Clock.systemUTC(), 10_000));
    Future<AttemptLimiter> attempts = components.has(AttemptLimiter.class)
        ? components.get(AttemptLimiter.class)
        : Future.succeededFuture(new InMemoryAttemptLimiter(Clock.systemUTC()));
    Future<String> key = vertx.executeBlocking(
        () -> SigningKey.resolve(config.optional(Setting.JWT_SECRET), config.dataDir()), false);
    if (config.optional(Setting.JWT_SECRET).isEmpty() && !config.standalone()) {
      log.warn("TRACKFLOW_JWT_SECRET is not set: tokens are signed with a key from {}; query replicas "
          + "must share one key, so set it when running more than one", config.dataDir());
    }

    return Future.all(store, events, cache, attempts, key).compose(all -> {
      QueryAssembly.Options options = new QueryAssembly.Options(
          key.result(), Duration.ofMinutes(15), Duration.ofDays(30), 11,
          config.integer(Setting.LOGIN_LIMIT_IP), config.integer(Setting.LOGIN_LIMIT_ACCOUNT),
          Duration.ofSeconds(config.integer(Setting.LOGIN_WINDOW_SECONDS)),
          config.list(Setting.TRUSTED_PROXIES), Duration.ofSeconds(60), rollups(config));
      if (events.result().isEmpty()) {
        log.warn("No event store is configured: the stats API is not served");
      }
      QueryAssembly assembly = new QueryAssembly(vertx, context.registry(), store.result(), events.result(),
          cache.result(), attempts.result(), options, Clock.systemUTC());
      context.health().add(ReadinessCheck.of("accounts",
          () -> store.result().countUsers().map(n -> true).otherwise(false)));
      return AdminBootstrap.run(store.result(), assembly.hasher(),
              config.optional(Setting.ADMIN_EMAIL), config.optional(Setting.ADMIN_PASSWORD))
          .compose(created -> assembly.setup().announce())
          .map(v -> instance(vertx, assembly));
    });
  }

  private static RollupOptions rollups(TrackflowConfig config) {
    try {
      return RollupOptions.of(config.string(Setting.STATS_ROLLUPS), config.integer(Setting.STATS_ROLLUPS_MIN_SESSIONS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Setting.STATS_ROLLUPS.env() + ": " + e.getMessage());
    }
  }

  private static RoleInstance instance(Vertx vertx, QueryAssembly assembly) {
    long purge = vertx.setPeriodic(PURGE_EVERY.toMillis(), id -> assembly.store().purgeExpired(System.currentTimeMillis())
        .onFailure(e -> log.warn("Purging expired tokens failed: {}", e.getMessage())));
    assembly.retention().ifPresent(job -> job.start(RETENTION_FIRST, RETENTION_EVERY));
    return new RoleInstance() {
      @Override
      public List<HttpRoutes> routes() {
        return assembly.routes();
      }

      @Override
      public Future<Void> stop() {
        vertx.cancelTimer(purge);
        assembly.retention().ifPresent(RetentionJob::stop);
        return assembly.close();
      }
    };
  }
}
