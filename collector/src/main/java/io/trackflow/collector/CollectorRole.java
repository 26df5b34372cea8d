package io.trackflow.collector;

import io.micrometer.core.instrument.Gauge;
import io.trackflow.collector.enrich.ClientIpResolver;
import io.trackflow.collector.enrich.SaltRotation;
import io.trackflow.collector.enrich.SourceResolver;
import io.trackflow.collector.http.CollectorRoutes;
import io.trackflow.collector.pipeline.EventStep;
import io.trackflow.collector.pipeline.GeoStep;
import io.trackflow.collector.pipeline.InFlight;
import io.trackflow.collector.pipeline.Limits;
import io.trackflow.collector.pipeline.ParseStep;
import io.trackflow.collector.pipeline.Pipeline;
import io.trackflow.collector.pipeline.SiteStep;
import io.trackflow.collector.pipeline.SourceStep;
import io.trackflow.collector.pipeline.UserAgentStep;
import io.trackflow.collector.pipeline.ValidateStep;
import io.trackflow.collector.pipeline.VisitorStep;
import io.trackflow.collector.site.SiteSnapshot;
import io.trackflow.core.config.ConfigException;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.health.ReadinessCheck;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.queue.EventPublisher;
import io.trackflow.core.role.Components;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.session.SaltStore;
import io.trackflow.core.site.SiteDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started collector: the pipeline wired to the process's adapters, its routes, and the
 * background work (site list refresh, salt rotation) that keeps the hot path free of store
 * round trips.
 */
public final class CollectorRole implements RoleInstance {

  private static final Logger log = LoggerFactory.getLogger(CollectorRole.class);
  static final long SITE_REFRESH_MILLIS = 5_000;
  static final long SALT_CHECK_MILLIS = 30_000;

  private final Vertx vertx;
  private final CollectorRoutes routes;
  private final SiteSnapshot sites;
  private final SaltRotation salts;
  private final InFlight inFlight;

  private CollectorRole(Vertx vertx, CollectorRoutes routes, SiteSnapshot sites,
      SaltRotation salts, InFlight inFlight) {
    this.vertx = vertx;
    this.routes = routes;
    this.sites = sites;
    this.salts = salts;
    this.inFlight = inFlight;
  }

  /** Builds the collector from the context's adapters and the given heavy resources. */
  public static Future<RoleInstance> start(RoleContext ctx, Future<Enrichers> enrichers, Clock clock) {
    TrackflowConfig config = ctx.config();
    Components components = ctx.components();
    ClientIpResolver ips;
    try {
      ips = new ClientIpResolver(config.list(Setting.TRUSTED_PROXIES));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ConfigException(Setting.TRUSTED_PROXIES.env() + ": " + e.getMessage()));
    }
    Future<EventPublisher> publisher = components.get(EventPublisher.class);
    Future<Deduplicator> dedup = components.get(Deduplicator.class);
    Future<SaltStore> saltStore = components.get(SaltStore.class);
    Future<SiteDirectory> directory = components.has(SiteDirectory.class)
        ? components.get(SiteDirectory.class) : Future.succeededFuture(null);
    return Future.all(List.of(publisher, dedup, saltStore, directory, enrichers))
        .compose(v -> {
          Enrichers e = enrichers.result();
          SiteSnapshot sites = new SiteSnapshot(directory.result());
          SaltRotation salts = new SaltRotation(saltStore.result(), clock);
          return Future.all(sites.start(ctx.vertx(), SITE_REFRESH_MILLIS),
                  salts.start(ctx.vertx(), SALT_CHECK_MILLIS))
              .map(x -> build(ctx, e, ips, sites, salts, publisher.result(), dedup.result(), clock));
        });
  }

  private static RoleInstance build(RoleContext ctx, Enrichers e, ClientIpResolver ips,
      SiteSnapshot sites, SaltRotation salts, EventPublisher publisher, Deduplicator dedup,
      Clock clock) {
    TrackflowConfig config = ctx.config();
    CollectorMetrics metrics = new CollectorMetrics(ctx.registry());
    Limits limits = Limits.defaults(config.integer(Setting.COLLECTOR_MAX_BODY_BYTES));
    Pipeline pipeline = new Pipeline(List.of(
        new ParseStep(),
        new ValidateStep(limits),
        new SiteStep(sites),
        new UserAgentStep(e.userAgents()),
        new GeoStep(e.geo()),
        new SourceStep(new SourceResolver(e.referrers(), config.list(Setting.COLLECTOR_PATH_QUERY))),
        new VisitorStep(salts),
        new EventStep(limits)), metrics);
    InFlight inFlight = new InFlight();
    CollectorRoutes routes = new CollectorRoutes(pipeline, dedup, publisher, ips, metrics, clock,
        limits, inFlight, e.trackerScript());
    Gauge.builder("trackflow.collector.sites", sites, SiteSnapshot::size)
        .description("Sites the collector accepts hits for").register(ctx.registry());
    ctx.health()
        .add(ReadinessCheck.of("collector", () -> Future.succeededFuture(sites.loaded() && salts.current() != null)))
        .add(ReadinessCheck.of("queue", () -> Future.succeededFuture(publisher.healthy())))
        .addDegradation("dedup", () -> !dedup.healthy());
    log.info("Collector ready: pipeline {}, {} sites, country database {}, tracker.js {}",
        pipeline.stepNames(), sites.size(), e.geo().available() ? "loaded" : "missing",
        e.trackerScript().isPresent() ? "served" : "absent");
    return new CollectorRole(ctx.vertx(), routes, sites, salts, inFlight);
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(routes);
  }

  /** Stops background work and waits (bounded) for batches still being published. */
  @Override
  public Future<Void> stop() {
    sites.stop();
    salts.stop(vertx);
    return inFlight.drained().timeout(5, TimeUnit.SECONDS).otherwiseEmpty();
  }

  /** The routes, for tests that mount them on their own server. */
  public CollectorRoutes collectorRoutes() {
    return routes;
  }
}
