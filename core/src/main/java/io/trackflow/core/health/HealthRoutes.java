package io.trackflow.core.health;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.metrics.Observability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CopyOnWriteArrayList;

/** Liveness, readiness and the Prometheus scrape, served by every role. */
public final class HealthRoutes implements HttpRoutes {

  private final PrometheusMeterRegistry registry;
  private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();
  private final Map<String, BooleanSupplier> degradations = new ConcurrentHashMap<>();

  public HealthRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** Adds a check; roles register theirs as their adapters are built. */
  public HealthRoutes add(ReadinessCheck check) {
    checks.add(check);
    return this;
  }

  /**
   * Adds a degradation signal: while it is true the part named runs on a fallback (e.g. local
   * dedup with Redis unreachable). Readiness stays UP but reports it as DEGRADED.
   */
  public HealthRoutes addDegradation(String name, BooleanSupplier degraded) {
    degradations.put(name, degraded);
    return this;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> readiness().onComplete(ar -> {
      JsonObject body = ar.succeeded() ? ar.result() : new JsonObject().put("status", "DOWN");
      ctx.response().setStatusCode("UP".equals(body.getString("status")) ? 200 : 503);
      ctx.json(body);
    }));
    router.get(Observability.METRICS_PATH).handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
  }

  /** Runs every check; UP only when all are. */
  public Future<JsonObject> readiness() {
    List<Future<Boolean>> results = new ArrayList<>();
    for (ReadinessCheck check : checks) {
      Future<Boolean> probe;
      try {
        probe = check.probe().get();
      } catch (RuntimeException e) {
        probe = Future.succeededFuture(false);
      }
      results.add(probe.otherwise(false));
    }
    return Future.join(results).otherwise(f -> null).map(v -> {
      JsonObject detail = new JsonObject();
      boolean up = true;
      for (int i = 0; i < checks.size(); i++) {
        boolean ok = Boolean.TRUE.equals(results.get(i).result());
        detail.put(checks.get(i).name(), ok ? "UP" : "DOWN");
        up &= ok;
      }
      boolean degraded = false;
      for (Map.Entry<String, BooleanSupplier> d : degradations.entrySet()) {
        if (d.getValue().getAsBoolean()) {
          detail.put(d.getKey(), "DEGRADED");
          degraded = true;
        } else if (!detail.containsKey(d.getKey())) {
          detail.put(d.getKey(), "UP");
        }
      }
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", detail);
      return degraded ? body.put("degraded", true) : body;
    });
  }
}
