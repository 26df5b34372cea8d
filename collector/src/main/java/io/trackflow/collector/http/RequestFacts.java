package io.trackflow.collector.http;

import io.trackflow.collector.enrich.ClientIpResolver;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * What the collector reads from a request besides its payload: client IP, user agent and the
 * browser's privacy signals.
 */
final class RequestFacts {

  private RequestFacts() {}

  static byte[] clientIp(HttpServerRequest request, ClientIpResolver resolver) {
    // The socket's peer: the request's own remoteAddress() would run Vert.x's Forwarded-header
    // parsing on every hit, which the resolver does itself, for trusted proxies only.
    SocketAddress peer = request.connection() == null ? request.remoteAddress() : request.connection().remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    return resolver.resolve(host, request.getHeader("X-Forwarded-For"));
  }

  /** True for {@code DNT: 1} (Do-Not-Track) or {@code Sec-GPC: 1} (Global Privacy Control). */
  static boolean privacySignal(HttpServerRequest request) {
    return "1".equals(trimmed(request.getHeader("DNT"))) || "1".equals(trimmed(request.getHeader("Sec-GPC")));
  }

  private static String trimmed(String value) {
    return value == null ? null : value.trim();
  }

  static String userAgent(HttpServerRequest request) {
    String ua = request.getHeader("User-Agent");
    return ua == null ? "" : ua;
  }
}
