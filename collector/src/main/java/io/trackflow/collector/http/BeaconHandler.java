package io.trackflow.collector.http;

import io.trackflow.collector.CollectorMetrics;
import io.trackflow.collector.enrich.ClientIpResolver;
import io.trackflow.collector.pipeline.DropReason;
import io.trackflow.collector.pipeline.Hit;
import io.trackflow.collector.pipeline.HitBatcher;
import io.trackflow.collector.pipeline.Limits;
import io.trackflow.collector.pipeline.Pipeline;
import io.trackflow.collector.pipeline.RawHit;
import io.trackflow.core.http.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/event}: one event object or an array of up to 100, as JSON or text/plain
 * (what {@code navigator.sendBeacon} sends). Answers {@code 202} with a summary once the queue
 * holds the accepted events, {@code 4xx} with a message for bad input, and {@code 503} with
 * {@code Retry-After} when the queue cannot take them (the tracker retries).
 */
final class BeaconHandler implements Handler<RoutingContext> {

  static final String RETRY_AFTER_SECONDS = "5";

  private final Pipeline pipeline;
  private final HitBatcher batcher;
  private final ClientIpResolver ips;
  private final CollectorMetrics metrics;
  private final Clock clock;
  private final Limits limits;

  BeaconHandler(Pipeline pipeline, HitBatcher batcher, ClientIpResolver ips,
      CollectorMetrics metrics, Clock clock, Limits limits) {
    this.pipeline = pipeline;
    this.batcher = batcher;
    this.ips = ips;
    this.metrics = metrics;
    this.clock = clock;
    this.limits = limits;
  }

  /**
   * The route's first handler, before the body is read: a body of a type or encoding the collector
   * does not take is refused unread. A form type in particular must never reach the body handler,
   * which would decode it as a form (and fail outside any handler when a field is too long).
   */
  void refuseUnreadable(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType != null && !acceptedType(contentType)) {
      rejectRequest(ctx, DropReason.UNSUPPORTED_CONTENT_TYPE);
      return;
    }
    String encoding = ctx.request().getHeader("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      rejectRequest(ctx, DropReason.UNSUPPORTED_CONTENT_ENCODING);
      return;
    }
    ctx.next();
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      rejectRequest(ctx, DropReason.INVALID_BODY);
      return;
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      rejectRequest(ctx, DropReason.MALFORMED_JSON);
      return;
    }
    List<Object> items;
    if (json instanceof JsonObject o) {
      items = List.of(o);
    } else if (json instanceof JsonArray a) {
      if (a.isEmpty()) {
        rejectRequest(ctx, DropReason.EMPTY_BATCH);
        return;
      }
      if (a.size() > limits.maxBatch()) {
        rejectRequest(ctx, DropReason.BATCH_TOO_LARGE);
        return;
      }
      items = a.getList();
    } else {
      rejectRequest(ctx, DropReason.INVALID_BODY);
      return;
    }
    metrics.received(false, items.size());

    byte[] ip = RequestFacts.clientIp(ctx.request(), ips);
    String ua = RequestFacts.userAgent(ctx.request());
    boolean privacySignal = RequestFacts.privacySignal(ctx.request());
    long now = clock.millis();
    List<Hit> rejected = new ArrayList<>();
    List<Hit> passed = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      JsonObject object = item instanceof JsonObject o ? o
          : item instanceof java.util.Map<?, ?> m ? new JsonObject(castMap(m)) : null;
      if (object == null) {
        Hit bad = new Hit(i, null, ip, ua, now);
        bad.drop = DropReason.NOT_AN_OBJECT;
        metrics.dropped(DropReason.NOT_AN_OBJECT);
        rejected.add(bad);
        continue;
      }
      Hit hit = new Hit(i, RawHit.fromJson(object), ip, ua, now);
      hit.privacySignal = privacySignal;
      (pipeline.run(hit) ? passed : rejected).add(hit);
    }

    if (passed.isEmpty()) {
      answerWithoutPublishing(ctx, items.size() == 1 && json instanceof JsonObject, rejected);
      return;
    }
    batcher.submit(passed).onComplete(ar -> {
      HttpServerResponse response = Cors.allowAnyOrigin(ctx.response());
      if (ar.succeeded()) {
        response.setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(summary(ar.result().accepted(), ar.result().duplicates(), rejected).encode());
      } else {
        response.setStatusCode(503).putHeader("Retry-After", RETRY_AFTER_SECONDS)
            .putHeader("Content-Type", "application/json")
            .end(new ApiError("queue_unavailable",
                "the event queue cannot take events right now; retry after "
                    + RETRY_AFTER_SECONDS + " seconds").toJson().encode());
      }
    });
  }

  /**
   * Every event was dropped: hits not counted on purpose (bots, privacy signals) still get a 202,
   * anything else a 4xx saying why.
   */
  private void answerWithoutPublishing(RoutingContext ctx, boolean single, List<Hit> rejected) {
    HttpServerResponse response = Cors.allowAnyOrigin(ctx.response())
        .putHeader("Content-Type", "application/json");
    boolean anyDeclined = rejected.stream().anyMatch(h -> h.drop.status() == 202);
    if (anyDeclined) {
      response.setStatusCode(202).end(summary(0, 0, rejected).encode());
      return;
    }
    DropReason first = rejected.get(0).drop;
    boolean same = rejected.stream().allMatch(h -> h.drop == first);
    int status = same ? first.status() : 400;
    JsonObject details = summary(0, 0, rejected);
    String message = single ? first.message()
        : "no event in the batch was accepted" + (same ? ": " + first.message() : "; see details");
    response.setStatusCode(status)
        .end(new ApiError(same ? first.code() : "invalid_events", message, details).toJson().encode());
  }

  private void rejectRequest(RoutingContext ctx, DropReason reason) {
    metrics.received(false, 1);
    metrics.dropped(reason);
    Cors.allowAnyOrigin(ctx.response())
        .setStatusCode(reason.status())
        .putHeader("Content-Type", "application/json")
        .end(new ApiError(reason.code(), reason.message()).toJson().encode());
  }

  static JsonObject summary(int accepted, int duplicates, List<Hit> rejected) {
    JsonArray list = new JsonArray();
    for (Hit h : rejected) {
      list.add(new JsonObject().put("index", h.index).put("reason", h.drop.code())
          .put("message", h.drop.message()));
    }
    return new JsonObject().put("accepted", accepted).put("duplicates", duplicates)
        .put("rejected", list);
  }

  private static boolean acceptedType(String contentType) {
    String t = contentType.toLowerCase(Locale.ROOT);
    return t.startsWith("application/json") || t.startsWith("text/plain");
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> castMap(java.util.Map<?, ?> m) {
    return (java.util.Map<String, Object>) m;
  }
}
