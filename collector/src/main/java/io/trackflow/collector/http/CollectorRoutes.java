package io.trackflow.collector.http;

import io.trackflow.collector.CollectorMetrics;
import io.trackflow.collector.enrich.ClientIpResolver;
import io.trackflow.collector.pipeline.DropReason;
import io.trackflow.collector.pipeline.HitBatcher;
import io.trackflow.collector.pipeline.InFlight;
import io.trackflow.collector.pipeline.Limits;
import io.trackflow.collector.pipeline.Pipeline;
import io.trackflow.core.dedup.Deduplicator;
import io.trackflow.core.http.ApiError;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.http.SecurityHeaders;
import io.trackflow.core.queue.EventPublisher;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The collector's endpoints: {@code GET /i}, {@code POST /api/event} (with CORS) and
 * {@code GET /tracker.js}, with the collector's {@link SecurityHeaders}. Mounted once per HTTP
 * verticle, each with its own {@link HitBatcher} on that verticle's event loop.
 */
public final class CollectorRoutes implements HttpRoutes {

  private final Pipeline pipeline;
  private final Deduplicator dedup;
  private final EventPublisher publisher;
  private final ClientIpResolver ips;
  private final CollectorMetrics metrics;
  private final Clock clock;
  private final Limits limits;
  private final InFlight inFlight;
  private final Optional<TrackerScript> script;

  public CollectorRoutes(Pipeline pipeline, Deduplicator dedup, EventPublisher publisher,
      ClientIpResolver ips, CollectorMetrics metrics, Clock clock, Limits limits, InFlight inFlight,
      Optional<TrackerScript> script) {
    this.pipeline = pipeline;
    this.dedup = dedup;
    this.publisher = publisher;
    this.ips = ips;
    this.metrics = metrics;
    this.clock = clock;
    this.limits = limits;
    this.inFlight = inFlight;
    this.script = script;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    // Called on the HTTP verticle's event loop: the batcher belongs to that loop.
    HitBatcher batcher = new HitBatcher(vertx.getOrCreateContext(), dedup, publisher, metrics,
        inFlight, 1000);
    for (String path : List.of("/i", "/api/event", "/tracker.js")) {
      router.route(path).handler(ctx -> {
        SecurityHeaders.COLLECTOR.use(ctx);
        ctx.next();
      });
    }
    router.get("/i").handler(new PixelHandler(pipeline, batcher, ips, metrics, clock));
    router.options("/api/event").handler(Cors::preflight);
    BeaconHandler beacon = new BeaconHandler(pipeline, batcher, ips, metrics, clock, limits);
    // A route of its own: nothing may precede the body handler on the route that has it.
    router.post("/api/event").handler(beacon::refuseUnreadable);
    router.post("/api/event")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(beacon)
        .failureHandler(ctx -> {
          if (ctx.statusCode() != 413) {
            ctx.next();
            return;
          }
          metrics.received(false, 1);
          metrics.dropped(DropReason.BODY_TOO_LARGE);
          Cors.allowAnyOrigin(ctx.response()).setStatusCode(413)
              .putHeader("Content-Type", "application/json")
              .end(new ApiError(DropReason.BODY_TOO_LARGE.code(), DropReason.BODY_TOO_LARGE.message()
                  + " (" + limits.maxBodyBytes() + " bytes)").toJson().encode());
        });
    script.ifPresent(s -> router.get("/tracker.js").handler(s::handle));
  }
}
