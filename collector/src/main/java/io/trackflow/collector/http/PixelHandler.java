package io.trackflow.collector.http;

import io.trackflow.collector.CollectorMetrics;
import io.trackflow.collector.enrich.ClientIpResolver;
import io.trackflow.collector.pipeline.DropReason;
import io.trackflow.collector.pipeline.Hit;
import io.trackflow.collector.pipeline.HitBatcher;
import io.trackflow.collector.pipeline.Pipeline;
import io.trackflow.collector.pipeline.RawHit;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /i}: the pixel for pages without JavaScript. It always answers the 1x1 transparent
 * GIF at once — a broken image helps no one — and processes the hit afterwards; rejections and
 * publishes that fail later only show in metrics.
 */
final class PixelHandler implements Handler<RoutingContext> {

  /** The 43-byte transparent 1x1 GIF. */
  static final Buffer GIF = Buffer.buffer(new byte[] {
      'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0,
      0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
      0x21, (byte) 0xf9, 4, 1, 0, 0, 0, 0,
      0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0,
      2, 2, 0x44, 1, 0, 0x3b});

  private final Pipeline pipeline;
  private final HitBatcher batcher;
  private final ClientIpResolver ips;
  private final CollectorMetrics metrics;
  private final Clock clock;

  PixelHandler(Pipeline pipeline, HitBatcher batcher, ClientIpResolver ips,
      CollectorMetrics metrics, Clock clock) {
    this.pipeline = pipeline;
    this.batcher = batcher;
    this.ips = ips;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "image/gif")
        .putHeader("Cache-Control", "no-store, max-age=0")
        .end(GIF);
    metrics.received(true, 1);
    MultiMap params;
    try {
      params = ctx.queryParams();
    } catch (RuntimeException e) { // Vert.x wraps the decoder's IllegalArgumentException
      metrics.dropped(DropReason.MALFORMED_QUERY);
      return;
    }
    Hit hit = new Hit(0, RawHit.fromQuery(params, ctx.request().getHeader("Referer")),
        RequestFacts.clientIp(ctx.request(), ips), RequestFacts.userAgent(ctx.request()),
        clock.millis());
    hit.privacySignal = RequestFacts.privacySignal(ctx.request());
    if (pipeline.run(hit)) {
      batcher.submit(List.of(hit)).onFailure(e -> metrics.lost(1));
    }
  }
}
