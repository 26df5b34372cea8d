package io.trackflow.core.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
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

  /**
   * How long a connection may send and receive nothing before the server closes it: a client that
   * stops in the middle of a request (a TLS handshake sent to this plain HTTP port, a request line
   * never finished, a peer gone without closing) would otherwise hold its connection for good. Far
   * above the longest answer (stats queries end at 30 s), since a request whose answer takes longer
   * than this loses its connection.
   */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

  private final String host;
  private final int port;
  private final List<HttpRoutes> routes;
  private final Duration idleTimeout;
  private HttpServer server;

  public HttpServerVerticle(String host, int port, List<HttpRoutes> routes) {
    this(host, port, routes, IDLE_TIMEOUT);
  }

  /** With another idle timeout than {@link #IDLE_TIMEOUT}, for tests. */
  public HttpServerVerticle(String host, int port, List<HttpRoutes> routes, Duration idleTimeout) {
    this.host = host;
    this.port = port;
    this.routes = List.copyOf(routes);
    this.idleTimeout = idleTimeout;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::install);
    routes.forEach(r -> r.mount(vertx, router));
    router.route().failureHandler(HttpServerVerticle::failedWithoutErrorStatus);
    // A body that cannot be read (a broken chunk, say): the body handler fails the request with a
    // 400, often on a connection already closed; without this it is logged as an error.
    router.errorHandler(400, ctx -> fail(ctx, 400, new ApiError("bad_request", "the request could not be read")));
    router.errorHandler(404, ctx -> fail(ctx, 404, new ApiError("not_found", "no such resource")));
    router.errorHandler(405, ctx -> fail(ctx, 405, new ApiError("method_not_allowed", "method not allowed here")));
    router.errorHandler(413, ctx -> fail(ctx, 413, new ApiError("payload_too_large", "request body is too large")));
    router.errorHandler(500, HttpServerVerticle::handleFailure);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setIdleTimeout((int) idleTimeout.toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setCompressionSupported(true)
        // Request bodies are taken as sent: no browser compresses a beacon, and inflating them
        // would let a small gzip bomb cost the server a hundred times its size in CPU, and a
        // corrupt stream drop the connection without an answer.
        .setDecompressionSupported(false)
        // No browser speaks cleartext HTTP/2 (nor does nginx to an upstream), and with it on the
        // first request of a connection is read before HttpVersionGuard is in place.
        .setHttp2ClearTextEnabled(false)
        .setMaxFormAttributeSize(64 * 1024);
    return vertx.createHttpServer(options)
        // A connection a client broke (a corrupt chunk, a reset) is the client's problem: without
        // a handler Vert.x reports it as an unhandled exception, an error log a client can repeat.
        .connectionHandler(connection -> {
          connection.exceptionHandler(e ->
              log.debug("Connection from {} failed: {}", connection.remoteAddress(), e.toString()));
          HttpVersionGuard.install(connection);
        })
        .invalidRequestHandler(HttpServerVerticle::unreadableRequest)
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

  /**
   * The last failure handler: a failure with an error status (or none) goes on to the error
   * handler of its status. Vert.x's body handler fails a request whose body broke off mid-way (a
   * chunk size that is not a number) with status 200, which has no error handler: without this it
   * is logged as an error, once per such request.
   */
  private static void failedWithoutErrorStatus(RoutingContext ctx) {
    if (ctx.statusCode() == -1 || ctx.statusCode() >= 400) {
      ctx.next();
      return;
    }
    log.debug("Request body of {} {} unreadable: {}", ctx.request().method(), ctx.normalizedPath(),
        String.valueOf(ctx.failure()));
    fail(ctx, 400, new ApiError("bad_request", "the request body could not be read"));
  }

  /**
   * A request line or headers the decoder could not read (or {@link HttpVersionGuard} refused):
   * answered like Vert.x's default, 414, 431 or 400, but in the one error shape and with the API's
   * security headers; the connection is closed, as its framing is lost.
   */
  private static void unreadableRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    ApiError error = switch (status) {
      case 414 -> new ApiError("uri_too_long", "the request line is too long");
      case 431 -> new ApiError("headers_too_large", "the request headers are too large");
      default -> cause instanceof HttpVersionGuard.UnsupportedVersion
          ? new ApiError("unsupported_http_version", "only HTTP/1.0 and HTTP/1.1 are served")
          : new ApiError("bad_request", "the request line or headers could not be read");
    };
    log.debug("Unreadable request from {}: {}", request.remoteAddress(), String.valueOf(cause));
    SecurityHeaders.API.writeTo(request.response().headers());
    request.response().setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(error.toJson().encode())
        .onComplete(done -> request.connection().close());
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
