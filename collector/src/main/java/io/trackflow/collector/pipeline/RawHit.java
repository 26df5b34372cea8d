package io.trackflow.collector.pipeline;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * One hit as the client sent it, before any checks. Values are what JSON or the query string
 * gave (String, Number, Boolean, JsonObject, JsonArray or null); short and long field names
 * (Plausible's Events API) are already merged.
 */
public record RawHit(
    Object name, Object url, Object domain, Object referrer, Object props, Object screenWidth,
    Object id, Object hashRouting, Object interactive, Object scrollDepth, Object engagedMillis,
    Object timestamp, Object revenue) {

  /** A beacon event object: short names first, then Plausible's long names. */
  public static RawHit fromJson(JsonObject o) {
    return new RawHit(
        pick(o, "n", "name"), pick(o, "u", "url"), pick(o, "d", "domain"),
        pick(o, "r", "referrer"), pick(o, "p", "props"), pick(o, "w", "screen_width"),
        o.getValue("id"), pick(o, "h", "hash"), pick(o, "i", "interactive"),
        pick(o, "sd", "scroll_depth"), pick(o, "e", "engagement_time"), o.getValue("ts"),
        pick(o, "$", "revenue"));
  }

  /** A pixel's query parameters (all strings); the page URL defaults to the Referer header. */
  public static RawHit fromQuery(MultiMap q, String refererHeader) {
    Object url = pick(q, "u", "url");
    return new RawHit(
        pick(q, "n", "name"), url != null ? url : refererHeader, pick(q, "d", "domain"),
        pick(q, "r", "referrer"), pick(q, "p", "props"), pick(q, "w", "screen_width"),
        q.get("id"), pick(q, "h", "hash"), pick(q, "i", "interactive"),
        pick(q, "sd", "scroll_depth"), pick(q, "e", "engagement_time"), q.get("ts"),
        pick(q, "$", "revenue"));
  }

  private static Object pick(JsonObject o, String shortName, String longName) {
    Object v = o.getValue(shortName);
    return v != null ? v : o.getValue(longName);
  }

  private static Object pick(MultiMap q, String shortName, String longName) {
    String v = q.get(shortName);
    return v != null ? v : q.get(longName);
  }
}
