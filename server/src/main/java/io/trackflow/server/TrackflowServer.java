package io.trackflow.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.core.config.Role;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.health.HealthRoutes;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.http.HttpServerVerticle;
import io.trackflow.core.role.Components;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.role.RoleProvider;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TrackFlow process: the configured roles, their shared adapters and the one HTTP server.
 * Starts roles in order collector, writer, query and stops them in that order too, so nothing a
 * collector accepted is left behind when the writer flushes.
 */
public final class TrackflowServer {

  private static final Logger log = LoggerFactory.getLogger(TrackflowServer.class);

  private final Vertx vertx;
  private final TrackflowConfig config;
  private final PrometheusMeterRegistry registry;
  private final HealthRoutes health;
  private final Components components;
  private final Map<Role, RoleInstance> started = new EnumMap<>(Role.class);
  private String httpDeployment;
  private volatile int port = -1;
  private Future<Void> stopping;

  public TrackflowServer(Vertx vertx, TrackflowConfig config, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.health = new HealthRoutes(registry);
    this.components = Adapters.register(vertx, config, registry);
  }

  public Future<Void> start() {
    log.info("Starting TrackFlow ({}) with {}", config.standalone() ? "standalone" : "cluster",
        config.describe());
    Map<Role, RoleProvider> providers = new EnumMap<>(Role.class);
    ServiceLoader.load(RoleProvider.class).forEach(p -> providers.put(p.role(), p));
    RoleContext context = new RoleContext(vertx, config, registry, health, components);

    Future<Void> chain = Future.succeededFuture();
    for (Role role : config.roles()) {
      RoleProvider provider = providers.get(role);
      if (provider == null) {
        return Future.failedFuture(new IllegalStateException(
            "role " + role.label() + " is configured but not part of this build"));
      }
      chain = chain.compose(v -> provider.start(context).map(instance -> {
        synchronized (started) {
          started.put(role, instance);
        }
        log.info("Role {} started", role.label());
        return null;
      }));
    }
    return chain.compose(v -> deployHttp()).onSuccess(v -> log.info(
        "TrackFlow ready on http://{}:{} (roles: {})", config.httpHost(), port,
        config.roles().stream().map(Role::label).collect(Collectors.joining(","))));
  }

  private Future<Void> deployHttp() {
    List<HttpRoutes> routes = new ArrayList<>();
    routes.add(health);
    synchronized (started) {
      started.values().forEach(i -> routes.addAll(i.routes()));
    }
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<HttpServerVerticle> verticles = new ArrayList<>();
    return vertx.deployVerticle(() -> {
          HttpServerVerticle v = new HttpServerVerticle(config.httpHost(), config.httpPort(), routes);
          synchronized (verticles) {
            verticles.add(v);
          }
          return v;
        }, new DeploymentOptions().setInstances(instances))
        .map(id -> {
          httpDeployment = id;
          port = verticles.get(0).actualPort();
          return null;
        });
  }

  /** The HTTP port actually bound (differs from the configured one when that is 0). */
  public int port() {
    return port;
  }

  /** Stops accepting, stops roles in order (flushing), closes adapters. Idempotent. */
  public synchronized Future<Void> stop() {
    if (stopping != null) {
      return stopping;
    }
    Future<Void> chain = httpDeployment == null
        ? Future.succeededFuture()
        : vertx.undeploy(httpDeployment).recover(e -> Future.succeededFuture());
    for (Role role : Role.values()) {
      chain = chain.compose(v -> {
        RoleInstance instance;
        synchronized (started) {
          instance = started.remove(role);
        }
        if (instance == null) {
          return Future.succeededFuture();
        }
        return instance.stop()
            .onSuccess(x -> log.info("Role {} stopped", role.label()))
            .recover(e -> {
              log.warn("Role {} did not stop cleanly: {}", role.label(), e.getMessage());
              return Future.succeededFuture();
            });
      });
    }
    stopping = chain.compose(v -> components.closeAll())
        .timeout(config.integer(Setting.SHUTDOWN_TIMEOUT_MS), TimeUnit.MILLISECONDS)
        .recover(e -> {
          log.warn("Shutdown cut short: {}", e.getMessage());
          return Future.succeededFuture();
        });
    return stopping;
  }
}
