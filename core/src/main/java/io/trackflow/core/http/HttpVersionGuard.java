package io.trackflow.core.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Keeps a request line's HTTP version from becoming a 5xx. Vert.x answers any version but exactly
 * "HTTP/1.0" and "HTTP/1.1" with a 501 before a handler sees the request, so that any client could
 * provoke 5xx at will and count against the error-rate alerts. Placed right after the HTTP
 * decoder, this reads a later minor version of HTTP/1 (HTTP/1.2, or "http/1.1" in lower case) as
 * HTTP/1.1, as RFC 9112 asks of a server, and marks any other version (HTTP/9.9, HTTPS/1.1) as a
 * request the decoder could not read, which the server's invalid-request handler answers with a
 * 400. It works only with cleartext HTTP/2 off: with it on, Vert.x reads the first request of a
 * connection while telling HTTP/1 from HTTP/2, before the connection handler that installs this
 * runs. Vert.x's own connection handler reaches the pipeline the same way; a Vert.x upgrade that
 * moves it makes the collector's fuzz test see the 501 again.
 */
@ChannelHandler.Sharable
final class HttpVersionGuard extends ChannelInboundHandlerAdapter {

  private static final String NAME = "trackflowHttpVersionGuard";
  private static final String DECODER = "httpDecoder";
  /** Stateless, so one serves every connection. */
  private static final HttpVersionGuard GUARD = new HttpVersionGuard();

  /** A version this server does not speak. */
  static final class UnsupportedVersion extends IllegalArgumentException {
    UnsupportedVersion(String version) {
      super("unsupported HTTP version " + version);
    }
  }

  private HttpVersionGuard() {}

  /** Adds the guard to an HTTP/1 connection's pipeline (HTTP/2 connections have no such line). */
  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
      if (pipeline.get(DECODER) != null && pipeline.get(NAME) == null) {
        pipeline.addAfter(DECODER, NAME, GUARD);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      HttpVersion version = request.protocolVersion();
      if (version != HttpVersion.HTTP_1_0 && version != HttpVersion.HTTP_1_1) {
        if (version.protocolName().equals("HTTP") && version.majorVersion() == 1) {
          request.setProtocolVersion(version.minorVersion() == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
        } else {
          request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion(version.text())));
        }
      }
    }
    ctx.fireChannelRead(msg);
  }
}
