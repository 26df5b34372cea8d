package io.trackflow.core.http;

import io.vertx.core.json.JsonObject;

/** The one JSON error shape every endpoint answers with. */
public record ApiError(String code, String message, JsonObject details) {

  public ApiError(String code, String message) {
    this(code, message, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("code", code).put("message", message);
    if (details != null && !details.isEmpty()) {
      json.put("details", details);
    }
    return json;
  }
}
