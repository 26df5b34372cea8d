package io.trackflow.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.metrics.Observability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One TrackFlow process inside the test JVM: its own Vert.x, metrics registry and
 * {@link TrackflowServer}, exactly as {@code Main} builds them, on a free port.
 */
final class RunningServer implements AutoCloseable {

  private final Vertx vertx;
  private final TrackflowServer server;
  private final TrackflowHttp http;
  private boolean stopped;

  private RunningServer(Vertx vertx, TrackflowServer server) {
    this.vertx = vertx;
    this.server = server;
    this.http = new TrackflowHttp(server.port());
  }

  /** Settings every test process shares: loopback, a free port, small writer batches. */
  static Map<Setting, String> base(Path dataDir) {
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    settings.put(Setting.HTTP_HOST, "127.0.0.1");
    settings.put(Setting.HTTP_PORT, "0");
    settings.put(Setting.DATA_DIR, dataDir.toString());
    // Small batches so results show up quickly; the flush-on-age path is what runs here.
    settings.put(Setting.WRITER_BATCH_AGE_MS, "200");
    settings.put(Setting.LOG_LEVEL, "INFO");
    return settings;
  }

  static RunningServer start(Map<Setting, String> settings) {
    TrackflowConfig config = TrackflowConfig.defaults().with(settings);
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.newVertx(registry, new VertxOptions());
    TrackflowServer server = new TrackflowServer(vertx, config, registry);
    try {
      await(server.start(), 180);
    } catch (RuntimeException | Error e) {
      try {
        await(server.stop(), 60);
        await(vertx.close(), 60);
      } catch (RuntimeException | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new RunningServer(vertx, server);
  }

  TrackflowHttp http() {
    return http;
  }

  int port() {
    return server.port();
  }

  /** The clean shutdown SIGTERM runs: stop accepting, flush, close adapters, then Vert.x. */
  void stop() {
    if (!stopped) {
      stopped = true;
      // Two steps: a future chained past vertx.close() would complete on a closed event loop.
      try {
        await(server.stop(), 120);
      } finally {
        await(vertx.close(), 60);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("not done within " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
