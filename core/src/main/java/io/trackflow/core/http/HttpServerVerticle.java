package io.trackflow.core.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server of a process: mounts the routes of every role it runs and answers errors in
 * one JSON shape, every response with its {@link SecurityHeaders}. Deployed once per event loop;
 * instances share the port.
 */
public final class HttpServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpServerVerticle.class);

  private final String host;
  private final int port;
  private final List<HttpRoutes> routes;
  private HttpServer server;

  public HttpServerVerticle(String host, int port, List<HttpRoutes> routes) {
    this.host = host;
    this.port = port;
    this.routes = List.copyOf(routes);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::install);
    routes.forEach(r -> r.mount(vertx, router));
    router.errorHandler(404, ctx -> fail(ctx, 404, new ApiError("not_found", "no such resource")));
    router.errorHandler(405, ctx -> fail(ctx, 405, new ApiError("method_not_allowed", "method not allowed here")));
    router.errorHandler(413, ctx -> fail(ctx, 413, new ApiError("payload_too_large", "request body is too large")));
    router.errorHandler(500, HttpServerVerticle::handleFailure);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setCompressionSupported(true)
        // Request bodies are taken as sent: no browser compresses a beacon, and inflating them
        // would let a small gzip bomb cost the server a hundred times its size in CPU, and a
        // corrupt stream drop the connection without an answer.
        .setDecompressionSupported(false)
        .setMaxFormAttributeSize(64 * 1024);
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** Actual port, useful when configured with 0 in tests. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    // Stop accepting, give in-flight requests a moment to finish.
    return server == null ? Future.succeededFuture() : server.shutdown(5, TimeUnit.SECONDS);
  }

  private static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpFailure hf) {
      fail(ctx, hf.status(), hf.error());
      return;
    }
    if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      fail(ctx, ctx.statusCode(), new ApiError("bad_request", "the request could not be processed"));
      return;
    }
    log.error("Unhandled error on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
    fail(ctx, 500, new ApiError("internal_error", "internal error"));
  }

  private static void fail(RoutingContext ctx, int status, ApiError error) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(error.toJson().encode());
  }
}
