package io.trackflow.adapters.store.clickhouse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ClickHouse refused a request; carries its error code and message. */
public final class ClickHouseException extends RuntimeException {

  private static final Pattern CODE = Pattern.compile("Code:\\s*(\\d+)");
  private static final int MAX_MESSAGE = 2000;

  private final int httpStatus;
  private final int code;

  ClickHouseException(int httpStatus, int code, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
  }

  /** Builds the exception from an error response body such as {@code Code: 62, e.displayText() = ...}. */
  static ClickHouseException fromResponse(int httpStatus, String body, String what) {
    String text = body == null ? "" : body.strip();
    Matcher m = CODE.matcher(text);
    int code = m.find() ? Integer.parseInt(m.group(1)) : -1;
    // 18.16 appends ", e.what() = DB::Exception" to every message; it tells nothing.
    text = text.replace(", e.what() = DB::Exception", "");
    if (text.length() > MAX_MESSAGE) {
      text = text.substring(0, MAX_MESSAGE) + "…";
    }
    return new ClickHouseException(httpStatus, code,
        "ClickHouse " + what + " failed (HTTP " + httpStatus + "): " + text);
  }

  /** HTTP status of the answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** ClickHouse's error code (e.g. 62 for a syntax error, 60 for an unknown table), -1 if none. */
  public int code() {
    return code;
  }
}
