package io.trackflow.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.adapters.queue.kafka.KafkaEventConsumer;
import io.trackflow.adapters.queue.kafka.KafkaEventPublisher;
import io.trackflow.adapters.queue.kafka.KafkaQueueOptions;
import io.trackflow.adapters.cache.redis.RedisQueryCache;
import io.trackflow.adapters.ratelimit.redis.RedisAttemptLimiter;
import io.trackflow.adapters.store.clickhouse.ClickHouseEventStore;
import io.trackflow.adapters.store.clickhouse.ClickHouseOptions;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.cache.QueryCache;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.config.Role;
import io.trackflow.core.ratelimit.AttemptLimiter;
import io.trackflow.core.ratelimit.local.InMemoryAttemptLimiter;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.dedup.local.InMemoryDeduplicator;
import io.trackflow.core.session.SaltStore;
import io.trackflow.core.session.local.FileSaltStore;
import io.trackflow.adapters.dedup.redis.RedisDeduplicator;
import io.trackflow.adapters.session.redis.RedisClients;
import io.trackflow.adapters.session.redis.RedisSaltStore;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.local.InProcessQueue;
import io.trackflow.core.role.Components;
import io.trackflow.core.site.SiteDirectory;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.BoundedWorker;
import io.trackflow.query.account.embedded.EmbeddedAccountStore;
import io.trackflow.query.account.postgres.PgAccountStore;
import io.trackflow.query.site.AccountSiteDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The one place that decides which adapter backs each port: an external service's address in the
 * configuration switches its port to the real adapter; otherwise the embedded one is used.
 */
final class Adapters {

  private Adapters() {}

  static Components register(Vertx vertx, TrackflowConfig config, MeterRegistry registry) {
    Components components = new Components();
    registerQueue(components, vertx, config, registry);
    registerEventStore(components, vertx, config, registry);
    registerDeduplicator(components, vertx, config, registry);
    registerSalts(components, vertx, config);
    registerQueryCache(components, vertx, config);
    registerAttemptLimiter(components, vertx, config, registry);
    registerAccountStore(components, vertx, config, registry);
    registerSiteDirectory(components);
    return components;
  }

  private static void registerQueue(
      Components components, Vertx vertx, TrackflowConfig config, MeterRegistry registry) {
    if (config.kafkaBootstrap().isPresent()) {
      // Each side creates the topic if it is missing, so collectors and writers start in any order.
      KafkaQueueOptions options = KafkaQueueOptions.fromConfig(config);
      components.register(EventPublisher.class,
          () -> KafkaEventPublisher.create(vertx, options).<EventPublisher>map(p -> p), EventPublisher::close);
      components.register(EventConsumer.class,
          () -> KafkaEventConsumer.create(vertx, options, registry).<EventConsumer>map(c -> c),
          EventConsumer::stop);
      return;
    }
    if (!config.hasRole(Role.COLLECTOR) && !config.hasRole(Role.WRITER)) {
      return; // e.g. a query-only process: no queue, and no queue gauge stuck at zero
    }
    InProcessQueue queue = new InProcessQueue(vertx, config.integer(Setting.QUEUE_CAPACITY));
    Gauge.builder("trackflow.queue.size", queue, InProcessQueue::size)
        .description("Events held by the in-process queue (waiting or being stored)")
        .register(registry);
    components.register(EventPublisher.class, () -> Future.succeededFuture(queue), q -> q.close());
    components.register(EventConsumer.class, () -> Future.succeededFuture(queue), q -> q.stop());
  }

  /**
   * ClickHouse over its HTTP interface when {@code clickhouse.url} is set, else an embedded DuckDB
   * file {@code events.duckdb} in the data directory. The schema is migrated before any role
   * gets the store; a store whose migration failed is closed again.
   */
  private static void registerEventStore(
      Components components, Vertx vertx, TrackflowConfig config, MeterRegistry registry) {
    if (config.clickhouseUrl().isPresent()) {
      ClickHouseOptions options = ClickHouseOptions.from(config);
      components.register(EventStore.class,
          () -> migrated(new ClickHouseEventStore(vertx, options, registry)), EventStore::close);
      return;
    }
    components.register(EventStore.class,
        () -> migrated(new DuckDbEventStore(vertx, config.dataDir().resolve("events.duckdb"), registry)),
        EventStore::close);
  }

  private static Future<EventStore> migrated(EventStore store) {
    return store.migrate()
        .<EventStore>map(store)
        .recover(e -> store.close().transform(closed -> Future.failedFuture(e)));
  }

  /** Redis when configured (shared by query replicas), else a bounded in-memory LRU. */
  private static void registerQueryCache(Components components, Vertx vertx, TrackflowConfig config) {
    if (config.redisUrl().isPresent()) {
      String url = config.redisUrl().get().toString();
      components.register(QueryCache.class,
          () -> Future.succeededFuture(RedisQueryCache.create(vertx, url, "trackflow:cache:")),
          QueryCache::close);
      return;
    }
    components.register(QueryCache.class,
        () -> Future.succeededFuture(new InMemoryQueryCache(java.time.Clock.systemUTC(), 10_000)),
        QueryCache::close);
  }

  /** Sign-in attempt counts: Redis when configured (so limits hold across query replicas), else in memory. */
  private static void registerAttemptLimiter(
      Components components, Vertx vertx, TrackflowConfig config, MeterRegistry registry) {
    if (config.redisUrl().isPresent()) {
      String url = config.redisUrl().get().toString();
      components.register(AttemptLimiter.class,
          () -> Future.succeededFuture(new RedisAttemptLimiter(RedisClients.create(vertx, url), true,
              "trackflow:login:", java.time.Duration.ofMillis(500), java.time.Clock.systemUTC(), registry)),
          AttemptLimiter::close);
      return;
    }
    components.register(AttemptLimiter.class,
        () -> Future.succeededFuture(new InMemoryAttemptLimiter(java.time.Clock.systemUTC())),
        AttemptLimiter::close);
  }

  /**
   * PostgreSQL when configured (shared by every process of a cluster), else an embedded DuckDB
   * file whose JDBC work runs on a bounded worker pool, never on an event loop.
   */
  private static void registerAccountStore(
      Components components, Vertx vertx, TrackflowConfig config, MeterRegistry registry) {
    if (config.pgUrl().isPresent()) {
      String url = config.pgUrl().get();
      components.register(AccountStore.class,
          () -> PgAccountStore.open(vertx, url, 8).<AccountStore>map(s -> s), AccountStore::close);
      return;
    }
    components.register(AccountStore.class, () -> {
      BoundedWorker worker = new BoundedWorker(vertx, "accounts", 4, 256, registry);
      return EmbeddedAccountStore.open(vertx, config.dataDir().resolve("accounts.duckdb"), worker, 4)
          .<AccountStore>map(s -> s);
    }, AccountStore::close);
  }

  /** The collector's site list comes from the account store, with its change notifications. */
  private static void registerSiteDirectory(Components components) {
    components.register(SiteDirectory.class,
        () -> components.get(AccountStore.class).<SiteDirectory>map(AccountSiteDirectory::new),
        d -> Future.succeededFuture());
  }

  /**
   * Redis when configured (one script call of SET NX per batch, a local cache in front, local fallback
   * while Redis is unreachable), else an in-memory expiring set.
   */
  private static void registerDeduplicator(
      Components components, Vertx vertx, TrackflowConfig config, MeterRegistry registry) {
    java.time.Duration window = java.time.Duration.ofMillis(config.integer(Setting.COLLECTOR_DEDUP_WINDOW_MS));
    if (config.redisUrl().isPresent()) {
      String url = config.redisUrl().get().toString();
      components.register(Deduplicator.class,
          () -> Future.succeededFuture(new RedisDeduplicator(RedisClients.create(vertx, url), true,
              "trackflow:dedup:", window, 200_000, java.time.Duration.ofMillis(500),
              java.time.Clock.systemUTC(), registry)),
          Deduplicator::close);
      return;
    }
    components.register(Deduplicator.class,
        () -> Future.succeededFuture(new InMemoryDeduplicator(java.time.Clock.systemUTC(), window.toMillis(), 500_000)),
        Deduplicator::close);
  }

  /**
   * Daily salts: Redis when configured (shared by collectors), else a file of the data directory,
   * so a restart in the middle of a day keeps every visitor's id. Sessions are not an adapter:
   * the writer keeps them for the visitors of its partitions.
   */
  private static void registerSalts(Components components, Vertx vertx, TrackflowConfig config) {
    if (config.redisUrl().isPresent()) {
      String url = config.redisUrl().get().toString();
      components.register(SaltStore.class,
          () -> Future.succeededFuture(new RedisSaltStore(RedisClients.create(vertx, url), true,
              "trackflow:", java.time.Duration.ofSeconds(2))),
          SaltStore::close);
      return;
    }
    components.register(SaltStore.class,
        () -> FileSaltStore.open(vertx, config.dataDir().resolve("salts")).<SaltStore>map(s -> s),
        SaltStore::close);
  }
}
