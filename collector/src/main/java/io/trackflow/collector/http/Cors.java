package io.trackflow.collector.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the event endpoints: any origin may send events, and nothing ever carries
 * credentials (no cookies are used), so the wildcard origin is both allowed and sufficient.
 */
final class Cors {

  private Cors() {}

  static HttpServerResponse allowAnyOrigin(HttpServerResponse response) {
    return response.putHeader("Access-Control-Allow-Origin", "*");
  }

  /** Answers a preflight request. */
  static void preflight(RoutingContext ctx) {
    String requested = ctx.request().getHeader("Access-Control-Request-Headers");
    allowAnyOrigin(ctx.response())
        .putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
        .putHeader("Access-Control-Allow-Headers",
            requested == null || requested.isBlank() ? "Content-Type" : requested)
        .putHeader("Access-Control-Max-Age", "86400")
        .setStatusCode(204)
        .end();
  }
}
