package io.trackflow.collector.pipeline;

/**
 * Why a hit was not accepted: a closed set, each with its metric label ({@link #code()}), the
 * HTTP status a request rejected for it gets, and a message that says what to fix.
 */
public enum DropReason {
  // Whole-request problems (the body as a whole).
  BODY_TOO_LARGE(413, "the request body exceeds the collector's size limit"),
  UNSUPPORTED_CONTENT_TYPE(415, "send the body as application/json or text/plain"),
  UNSUPPORTED_CONTENT_ENCODING(415, "send the body uncompressed (no Content-Encoding)"),
  MALFORMED_JSON(400, "the body is not valid JSON"),
  MALFORMED_QUERY(400, "the query string is not valid URL encoding"),
  INVALID_BODY(400, "the body must be one event object or an array of event objects"),
  EMPTY_BATCH(400, "the array holds no events"),
  BATCH_TOO_LARGE(400, "an array may hold at most 100 events"),
  // One event's fields.
  NOT_AN_OBJECT(400, "each array element must be an event object"),
  MISSING_DOMAIN(400, "'d' (or 'domain'), the site's domain, is required"),
  INVALID_DOMAIN(400, "'d' (or 'domain') must be a domain name of at most 253 characters"),
  UNKNOWN_SITE(404, "no site with this domain is registered in TrackFlow; add it first"),
  MISSING_URL(400, "'u' (or 'url'), the page URL, is required"),
  INVALID_URL(400, "'u' (or 'url') must be an absolute URL with a scheme and a host"),
  URL_TOO_LONG(400, "'u' (or 'url') may be at most 2048 characters"),
  INVALID_REFERRER(400, "'r' (or 'referrer') must be a string"),
  REFERRER_TOO_LONG(400, "'r' (or 'referrer') may be at most 2048 characters"),
  INVALID_NAME(400, "'n' (or 'name'), the event name, must be a non-empty string"),
  NAME_TOO_LONG(400, "'n' (or 'name') may be at most 120 characters"),
  INVALID_PROPS(400, "'p' (or 'props') must be a JSON object of string, finite number or boolean values"),
  TOO_MANY_PROPS(400, "an event may carry at most 30 props"),
  PROP_KEY_TOO_LONG(400, "a prop name may be at most 300 characters"),
  PROP_VALUE_TOO_LONG(400, "a prop value may be at most 2000 characters"),
  INVALID_SCREEN_WIDTH(400, "'w' (or 'screen_width') must be a whole number of pixels"),
  INVALID_ID(400, "'id' must be a string or number of at most 128 characters"),
  INVALID_FLAG(400, "'h' and 'i' (hash routing, interactive) must be true/false or 1/0"),
  INVALID_TIMESTAMP(400, "'ts' must be a number of milliseconds since the epoch"),
  INVALID_ENGAGEMENT(400,
      "engagement events need 'sd' (scroll depth, 0-100) and 'e' (engaged milliseconds, 0 or more)"),
  INVALID_REVENUE(400, "'$' (or 'revenue') must be {\"amount\": a decimal number, \"currency\": an ISO 4217 code}"
      + " on a custom event, the amount within ±1,000,000,000,000"),
  BOT(202, "the user agent is a bot or crawler; bot traffic is not counted"),
  PRIVACY_SIGNAL(202, "the browser sent DNT: 1 or Sec-GPC: 1 and this site honours them; the hit is not counted");

  private final int status;
  private final String message;
  private final String code;

  DropReason(int status, String message) {
    this.status = status;
    this.message = message;
    this.code = name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The metric label and the code clients see, e.g. {@code url_too_long}. */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public String message() {
    return message;
  }
}
