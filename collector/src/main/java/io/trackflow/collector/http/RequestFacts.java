package io.trackflow.collector.http;

import io.trackflow.collector.enrich.ClientIpResolver;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/** What the collector reads from a request besides its payload: client IP and user agent. */
final class RequestFacts {

  private RequestFacts() {}

  static byte[] clientIp(HttpServerRequest request, ClientIpResolver resolver) {
    // The socket's peer: the request's own remoteAddress() would run Vert.x's Forwarded-header
    // parsing on every hit, which the resolver does itself, for trusted proxies only.
    SocketAddress peer = request.connection() == null ? request.remoteAddress() : request.connection().remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    return resolver.resolve(host, request.getHeader("X-Forwarded-For"));
  }

  static String userAgent(HttpServerRequest request) {
    String ua = request.getHeader("User-Agent");
    return ua == null ? "" : ua;
  }
}
