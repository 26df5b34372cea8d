package io.trackflow.core.http;

import io.vertx.core.json.JsonObject;

/** An expected client or availability error; the central error handler turns it into JSON. */
public class HttpFailure extends RuntimeException {
  private final int status;
  private final ApiError error;

  public HttpFailure(int status, String code, String message) {
    this(status, new ApiError(code, message));
  }

  public HttpFailure(int status, String code, String message, JsonObject details) {
    this(status, new ApiError(code, message, details));
  }

  public HttpFailure(int status, ApiError error) {
    super(error.message(), null, false, false);
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  public ApiError error() {
    return error;
  }
}
