package io.trackflow.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.core.config.ConfigException;
import io.trackflow.core.config.ConfigLoader;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.metrics.Observability;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of trackflow.jar: resolves configuration, builds Vert.x with metrics, starts. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    TrackflowConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      log.error("Configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    }
    applyLogLevel(config.string(Setting.LOG_LEVEL));
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.newVertx(registry, new VertxOptions());
    if (RollupsCommand.applies(args)) {
      int code = RollupsCommand.run(args, config, vertx, registry, System.out);
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
      System.exit(code);
      return;
    }
    TrackflowServer server = new TrackflowServer(vertx, config, registry);

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down");
      long deadline = System.nanoTime() + shutdownBound(config).toNanos();
      try {
        // Awaited one after the other from this thread: a callback chained after vertx.close()
        // is dispatched to an event loop that close() has terminated, and never runs.
        server.stop().toCompletionStage().toCompletableFuture()
            .get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        vertx.close().toCompletionStage().toCompletableFuture()
            .get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        log.info("Stopped");
      } catch (Exception e) {
        log.warn("Shutdown did not finish in time: {}", e.toString());
      }
    }, "trackflow-shutdown"));

    server.start().onFailure(e -> {
      log.error("Start-up failed: {}", e.getMessage(), e);
      System.exit(1);
    });
  }

  /**
   * Longest time from SIGTERM to exit: the clean stop's own limit, then a second for Vert.x to
   * close. A supervisor's grace period (Docker's stop_grace_period) must outlast it, or the
   * flush it waits for is killed.
   */
  static Duration shutdownBound(TrackflowConfig config) {
    return Duration.ofMillis(config.integer(Setting.SHUTDOWN_TIMEOUT_MS) + 1000L);
  }

  private static void applyLogLevel(String level) {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO));
    }
  }
}
