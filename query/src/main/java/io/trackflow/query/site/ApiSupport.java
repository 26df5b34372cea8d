package io.trackflow.query.site;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.query.auth.PasswordHasher;
import io.trackflow.query.data.ImportsRoutes;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Request parsing and answering shared by the account routes: strict JSON, named-field 400s. */
public final class ApiSupport {

  /** API request bodies are small JSON documents. */
  public static final long BODY_LIMIT = 64 * 1024;

  private ApiSupport() {}

  /**
   * Mounts the body handler and a failure handler counting rejected requests (4xx) by code on
   * {@code /api/*}; the central error handler still writes the answer.
   */
  public static void mountCommon(Router router, MeterRegistry registry) {
    BodyHandler json = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.route("/api/*").handler(ctx -> {
      if (ImportsRoutes.streamsBody(ctx.request())) {
        // An export zip streams to disk in its route; held back until that route reads it.
        ctx.request().pause();
        ctx.next();
      } else {
        json.handle(ctx);
      }
    });
    router.route("/api/*").failureHandler(ctx -> {
      int status = ctx.failure() instanceof HttpFailure hf ? hf.status() : ctx.statusCode();
      if (status >= 400 && status < 500) {
        String code = ctx.failure() instanceof HttpFailure hf ? hf.error().code() : "http_" + status;
        Counter.builder("trackflow.api.rejected")
            .description("API requests answered with a client error, by error code")
            .tag("code", code)
            .register(registry)
            .increment();
      }
      ctx.next();
    });
  }

  public static HttpFailure badRequest(String message) {
    return new HttpFailure(400, "invalid_request", message);
  }

  /** The JSON object body; 400 when it is missing, not an object, or has fields not allowed. */
  public static JsonObject body(RoutingContext ctx, Set<String> allowed) {
    JsonObject body;
    try {
      String text = ctx.body() == null ? null : ctx.body().asString();
      if (text == null || text.isBlank()) {
        body = new JsonObject();
      } else {
        Object parsed = io.vertx.core.json.Json.decodeValue(text);
        if (!(parsed instanceof JsonObject object)) {
          throw badRequest("body: expected a JSON object");
        }
        body = object;
      }
    } catch (DecodeException e) {
      throw badRequest("body: not valid JSON");
    }
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw badRequest(field + ": unknown field (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    return body;
  }

  public static String requiredString(JsonObject body, String field, int maxLength) {
    String value = optionalString(body, field, maxLength);
    if (value == null || value.isBlank()) {
      throw badRequest(field + ": required");
    }
    return value;
  }

  public static String optionalString(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw badRequest(field + ": expected a string");
    }
    if (s.length() > maxLength) {
      throw badRequest(field + ": at most " + maxLength + " characters");
    }
    return s;
  }

  /** The lower-cased email in the field; 400 when it is missing or not an email address. */
  public static String requiredEmail(JsonObject body, String field) {
    String email = SiteValidation.email(requiredString(body, field, 254));
    if (email == null) {
      throw badRequest(field + ": expected an email address");
    }
    return email;
  }

  /**
   * A password someone sets, held to the password rules; 400 naming the field when it breaks them,
   * or when it is missing and required. Null when absent and not required.
   */
  public static String newPassword(JsonObject body, String field, boolean required) {
    String password = required ? requiredString(body, field, 1024) : optionalString(body, field, 1024);
    String problem = password == null ? null : PasswordHasher.problem(password);
    if (problem != null) {
      throw badRequest(field + problem.substring("password".length()));
    }
    return password;
  }

  public static List<String> stringList(JsonObject body, String field, int maxItems) {
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw badRequest(field + ": expected a non-empty array of strings");
    }
    if (array.size() > maxItems) {
      throw badRequest(field + ": at most " + maxItems + " entries");
    }
    List<String> out = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw badRequest(field + ": expected a non-empty array of strings");
      }
      out.add(s);
    }
    return out;
  }

  public static long pathId(RoutingContext ctx, String param) {
    try {
      return Long.parseLong(ctx.pathParam(param));
    } catch (NumberFormatException e) {
      throw new HttpFailure(404, "not_found", param + ": no such " + param);
    }
  }

  /** Answers a deletion: 204 when something was deleted, else a 404 with the code and message. */
  public static void respondDeleted(RoutingContext ctx, Future<Boolean> deleted, String code, String message) {
    respond(ctx, deleted.compose(done -> done ? Future.succeededFuture()
        : Future.failedFuture(new HttpFailure(404, code, message))), 204);
  }

  /** Sends the result as JSON with the status, or hands the failure to the error handler. */
  public static void respond(RoutingContext ctx, Future<?> result, int status) {
    result.onSuccess(value -> {
      if (ctx.response().ended()) {
        return;
      }
      ctx.response().setStatusCode(status);
      if (value == null || status == 204) {
        ctx.response().end();
      } else {
        ctx.response().putHeader("content-type", "application/json");
        ctx.response().end(value instanceof JsonObject o ? o.encode()
            : value instanceof JsonArray a ? a.encode() : io.vertx.core.json.Json.encode(value));
      }
    }).onFailure(ctx::fail);
  }
}
