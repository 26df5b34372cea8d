package io.trackflow.collector.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.collector.CollectorRole;
import io.trackflow.collector.Enrichers;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.event.Event;
import io.trackflow.core.health.HealthRoutes;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.core.metrics.Observability;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.queue.QueueUnavailableException;
import io.trackflow.core.role.Components;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.session.SaltStore;
import io.trackflow.core.site.SiteDirectory;
import io.trackflow.core.site.SiteInfo;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A collector on its own HTTP server (two event loops, like production) over the given
 * adapters, for HTTP-level tests. Sites: example.com, shop.example and private.example (which
 * honours privacy signals).
 */
public final class CollectorServer implements AutoCloseable {

  /** A publisher that records what it is given, and refuses while {@link #down} is set. */
  static final class RecordingPublisher implements EventPublisher {
    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public Future<Void> publish(List<Event> batch) {
      if (down) {
        return Future.failedFuture(new QueueUnavailableException("test queue is down"));
      }
      events.addAll(batch);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  final Vertx vertx;
  final PrometheusMeterRegistry registry = Observability.newRegistry();
  /**
   * Exceptions that escaped a handler: thrown on an event loop outside any handler, failing a
   * route without a status (which the server turns into a 500), or logged at ERROR level. A
   * collector that handles bad input never adds one.
   */
  final List<Throwable> escaped = new CopyOnWriteArrayList<>();
  private final ErrorLog errors = ErrorLog.attach(escaped);
  final RoleInstance role;
  private final Components components;
  final int port;

  /** The adapters a test collector runs on, built on the server's Vert.x instance. */
  record Ports(Future<EventPublisher> publisher, Deduplicator dedup, SaltStore salts) {}

  CollectorServer(Enrichers enrichers, EventPublisher publisher, Deduplicator dedup,
      SaltStore salts, Map<Setting, String> settings) throws Exception {
    this(enrichers, v -> new Ports(Future.succeededFuture(publisher), dedup, salts), settings);
  }

  CollectorServer(Enrichers enrichers, java.util.function.Function<Vertx, Ports> ports,
      Map<Setting, String> settings) throws Exception {
    vertx = Observability.newVertx(registry, new VertxOptions());
    vertx.exceptionHandler(e -> escaped.add(new AssertionError("thrown on an event loop outside any handler", e)));
    Ports p = ports.apply(vertx);
    EventPublisher publisher = await(p.publisher());
    Deduplicator dedup = p.dedup();
    SaltStore salts = p.salts();
    SiteDirectory sites = () -> Future.succeededFuture(
        List.of(new SiteInfo("example.com", "UTC"), new SiteInfo("shop.example", "UTC"),
            new SiteInfo("private.example", "UTC", true)));
    components = new Components()
        .register(EventPublisher.class, () -> Future.succeededFuture(publisher), EventPublisher::close)
        .register(Deduplicator.class, () -> Future.succeededFuture(dedup), Deduplicator::close)
        .register(SaltStore.class, () -> Future.succeededFuture(salts), SaltStore::close)
        .register(SiteDirectory.class, () -> Future.succeededFuture(sites), s -> Future.succeededFuture());
    HealthRoutes health = new HealthRoutes(registry);
    TrackflowConfig config = TrackflowConfig.defaults().with(settings);
    RoleContext ctx = new RoleContext(vertx, config, registry, health, components);
    role = await(CollectorRole.start(ctx, Future.succeededFuture(enrichers), Clock.systemUTC()));
    List<HttpServerVerticle> verticles = new CopyOnWriteArrayList<>();
    List<io.trackflow.core.http.HttpRoutes> routes = new ArrayList<>();
    // First, so it sees every failure before the collector's and the server's own handlers.
    routes.add((v, router) -> router.route().failureHandler(failed -> {
      // Only what becomes a 500: a failure with a client-error status is answered as one (and
      // anything logged at ERROR on the way is caught by the error log).
      if (failed.failure() != null && !(failed.failure() instanceof io.trackflow.core.http.HttpFailure)
          && (failed.statusCode() == -1 || failed.statusCode() >= 500)) {
        escaped.add(new AssertionError("failed " + failed.request().method() + " " + failed.request().path()
            + " with status " + failed.statusCode(), failed.failure()));
      }
      failed.next();
    }));
    routes.add(health);
    routes.addAll(role.routes());
    await(vertx.deployVerticle(() -> {
      HttpServerVerticle v = new HttpServerVerticle("127.0.0.1", 0, routes);
      verticles.add(v);
      return v;
    }, new DeploymentOptions().setInstances(2)));
    port = verticles.get(0).actualPort();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Hits received but not yet accounted for: every hit received ends accepted, a duplicate, a bot,
   * rejected for a reason or lost, once the collector is done with it.
   */
  double unsettled() {
    return sum("trackflow.collector.hits.received") - sum("trackflow.collector.hits.accepted")
        - sum("trackflow.collector.hits.duplicate") - sum("trackflow.collector.hits.bot")
        - sum("trackflow.collector.hits.rejected") - sum("trackflow.collector.hits.lost");
  }

  private double sum(String name) {
    return registry.find(name).counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() throws Exception {
    errors.detach();
    await(role.stop());
    await(components.closeAll());
    await(vertx.close());
  }
}
